"""xl-pib ingest counts (issue 7): the monthly counts analysts keep, wide or long, CSV or Excel, with months
written every way analysts write them; unmatched columns listed; --into creates 'none' Targets rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from xl_pib import months
from xl_pib.cli import main
from xl_pib.demo import write_demo_input
from xl_pib.inputs import read_workbook


def run(capsys, *args):
    status = main([str(a) for a in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_wide_csv_with_every_month_spelling_and_unmatched_columns(tmp_path, capsys):
    """Issue 13: a column that matches no indicator is never left out silently: refused with the fix, or added."""
    source = tmp_path / "counts.csv"
    table = ("Month,All Crime,vehicle crime,asb,Fly-tipping,Notes\n"
             "2007-04,100,10,50,3,\n05/2007,110,12,40,4,\nJun-07,90,9,30,5,\nJuly 2007,95,11,,6,\n")
    source.write_text(table, encoding="utf-8")
    status, out, err = run(capsys, "ingest", "counts", source, "-o", tmp_path / "out.csv")
    assert status == 2 and len(err.strip().splitlines()) == 1 and not (tmp_path / "out.csv").exists()
    assert "counts.csv row 1, column 'Fly-tipping'" in err and "'Fly-tipping', 'Notes' match none" in err
    assert "--add-unmatched" in err and "(FLY_TIPPING, NOTES)" in err
    source.write_text(table.replace(",Notes", "").replace(",\n", "\n"), encoding="utf-8")
    status, out, err = run(capsys, "ingest", "counts", source, "--add-unmatched", "-o", tmp_path / "out.csv")
    assert status == 0, err
    assert "All Crime -> ALL_CRIME" in out and "vehicle crime -> VEH" in out and "asb -> ASB" in out
    assert "Fly-tipping -> FLY_TIPPING" in out and "columns added as new indicators (--add-unmatched): Fly-tipping" in out
    got = pd.read_csv(tmp_path / "out.csv", dtype={"Month": str})
    want = pd.DataFrame({"Month": ["2007-04", "2007-05", "2007-06", "2007-07"] * 2 + ["2007-04", "2007-05", "2007-06"]
                         + ["2007-04", "2007-05", "2007-06", "2007-07"],
                         "Indicator": ["ALL_CRIME"] * 4 + ["VEH"] * 4 + ["ASB"] * 3 + ["FLY_TIPPING"] * 4,
                         "Value": [100, 110, 90, 95, 10, 12, 9, 11, 50, 40, 30, 3, 4, 5, 6]})
    pd.testing.assert_frame_equal(got.sort_values(["Indicator", "Month"]).reset_index(drop=True),
                                  want.sort_values(["Indicator", "Month"]).reset_index(drop=True))


def test_long_xlsx_with_real_excel_dates(tmp_path, capsys):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Month", "Indicator", "Value"])
    for k, value in enumerate([31, 28, 40]):
        cell_date = dt.datetime(2009, 1 + k, 1)
        ws.append([cell_date, "Domestic Burglary", value])
        ws.cell(ws.max_row, 1).number_format = "mmm-yy"
    ws.append([dt.datetime(2009, 1, 1), "Unknown thing", 5])
    wb.save(tmp_path / "long.xlsx")
    status, out, err = run(capsys, "ingest", "counts", tmp_path / "long.xlsx", "-o", tmp_path / "out.csv")
    assert status == 2 and "long.xlsx row 5, column 'Indicator'" in err and "'Unknown thing' matches none" in err
    status, out, err = run(capsys, "ingest", "counts", tmp_path / "long.xlsx", "--add-unmatched",
                           "-o", tmp_path / "out.csv")
    assert status == 0, err
    assert "indicators added (--add-unmatched) (1 rows):\n  Unknown thing: 1" in out
    got = pd.read_csv(tmp_path / "out.csv", dtype={"Month": str})
    assert got.values.tolist() == [["2009-01", "DB", 31], ["2009-02", "DB", 28], ["2009-03", "DB", 40],
                                   ["2009-01", "UNKNOWN_THING", 5]]


def test_into_the_demo_creates_missing_targets_as_none(tmp_path, capsys):
    demo = write_demo_input(tmp_path / "demo.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Month", "Vehicle Crime", "Shoplifting", "NI16 - Serious Acquisitive Crime"])
    for k in range(3):
        ws.append([dt.datetime(2009, 9 + k, 1), 40 + k, 20 + k, 900 + k])  # real dates, as typed in Excel
    wb.save(tmp_path / "mine.xlsx")
    out = tmp_path / "merged.xlsx"
    status, report, err = run(capsys, "ingest", "counts", tmp_path / "mine.xlsx", "--into", demo, "-o", out)
    assert status == 2 and not out.exists()  # Shoplifting is not on the demo's Targets sheet: nothing added unasked
    assert "1 ingested indicator is not on the Targets sheet (SHOPLIFTING)" in err
    assert "Indicator SHOPLIFTING, Name Shoplifting" in err and "--add-unmatched" in err
    status, report, err = run(capsys, "ingest", "counts", tmp_path / "mine.xlsx", "--into", demo, "--add-unmatched",
                              "-o", out)
    assert status == 0, err
    assert "NI16 - Serious Acquisitive Crime -> NI16" in report  # matched by the workbook's own Targets name
    assert "added Targets rows (target type none, section Monitoring, the workbook's baseline; set their targets): " \
           "SHOPLIFTING" in report
    inputs = read_workbook(out)
    target = inputs.targets.set_index("indicator").loc["SHOPLIFTING"]
    assert target["target_type"] == "none" and target["name"] == "Shoplifting"
    # the baseline the demo's other indicators use (the commonest), and no note of the ingest's own on the sheet
    shared = inputs.targets.groupby(["baseline_period", "baseline_end"]).size().idxmax()
    assert (target["baseline_period"], target["baseline_end"]) == shared == ("2007/08", months.parse("2008-03"))
    assert not target["commentary"]
    data = inputs.data.set_index(["indicator", "month"])["value"]
    assert data[("VEH", months.parse("2009-11"))] == 42 and data[("NI16", months.parse("2009-09"))] == 900
    assert data[("SHOPLIFTING", months.parse("2009-10"))] == 21
    assert main(["build", str(out), "-o", str(tmp_path / "bulletin.xlsx")]) == 0


@pytest.mark.parametrize("content,fragments", [
    ("Month,All Crime\n2007-04,100\nsoon,90\n", ["counts.csv row 3, column 'Month'", "got 'soon'"]),
    ("Month,All Crime\n2007-04,100\n2007-05,lots\n", ["counts.csv row 3, column 'All Crime'", "a number"]),
    ("Month,Mystery\n2007-04,100\n", ["column 'Mystery'", "'Mystery' matches none", "--add-unmatched"]),
    ("Month,Indicator,Value\n2007-04,VEH,1\nApr-07,VEH,2\n", ["row 3", "VEH 2007-04 is repeated"]),
])
def test_bad_counts_are_refused(content, fragments, tmp_path, capsys):
    (tmp_path / "counts.csv").write_text(content, encoding="utf-8")
    status, _, err = run(capsys, "ingest", "counts", tmp_path / "counts.csv", "-o", tmp_path / "o.csv")
    assert status == 2 and len(err.strip().splitlines()) == 1
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    assert not (tmp_path / "o.csv").exists()


def test_non_utf8_counts_are_refused(tmp_path, capsys):
    (tmp_path / "counts.csv").write_bytes("Month,All Crime,Caf\u00e9\n2007-04,1,2\n".encode("cp1252"))
    status, _, err = run(capsys, "ingest", "counts", tmp_path / "counts.csv", "-o", tmp_path / "o.csv")
    assert status == 2 and "counts.csv row 1: expected UTF-8 text (save it as 'CSV UTF-8')" in err


def test_the_documented_ingest_example_runs(tmp_path):
    """The Ingest page's runnable example (docs/ingest.md), line by line, in a fresh folder."""
    import re
    import subprocess
    import sys

    page = (Path(__file__).resolve().parents[2] / "docs" / "ingest.md").read_text()
    block = next(b for b in re.findall(r"```bash\n(.*?)```", page, flags=re.S) if "ingest counts out/" in b)
    for line in block.strip().splitlines():
        command = line.replace("python -m", f"{sys.executable} -m", 1)
        done = subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, (line, done.stderr)
    inputs = read_workbook(tmp_path / "out" / "demo_input_ingested.xlsx")
    data = inputs.data.set_index(["indicator", "month"])["value"]
    assert data[("VEH", months.parse("2009-10"))] == 38 and data[("NI16", months.parse("2009-11"))] == 911
    assert (tmp_path / "out" / "demo_bulletin_ingested.xlsx").exists()
