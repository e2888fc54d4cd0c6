"""Changing one indicator's Data changes exactly that indicator's Results, as the engine computes them
(issue 3, "Tests required"). Done through files: modified input .xlsx -> `xl-pib build` -> Results read
back with python-calamine.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from xl_pib.assess import RESULTS_COLUMNS, assess
from xl_pib.cli import main
from xl_pib.inputs import parse_sheets
from xl_pib.xlsx import write_sheets


def write_input(sheets: dict, path: Path) -> Path:
    return write_sheets(sheets, path)


def same_cell(a, b) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-15)


def read_results(path: Path) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Results").to_python()


@pytest.fixture(scope="module")
def original_results(demo_files):
    return read_results(demo_files[1])


@pytest.mark.parametrize("indicator", ["VEH", "RDC", "NI49_1"])  # a count, a percentage and a rate
def test_one_indicator_changes_only_its_own_row(indicator, demo_sheets, original_results, tmp_path, capsys):
    sheets = copy.deepcopy(demo_sheets)
    data = sheets["Data"]
    latest = dict(sheets["Settings"][1:])["Latest month"]
    rows = [r for r in data[1:] if r[1] == indicator and r[0] <= latest and r[2] is not None]
    last = max(rows, key=lambda r: r[0])
    last[2] = last[2] + 10
    source = write_input(sheets, tmp_path / "input.xlsx")
    output = tmp_path / "bulletin.xlsx"
    assert main(["build", str(source), "-o", str(output)]) == 0, capsys.readouterr().err

    changed = read_results(output)
    assert changed[0] == original_results[0] == list(RESULTS_COLUMNS)
    assert [r[0] for r in changed] == [r[0] for r in original_results]
    engine = assess(parse_sheets(sheets)).results.set_index("Indicator")
    differing = []
    for new, old in zip(changed[1:], original_results[1:]):
        if new[0] == indicator:
            want = [indicator, *engine.loc[indicator].tolist()]
            for column, got, expected in zip(RESULTS_COLUMNS, new, want):
                assert same_cell(got, expected), f"{indicator} {column}: file {got!r}, engine {expected!r}"
            differing = [c for c, a, b in zip(RESULTS_COLUMNS, new, old) if not same_cell(a, b)]
            if indicator == "VEH":  # a count: the rolling 12-month total grows by exactly 10
                current = RESULTS_COLUMNS.index("Current")
                assert new[current] == old[current] + 10
        else:
            for column, a, b in zip(RESULTS_COLUMNS, new, old):
                assert same_cell(a, b), f"{new[0]} {column} changed: {b!r} -> {a!r}"
    assert "Current" in differing, differing
