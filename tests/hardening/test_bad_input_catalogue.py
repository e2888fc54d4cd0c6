"""The bad-input catalogue (tests/bad_inputs.py) through ``xl-pib build``: each case has its defined outcome.

- error: exit status 2, exactly one line naming the sheet (or file), row and
  column and what was expected, no traceback, nothing written;
- warning: the bulletin is written and a ``warning:`` line says what was done;
- accepted: the bulletin is written without warnings (and, where the input means
  the same as the demo's, with the demo's Results).
"""

from __future__ import annotations

import pytest

from bad_inputs import CATALOGUE, available, build
from xl_pib.cli import main


def results_of(path):
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Results").to_python()


@pytest.fixture(scope="module")
def demo_results(demo_files):
    return results_of(demo_files[1])


def test_the_catalogue_is_large_and_distinct():
    ids = [c.id for c in CATALOGUE]
    assert len(ids) == len(set(ids)) >= 40
    assert {c.outcome for c in CATALOGUE} == {"error", "warning", "accepted"}


@pytest.mark.parametrize("case", CATALOGUE, ids=[c.id for c in CATALOGUE])
def test_case_has_its_defined_outcome(case, demo_sheets, demo_results, tmp_path, capsys, monkeypatch):
    if not available(case):
        pytest.skip("LibreOffice makes this file")
    source, row = build(case, demo_sheets, tmp_path / "in")
    for key, value in case.env.items():
        monkeypatch.setenv(key, value)
    output = tmp_path / "out" / "bulletin.xlsx"
    status = main(["build", str(source), "-o", str(output)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    lines = captured.err.strip().splitlines()
    if case.outcome == "error":
        assert status == 2, captured
        assert len(lines) == 1 and captured.out == "", captured
        message = lines[0]
        assert message.startswith(f"xl-pib: {case.sheet}"), message
        if row is not None:
            assert f"{case.sheet} row {row}, column '{case.column}'" in message, message
        elif case.column is not None:
            assert f"{case.sheet} column '{case.column}'" in message, message
        assert f"expected {case.expected}" in message, message
        assert not output.parent.exists(), "a failed build created its output folder"
        return
    assert status == 0, captured.err
    assert output.exists()
    assert all(line.startswith("warning: ") for line in lines), lines
    if case.outcome == "warning":
        assert any(case.expected in line for line in lines), lines
    else:
        assert lines == [], lines
    if case.same_results:
        assert results_of(output) == demo_results


def test_rag_overrides_written_as_words_reach_the_bulletin_as_letters(demo_sheets, demo_assessment):
    """'green' and 'Amber / Red' are the seed's G and A/R: the outcome RAGs equal the demo's own."""
    import copy

    from bad_inputs import rows_of, set_cell
    from xl_pib.assess import assess
    from xl_pib.inputs import parse_sheets

    sheets = copy.deepcopy(demo_sheets)
    for outcome, words in (("O2a", "green"), ("O1c", "Amber / Red")):
        set_cell(sheets, "Outcomes", rows_of(sheets, "Outcomes", "Outcome", outcome)[0], "RAG override", words)
    ours = assess(parse_sheets(sheets)).outcomes.set_index("outcome")["rag"]
    demo = demo_assessment.outcomes.set_index("outcome")["rag"]
    assert (ours["O2a"], ours["O1c"]) == ("G", "A/R")
    assert ours.to_dict() == demo.to_dict()
