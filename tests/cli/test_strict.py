"""The checks on the command line (issue 21): build prints them; --strict refuses any warning with exit status 2
and writes nothing, in build, batch and ingest --into; the batch report carries the lines."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

from xl_pib import batch
from xl_pib.checks import CHECKS
from xl_pib.cli import main
from xl_pib.demo import demo_sheets
from xl_pib.demo.edits import apply
from xl_pib.xlsx import write_sheets

TARGET = next(c for c in CHECKS if c.name == "Target value").example
MSG_COUNT = next(c for c in CHECKS if c.name == "MSG own count").example


def run(capsys, *args):
    status = main([str(a) for a in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def edited(path: Path, edit=TARGET) -> tuple[Path, str]:
    sheets, _ = apply(edit)
    from xl_pib.assess import assess
    from xl_pib.inputs import parse_sheets

    (finding,) = assess(parse_sheets(sheets)).checks
    return write_sheets(sheets, path), finding.line


def test_build_prints_each_check_and_still_writes(tmp_path, capsys):
    source, line = edited(tmp_path / "in.xlsx")
    status, out, err = run(capsys, "build", source, "-o", tmp_path / "b.xlsx")
    assert status == 0 and (tmp_path / "b.xlsx").is_file()
    assert err.splitlines() == [f"warning: {line}"]


def test_strict_build_exits_2_and_writes_nothing(tmp_path, capsys):
    source, line = edited(tmp_path / "in.xlsx")
    status, out, err = run(capsys, "build", source, "-o", tmp_path / "b.xlsx", "--strict")
    assert status == 2 and out == ""
    assert err.splitlines() == [f"warning: {line}", "xl-pib: 1 warning and --strict, so nothing was written"]
    assert list(tmp_path.iterdir()) == [source]  # no bulletin, no temporary file


def test_strict_refuses_warnings_that_are_not_checks_too(tmp_path, capsys):
    """Every warning: here a Data row after the Latest month, which build ignores with a note."""
    sheets = demo_sheets()
    sheets["Data"].append(["2009-12", "SAC", 90, None])
    source = write_sheets(sheets, tmp_path / "in.xlsx")
    status, _, err = run(capsys, "build", source, "-o", tmp_path / "b.xlsx", "--strict")
    assert status == 2 and "1 rows after the latest month (2009-11) were ignored" in err
    assert not (tmp_path / "b.xlsx").exists()


def test_strict_build_of_the_untouched_demo_writes_it(tmp_path, capsys):
    source = write_sheets(demo_sheets(), tmp_path / "demo.xlsx")
    status, out, err = run(capsys, "build", source, "-o", tmp_path / "b.xlsx", "--strict")
    assert status == 0 and err == "" and (tmp_path / "b.xlsx").is_file()


def read_report(folder: Path) -> list[dict]:
    with open(folder / batch.REPORT, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_batch_reports_the_lines_and_strict_fails_only_the_doubtful(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    write_sheets(demo_sheets(), inputs / "clean.xlsx")
    _, line = edited(inputs / "leftover.xlsx")

    assert batch.run(inputs, tmp_path / "out", jobs=1) == 0
    rows = {r["file"]: r for r in read_report(tmp_path / "out")}
    assert (rows["leftover.xlsx"]["warnings"], rows["leftover.xlsx"]["warning_lines"]) == ("1", line)
    assert (rows["clean.xlsx"]["warnings"], rows["clean.xlsx"]["warning_lines"]) == ("0", "")

    assert main(["batch", str(inputs), "-o", str(tmp_path / "strict"), "--jobs", "1", "--strict"]) == 2
    rows = {r["file"]: r for r in read_report(tmp_path / "strict")}
    assert rows["clean.xlsx"]["status"] == "built" and (tmp_path / "strict" / "clean.xlsx").is_file()
    assert rows["leftover.xlsx"]["status"] == "failed" and not (tmp_path / "strict" / "leftover.xlsx").exists()
    assert rows["leftover.xlsx"]["error"] == f"1 warning and --strict, so nothing was written: {line}"


def _counts_moving_veh(path: Path, more: int = 20) -> Path:
    """Vehicle Crime's November 2009 count ``more`` higher: by 20, the merged Data no longer agree with the MSG
    sheet's own row (680, the demo's 12 months to November 2009)."""
    rows = demo_sheets()["Data"]
    (value,) = [r[2] for r in rows[1:] if r[1] == "VEH" and r[0] == "2009-11"]
    path.write_text(f"Month,Indicator,Value\n2009-11,VEH,{value + more}\n", encoding="utf-8")
    return path


def test_ingest_into_lists_the_merged_workbooks_warnings_and_strict_writes_nothing(tmp_path, capsys):
    source = write_sheets(demo_sheets(), tmp_path / "demo.xlsx")
    counts = _counts_moving_veh(tmp_path / "counts.csv")
    status, out, err = run(capsys, "ingest", "counts", counts, "--into", source, "-o", tmp_path / "merged.xlsx",
                           "--strict")
    assert status == 2 and not (tmp_path / "merged.xlsx").exists()
    assert "xl-pib: 1 warning and --strict, so nothing was written (the merged workbook's warnings)" in err
    assert "MSG row 47, column 'Count': VEH's MSG Count for Kettering is 680, but the Data give 700" in err

    status, out, err = run(capsys, "ingest", "counts", counts, "--into", source, "-o", tmp_path / "merged.xlsx")
    assert status == 0, err
    assert "warning: the merged workbook gives 1 warning 'xl-pib build' prints" in out
    assert "  MSG row 47, column 'Count': VEH's MSG Count for Kettering is 680" in out
    assert openpyxl.load_workbook(tmp_path / "merged.xlsx")["Data"].max_row == len(demo_sheets()["Data"])

    clean = _counts_moving_veh(tmp_path / "same.csv", more=0)
    status, out, err = run(capsys, "ingest", "counts", clean, "--into", source, "-o", tmp_path / "same.xlsx",
                           "--strict")
    assert status == 0, err
    assert "the merged workbook's checks: none ('xl-pib build' prints no warning)" in out


def test_strict_without_into_is_a_usage_error(tmp_path, capsys):
    counts = _counts_moving_veh(tmp_path / "counts.csv")
    status, _, err = run(capsys, "ingest", "counts", counts, "-o", tmp_path / "c.csv", "--strict")
    assert status == 2 and "--strict goes with --into" in err and not (tmp_path / "c.csv").exists()


def test_a_merged_workbook_build_would_refuse_is_reported_and_strict_refuses_it(tmp_path, capsys):
    sheets = demo_sheets()
    del sheets["Outcomes"]  # a workbook still being put together
    source = write_sheets(sheets, tmp_path / "partial.xlsx")
    counts = _counts_moving_veh(tmp_path / "counts.csv", more=0)
    status, out, err = run(capsys, "ingest", "counts", counts, "--into", source, "-o", tmp_path / "merged.xlsx")
    assert status == 0, err
    assert "warning: the merged workbook cannot be built as it is: Outcomes: expected a sheet named 'Outcomes'" in out
    assert (tmp_path / "merged.xlsx").is_file()
    status, out, err = run(capsys, "ingest", "counts", counts, "--into", source, "-o", tmp_path / "strict.xlsx",
                           "--strict")
    assert status == 2 and "expected a sheet named 'Outcomes'" in err and not (tmp_path / "strict.xlsx").exists()
