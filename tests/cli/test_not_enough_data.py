"""Not enough data is not an error (issue 3): the measure shows N/A, the block says why, the outcome RAG
ignores it, and the build succeeds with one warning line per indicator naming the measure and the months
it needs.

One build of the demo input with three indicators cut short: Repeat Domestic Crime (RDC, CDRP Targets)
and Teenagers Hanging Around (TEEN, Perception) keep only their last 9 months of data, and Serious
Acquisitive Crime (SAC) has no data at all.
"""

from __future__ import annotations

import contextlib
import copy
import io
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

import pib_udfs
from xl_pib import labels
from xl_pib.cli import main
from xl_pib.xlsx import write_sheets

NINE_MONTHS = ("RDC", "TEEN")
NO_DATA = "SAC"


def write_input(sheets: dict, path: Path) -> Path:
    return write_sheets(sheets, path)


@pytest.fixture(scope="module")
def short_build(tmp_path_factory, demo_sheets):
    sheets = copy.deepcopy(demo_sheets)
    header, *rows = sheets["Data"]
    kept = [r for r in rows if r[1] not in (*NINE_MONTHS, NO_DATA)]
    for indicator in NINE_MONTHS:
        kept += sorted(r for r in rows if r[1] == indicator)[-9:]
    sheets["Data"] = [header, *kept]
    folder = tmp_path_factory.mktemp("not_enough_data")
    source = write_input(sheets, folder / "input.xlsx")
    output = folder / "bulletin.xlsx"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["build", str(source), "-o", str(output)])
    return status, output, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def results(short_build):
    rows = CalamineWorkbook.from_path(str(short_build[1])).get_sheet_by_name("Results").to_python()
    return {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}


@pytest.fixture(scope="module")
def book(short_build):
    return openpyxl.load_workbook(short_build[1])


def summary_rags(ws) -> dict[str, str]:
    out = {}
    for row in ws.iter_rows(max_col=3):
        label = row[0].value
        if isinstance(label, str) and ":" in label and not label.startswith("Theme") and row[2].value is not None:
            out[label.split(":")[0]] = row[2].value
    return out


def block_text(ws, name: str) -> list:
    """(column A, column B) from an indicator's name row up to the next indicator's name row."""
    targets = ws.parent["Targets"]
    header = [c.value for c in targets[1]]
    names = {row[header.index("Name")] for row in targets.iter_rows(min_row=2, values_only=True)}
    values = [(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in range(1, ws.max_row + 1)]
    start = next(i for i, (a, _) in enumerate(values) if a == name)
    end = next((i for i in range(start + 1, len(values)) if values[i][0] in names), len(values))
    return values[start:end]


def test_build_succeeds(short_build):
    status, output, out, err = short_build
    assert status == 0, err
    assert output.is_file()
    assert out.startswith(f"wrote {output}")
    assert "Traceback" not in err


def test_one_warning_line_per_short_indicator_naming_measure_and_months(short_build):
    err = short_build[3]
    lines = err.strip().splitlines()
    assert all(line.startswith("warning: ") for line in lines), lines
    ids = [line.removeprefix("warning: ").split(":")[0] for line in lines]
    assert sorted(ids) == sorted((*NINE_MONTHS, NO_DATA)), lines
    by_id = dict(zip(ids, lines))
    assert "Trend sufficient needs 24 months; 9 available" in by_id["RDC"]
    assert "Current position needs 12 months; 9 available" in by_id["RDC"]
    assert "Trend sufficient needs 24 months; 9 available" in by_id["TEEN"]
    assert "Current position needs 12 months; 0 available" in by_id[NO_DATA]
    assert "Trend sufficient needs 24 months; 0 available" in by_id[NO_DATA]


def test_short_indicator_shows_na(results):
    rdc = results["RDC"]
    for column in ("Trend sufficient", "Current", "Comparative 12 months", "Past month", "Position", "RAG"):
        assert rdc[column] == labels.NA, column
    assert rdc["Target"] == pytest.approx(0.18)  # a level target needs no data
    teen = results["TEEN"]
    assert teen["Trend sufficient"] == teen["Past month"] == teen["RAG"] == labels.NA
    assert teen["Current"] == pytest.approx(0.414)  # the Place Survey override still applies


def test_outcome_rag_ignores_the_short_indicator(book, results, demo_assessment):
    rags = summary_rags(book["Executive Summary"])
    # V1e = NI17 (G) + TEEN (now N/A): stays G.
    assert results["NI17"]["RAG"] == "G"
    assert rags["V1e"] == "G"
    # O1a = NI32 (G) + RDC (A in the demo, now N/A): the worst rule now sees only G.
    before = demo_assessment.outcomes.set_index("outcome")
    assert before.loc["O1a", "rag"] == "A"
    assert results["NI32"]["RAG"] == "G"
    assert rags["O1a"] == rags["O1b"] == "G"
    assert pib_udfs.PIB_OUTCOME_RAG([["G"], [labels.NA]]) == "G"


def test_block_says_why(book):
    ws = book["CDRP Targets"]
    texts = [str(a) for a, _ in block_text(ws, "Repeat Domestic Crime") if a]
    assert any("Trend sufficient needs 24 months; 9 available" in t for t in texts), texts
    table = dict(block_text(ws, "Repeat Domestic Crime"))
    assert table["Long-term trend sufficient to meet target"] == labels.NA


def test_perception_block_says_why(book):
    ws = book["Perception"]
    texts = [str(a) for a, _ in block_text(ws, "Perception: Teenagers Hanging Around") if a]
    assert dict(block_text(ws, "Perception: Teenagers Hanging Around"))[
        "Long-term trend sufficient to meet target"] == labels.NA
    assert any("needs 24 months; 9 available" in t for t in texts), texts


def test_indicator_with_no_data(results, book):
    sac = results[NO_DATA]
    for column in ("Baseline", "Target", "Current", "Change from baseline", "Reduction required",
                   "Trend sufficient", "Past month", "Comparative 12 months", "Position", "RAG"):
        assert sac[column] == labels.NA, column
    texts = [str(a) for a, _ in block_text(book["CDRP Targets"], "Serious Acquisitive Crime") if a]
    assert "No data is available yet for this indicator." in texts
    assert any("Trend sufficient needs 24 months; 0 available" in t for t in texts), texts
