"""Where the consistency checks show in the workbooks (issue 21): the Workings sheet's Checks list and Target note
column, the Refresh status, never a printed sheet; a refresh rewrites the list whole."""

from __future__ import annotations

import openpyxl
import pytest

from xl_pib.assess import assess
from xl_pib.build import build_bulletin, refresh_book
from xl_pib.bulletin import build_workbook, print_sheets
from xl_pib.bulletin import refresh as ranges
from xl_pib.bulletin import workings
from xl_pib.checks import CHECKS
from xl_pib.demo.edits import apply
from xl_pib.errors import StrictRefusal
from xl_pib.inputs import parse_sheets, read_workbook
from xl_pib.xlsx import write_sheets

EXAMPLE = next(c for c in CHECKS if c.name == "Target value").example


def _checks_list(ws) -> list[list]:
    first = workings.CHECKS_FIRST_COLUMN
    return [[ws.cell(r, c).value for c in range(first, first + len(workings.CHECKS_HEADER))]
            for r in range(1, workings.CHECKS_ROWS + 2)]


def _texts(ws) -> set[str]:
    return {str(c.value) for row in ws.iter_rows() for c in row if c.value is not None}


@pytest.fixture(scope="module")
def edited_input(tmp_path_factory):
    sheets, _ = apply(EXAMPLE)
    return write_sheets(sheets, tmp_path_factory.mktemp("checks") / "edited.xlsx")


def test_the_static_bulletin_lists_the_checks_on_workings_and_nowhere_printed(edited_input, tmp_path):
    assessment = build_bulletin(edited_input, tmp_path / "b.xlsx")
    (finding,) = assessment.checks
    wb = openpyxl.load_workbook(tmp_path / "b.xlsx")
    listed = _checks_list(wb[workings.WORKINGS])
    assert listed[0] == list(workings.CHECKS_HEADER)
    assert listed[1] == [finding.check, finding.sheet, finding.row, finding.column, finding.found, finding.against,
                         finding.fix]
    assert all(all(v is None for v in row) for row in listed[2:])
    _, layout = build_workbook(assessment)
    for name in print_sheets(layout):
        assert not any(finding.found in text or finding.fix in text for text in _texts(wb[name])), name
    assert workings.WORKINGS not in print_sheets(layout)


def test_workings_shows_each_target_note(demo_assessment, tmp_path):
    wb, _ = build_workbook(demo_assessment)
    ws = wb[workings.WORKINGS]
    headers = [c.value for c in ws[1]]
    column = headers.index("Target note") + 1
    ids = demo_assessment.inputs.targets["indicator"].tolist()
    notes = dict(zip(ids, demo_assessment.inputs.targets["target_note"]))
    assert notes["AWI"].startswith("As Kettering's December 2009 bulletin published it")
    for i, indicator in enumerate(ids):
        assert (ws.cell(i + 2, column).value or "") == notes[indicator], indicator
    assert _checks_list(ws)[1][0] == "none: the input sheets agree with each other"


def test_the_status_names_the_checks_apart_from_the_other_warnings(edited_input):
    assessment = assess(read_workbook(edited_input))
    text = ranges.status_text(assessment)
    assert "Warnings:" not in text
    assert f"Checks (1 input contradicting others, listed on the Workings sheet): {assessment.checks[0].line}" in text


def test_a_refresh_rewrites_the_checks_list_and_status_and_strict_leaves_the_book(tmp_path):
    """The live workbook with the leftover typed into its Targets sheet: a headless refresh (the Refresh button's
    twin) lists it; --strict refuses and leaves the workbook's bytes as they were; with the cell put back, the
    refresh leaves no stale row."""
    from xl_pib.demo import demo_sheets
    from xl_pib.template import build_template

    book = build_template(assess(parse_sheets(demo_sheets())), tmp_path / "live.xlsm")
    wb = openpyxl.load_workbook(book, keep_vba=True)
    targets = wb["Targets"]
    header = [c.value for c in targets[1]]
    row = next(r for r in range(2, targets.max_row + 1) if targets.cell(r, 1).value == "SAC")
    targets.cell(row, header.index("Target value") + 1).value = 1250
    wb.save(book)

    before = book.read_bytes()
    with pytest.raises(StrictRefusal, match=r"1 warning and --strict, so nothing was written: Targets row 15"):
        refresh_book(book, book, strict=True)
    assert book.read_bytes() == before

    done = refresh_book(book, book)
    assert not done.rebuilt
    wb = openpyxl.load_workbook(book, keep_vba=True)
    listed = _checks_list(wb[workings.WORKINGS])
    assert listed[1][:4] == ["Target value", "Targets", row, "Target value"]
    status = wb[ranges.STATUS[0]][ranges.STATUS[1]].value
    assert "Checks (1 input contradicting others" in status and "1,250 is used" in status

    wb["Targets"].cell(row, header.index("Target value") + 1).value = None  # the analyst clears the leftover
    wb.save(book)
    refresh_book(book, book)
    wb = openpyxl.load_workbook(book, keep_vba=True)
    listed = _checks_list(wb[workings.WORKINGS])
    assert listed[1][0] == "none: the input sheets agree with each other"
    assert all(all(v is None for v in r) for r in listed[2:])
    assert "Checks" not in wb[ranges.STATUS[0]][ranges.STATUS[1]].value


def test_more_findings_than_rows_end_with_how_many_more(demo_assessment):
    import dataclasses

    from xl_pib.checks import Finding

    many = tuple(Finding("Target value", "Targets", r, "Target value", "x", "y", "z")
                 for r in range(workings.CHECKS_ROWS + 5))
    grid = workings.checks_grid(dataclasses.replace(demo_assessment, checks=many))
    assert len(grid) == workings.CHECKS_ROWS + 1
    assert grid[-1][0] == "... and 6 more: 'xl-pib build' prints them all"

