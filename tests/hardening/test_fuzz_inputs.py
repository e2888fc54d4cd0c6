"""Fuzzing the input reader and the engine (issue 6): random workbooks, written to real .xlsx files with
openpyxl and read back through ``read_workbook`` (python-calamine and the validation), then assessed and
laid out as a bulletin (saved to memory through the same writer as every output).

Two generators: workbooks of random shape (random sheets, headers, cell types and values), and the demo
input with random damage (cells overwritten with random values, rows deleted or repeated, columns dropped).
The only acceptable failures are xl-pib's own errors (``InputError``, ``PibError``), which reach the
analyst as one line; anything else escaping is a crash to fix in the reader or validation.

CI runs 50 examples of each; ``pytest -m slow`` runs 1,000 of each (nightly).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xl_pib.assess import assess
from xl_pib.bulletin import build_workbook
from xl_pib.errors import PibError
from xl_pib.inputs import read_workbook
from xl_pib.inputs.schema import INPUT_SHEETS
from xl_pib.xlsx import write_sheets, write_workbook

QUICK, NIGHTLY = 50, 1000
OUTCOMES: Counter = Counter()  # "built" / "refused" per example, for tests/hardening_figures.py

IDS = ["VEH", "DB", "NI17", "NI49_1", "ALL_CRIME", "X1"]
WORDS = ["count", "rate", "percentage", "down", "up", "reduction_pct", "increase_pct", "level", "maintenance",
         "none", "xmr", "poisson", "trend", "worst", "majority", "Kettering", "Partnership", "Latest month",
         "Confidence", "Trend window", "Band fraction", "N/A", "", " ", "2009-11", "2009-13", "1899-12", "45%",
         "=1+1", "-", "inf", "nan", "1e308", "TRUE"]
# Text a workbook can hold (openpyxl refuses XML-illegal control characters; see the catalogue for those).
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)

cells = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.floats(min_value=0, max_value=1),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2199, 12, 31)),
    st.sampled_from(IDS), st.sampled_from(WORDS), TEXT,
    st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(1890, 2210), st.integers(0, 13)),
)


@st.composite
def random_workbooks(draw):
    """Sheets of random shape whose names and headers are often, not always, the ones xl-pib reads."""
    sheets = {}
    for spec in INPUT_SHEETS:
        if draw(st.integers(0, 9)) == 0:
            continue  # a missing sheet
        headers = [c.header for c in spec.columns]
        if draw(st.booleans()):
            headers = draw(st.permutations(headers))
        if draw(st.integers(0, 4)) == 0:
            headers = [h if draw(st.integers(0, 5)) else draw(TEXT) for h in headers]
        width = len(headers) + draw(st.integers(0, 2))
        rows = [headers + [draw(TEXT) for _ in range(width - len(headers))]]
        if spec.name == "Settings" and draw(st.booleans()):
            # Valid settings half the time, so the random cells of the other sheets get validated too.
            rows = [["Setting", "Value"], ["Partnership", "Kettering"], ["Latest month", draw(cells)]]
        for _ in range(draw(st.integers(0, 12))):
            rows.append(draw(st.lists(cells, min_size=0, max_size=width)))
        name = spec.name if draw(st.integers(0, 6)) else draw(st.sampled_from([spec.name.upper(), f" {spec.name} "]))
        sheets[name] = rows
    if draw(st.booleans()):
        sheets[draw(TEXT.filter(lambda t: 0 < len(t.strip()) <= 31 and not any(c in t for c in "[]:*?/\\'")))
               or "Extra"] = [[draw(cells) for _ in range(3)]]
    return sheets or {"Sheet1": []}  # a workbook holds at least one sheet


def small_demo() -> dict:
    """The demo input cut to six indicators (every measure kind), so each example builds in a fraction of a second."""
    from xl_pib.demo import demo_sheets

    keep = {"VEH", "DB", "NI17", "NI49_1", "ALL_CRIME", "NI47"}
    sheets = demo_sheets()
    sheets["Targets"] = [r for i, r in enumerate(sheets["Targets"]) if i == 0 or r[0] in keep]
    sheets["Data"] = [r for i, r in enumerate(sheets["Data"]) if i == 0 or r[1] in keep]
    sheets["MSG"] = [r for i, r in enumerate(sheets["MSG"]) if i == 0 or r[0] in keep]
    column = sheets["Outcomes"][0].index("Indicators")
    for row in sheets["Outcomes"][1:]:
        ids = [i.strip() for i in str(row[column] or "").split(",") if i.strip() in keep]
        row[column] = ", ".join(ids) or None
    return sheets


SMALL_DEMO = small_demo()


@st.composite
def damaged_demo(draw):
    """The (small) demo input with one to six random changes."""
    sheets = copy.deepcopy(SMALL_DEMO)
    for _ in range(draw(st.integers(1, 6))):
        name = draw(st.sampled_from(sorted(sheets)))
        rows = sheets[name]
        action = draw(st.sampled_from(["cell", "cell", "cell", "delete row", "repeat row", "drop column", "blank"]))
        if action == "cell" and rows:
            r = draw(st.integers(0, len(rows) - 1))
            c = draw(st.integers(0, max(len(rows[r]), 1)))
            rows[r] = list(rows[r]) + [None] * (c + 1 - len(rows[r]))
            rows[r][c] = draw(cells)
        elif action == "delete row" and len(rows) > 1:
            del rows[draw(st.integers(1, len(rows) - 1))]
        elif action == "repeat row" and len(rows) > 1:
            r = draw(st.integers(1, len(rows) - 1))
            rows.insert(r, list(rows[r]))
        elif action == "drop column" and rows and rows[0]:
            c = draw(st.integers(0, len(rows[0]) - 1))
            sheets[name] = [row[:c] + row[c + 1:] for row in rows]
        elif action == "blank" and len(rows) > 1:
            r = draw(st.integers(1, len(rows) - 1))
            rows[r] = [None] * len(rows[r])
    return sheets


def check(sheets: dict) -> str:
    """Write, read, assess and lay out one workbook; only xl-pib's own errors may come out."""
    with tempfile.TemporaryDirectory(prefix="xl-pib-fuzz-") as folder:
        path = write_sheets(sheets, Path(folder) / "input.xlsx")
        try:
            assessment = assess(read_workbook(path))
            wb, _ = build_workbook(assessment)
            write_workbook(wb, io.BytesIO())
        except PibError as error:
            message = str(error)
            assert "\n" not in message and message, repr(message)
            OUTCOMES["refused"] += 1
            return "refused"
    OUTCOMES["built"] += 1
    return "built"


def fuzz(strategy, examples: int):
    @settings(max_examples=examples, deadline=None, database=None, derandomize=examples == QUICK,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
    @given(strategy)
    def run(sheets):
        check(sheets)
    run()


def test_fuzz_random_workbooks():
    fuzz(random_workbooks(), QUICK)


def test_fuzz_damaged_demo():
    fuzz(damaged_demo(), QUICK)


@pytest.mark.slow
def test_fuzz_random_workbooks_nightly():
    fuzz(random_workbooks(), NIGHTLY)


@pytest.mark.slow
def test_fuzz_damaged_demo_nightly():
    fuzz(damaged_demo(), NIGHTLY)


def test_the_damaged_demo_sometimes_builds():
    """The generator reaches the engine and the writer, not only the first validation check."""
    assert check(copy.deepcopy(SMALL_DEMO)) == "built"
