"""Bad input (issue 3, "Bad input"): one line naming sheet, row and column and what was expected,
exit status 2, nothing written, an existing output left untouched, and never a traceback.

Each bad workbook is the demo's input sheets with one cell (or sheet, or column) changed, written with
openpyxl through xl_pib.xlsx.write_sheets. Row numbers are spreadsheet rows: the header is row 1, so the
list index i of a sheet's rows is row i + 1.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from xl_pib import months
from xl_pib.cli import main
from xl_pib.xlsx import write_sheets


MONTH = f"a month ({months.ACCEPTED})"


def write_input(sheets: dict, path: Path) -> Path:
    return write_sheets(sheets, path)


def index_of(rows: list[list], column: str, value, nth: int = 0) -> int:
    """List index of the nth row whose ``column`` holds ``value`` (row number = index + 1)."""
    c = rows[0].index(column)
    return [i for i, row in enumerate(rows) if i and row[c] == value][nth]


def set_cell(sheets, sheet: str, index: int, column: str, value) -> None:
    rows = sheets[sheet]
    rows[index][rows[0].index(column)] = value


@dataclass
class Case:
    id: str
    change: Callable[[dict], tuple[int | None]]  # mutates the sheets; returns the bad row number (or None)
    sheet: str
    column: str | None
    expected: str


def _cell_case(id, sheet, column, key_column, key, value, expected, nth=0) -> Case:
    def change(sheets):
        i = index_of(sheets[sheet], key_column, key, nth)
        set_cell(sheets, sheet, i, column, value)
        return i + 1
    return Case(id, change, sheet, column, expected)


def _drop_sheet(name):
    def change(sheets):
        del sheets[name]
        return None
    return change


def _drop_column(sheet, column):
    def change(sheets):
        c = sheets[sheet][0].index(column)
        for row in sheets[sheet]:
            del row[c]
        return 1
    return change


def _duplicate_month(sheets):
    """The second VEH row gets the first VEH row's month: that second row is the repeated one."""
    rows = sheets["Data"]
    first, second = index_of(rows, "Indicator", "VEH", 0), index_of(rows, "Indicator", "VEH", 1)
    set_cell(sheets, "Data", second, "Month", rows[first][0])
    return second + 1


def _blank_setting(key):
    def change(sheets):
        i = index_of(sheets["Settings"], "Setting", key)
        set_cell(sheets, "Settings", i, "Value", None)
        return i + 1
    return change


def _remove_setting(key):
    def change(sheets):
        sheets["Settings"] = [r for r in sheets["Settings"] if r[0] != key]
        return None
    return change


def _unknown_in_outcomes(sheets):
    i = index_of(sheets["Outcomes"], "Outcome", "V1c")
    set_cell(sheets, "Outcomes", i, "Indicators", "CD, NOPE, NI17")
    return i + 1


def _blank_row_then_bad_month(sheets):
    """An empty row above the bad cell still counts as a spreadsheet row."""
    rows = sheets["Data"]
    i = index_of(rows, "Indicator", "SAC", 5)
    rows.insert(i, [None] * len(rows[0]))
    set_cell(sheets, "Data", i + 1, "Month", "Nov 20O9")
    return i + 2


CASES = [
    Case("missing sheet Outcomes", _drop_sheet("Outcomes"), "Outcomes", None, "a sheet named 'Outcomes'"),
    Case("missing sheet Data", _drop_sheet("Data"), "Data", None, "a sheet named 'Data'"),
    Case("missing column Targets Measure", _drop_column("Targets", "Measure"), "Targets", "Measure",
         "a column headed 'Measure'"),
    Case("missing column Data Value", _drop_column("Data", "Value"), "Data", "Value", "a column headed 'Value'"),
    _cell_case("Data month not a month", "Data", "Month", "Indicator", "VEH", "2009-13",
               MONTH, nth=7),
    _cell_case("Targets baseline end not a month", "Targets", "Baseline end", "Indicator", "VEH", "March",
               MONTH),
    _cell_case("Targets target date not a month", "Targets", "Target date", "Indicator", "DB", "soon",
               MONTH),
    Case("blank row counted", _blank_row_then_bad_month, "Data", "Month", MONTH),
    _cell_case("Data text for number", "Data", "Value", "Indicator", "VEH", "lots", "a number", nth=3),
    _cell_case("Targets text for number", "Targets", "Target amount", "Indicator", "SAC", "five", "a number"),
    _cell_case("MSG text for number", "MSG", "Count", "Indicator", "VEH", "many", "a number", nth=2),
    Case("duplicated month", _duplicate_month, "Data", "Month", "one row per indicator and month"),
    _cell_case("unknown indicator in Data", "Data", "Indicator", "Indicator", "VEH", "VEHX",
               "an indicator id listed on the Targets sheet", nth=4),
    Case("unknown indicator in Outcomes", _unknown_in_outcomes, "Outcomes", "Indicators",
         "indicator ids listed on the Targets sheet"),
    _cell_case("unknown indicator in MSG", "MSG", "Indicator", "Indicator", "VEH", "NOPE",
               "an indicator id listed on the Targets sheet", nth=1),
    _cell_case("target date before baseline end", "Targets", "Target date", "Indicator", "VEH", "2007-01",
               "a month on or after the baseline end"),
    Case("blank Partnership", _blank_setting("Partnership"), "Settings", "Value", "a 'Partnership' setting"),
    Case("blank Latest month", _blank_setting("Latest month"), "Settings", "Value", "a 'Latest month' setting"),
    Case("no Latest month row", _remove_setting("Latest month"), "Settings", "Setting",
         "a 'Latest month' setting"),
]


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory, demo_sheets):
    """Every bad workbook, written once: id -> (path, bad row)."""
    folder = tmp_path_factory.mktemp("bad_inputs")
    out = {}
    for n, case in enumerate(CASES):
        sheets = copy.deepcopy(demo_sheets)
        row = case.change(sheets)
        out[case.id] = (write_input(sheets, folder / f"bad_{n}.xlsx"), row)
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_one_line_naming_the_cell_exit_2_nothing_written(case, bad_inputs, tmp_path, capsys):
    source, row = bad_inputs[case.id]
    output = tmp_path / "out" / "bulletin.xlsx"
    status = main(["build", str(source), "-o", str(output)])
    captured = capsys.readouterr()
    assert status == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    message = lines[0]
    assert "Traceback" not in captured.err and captured.out == ""
    assert message.startswith(f"xl-pib: {case.sheet}")
    if row is not None:
        assert f"{case.sheet} row {row}, column '{case.column}'" in message
    elif case.column is not None:
        assert f"{case.sheet} column '{case.column}'" in message
    assert f"expected {case.expected}" in message
    assert not output.exists()
    assert not output.parent.exists() or not any(output.parent.iterdir())


def test_the_reported_value_is_quoted(bad_inputs, tmp_path, capsys):
    source, row = bad_inputs["Data text for number"]
    assert main(["build", str(source), "-o", str(tmp_path / "b.xlsx")]) == 2
    assert capsys.readouterr().err.strip() == f"xl-pib: Data row {row}, column 'Value': expected a number; got 'lots'"


@pytest.mark.parametrize("pdf", [False, True], ids=["xlsx", "xlsx+pdf"])
def test_failed_build_leaves_existing_output_untouched_and_no_temporary_files(pdf, bad_inputs, demo_files,
                                                                              tmp_path, capsys):
    output = tmp_path / "bulletin.xlsx"
    shutil.copyfile(demo_files[1], output)
    os.utime(output, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    before = output.read_bytes(), output.stat().st_mtime_ns
    listing = sorted(p.name for p in tmp_path.iterdir())
    for case_id in ("Data month not a month", "duplicated month", "no Latest month row"):
        source, _ = bad_inputs[case_id]
        args = ["build", str(source), "-o", str(output)] + (["--pdf"] if pdf else [])
        assert main(args) in ((1, 2) if pdf else (2,))
        assert len(capsys.readouterr().err.strip().splitlines()) == 1
        assert (output.read_bytes(), output.stat().st_mtime_ns) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == listing


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, cwd=cwd, timeout=120)


def test_subprocess_exit_status_2_and_no_traceback(bad_inputs, tmp_path):
    source, row = bad_inputs["unknown indicator in Data"]
    output = tmp_path / "bulletin.xlsx"
    done = _run([sys.executable, "-m", "xl_pib.cli", "build", str(source), "-o", str(output)], tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"xl-pib: Data row {row}, column 'Indicator': expected an indicator id listed on the Targets sheet; "
        "got 'VEHX'"]
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("name, content", [("missing.xlsx", None), ("corrupt.xlsx", b"not a workbook"),
                                           ("table.csv", b"a,b\n1,2\n")])
def test_console_script_unreadable_input(name, content, tmp_path):
    script = shutil.which("xl-pib") or str(Path(sys.executable).with_name("xl-pib"))
    if not Path(script).exists():
        pytest.skip("the xl-pib console script is not installed")
    source = tmp_path / name
    if content is not None:
        source.write_bytes(content)
    output = tmp_path / "out" / "bulletin.xlsx"
    done = _run([script, "build", str(source), "-o", str(output)], tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"xl-pib: {name}: expected a readable .xlsx"), done.stderr
    assert not output.parent.exists()
