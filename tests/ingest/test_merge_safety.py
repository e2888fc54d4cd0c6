"""Safe merges (issue 16, deliverable 5; issue 13, deliverable 3): every replaced series reported with its totals,
a level change refused without --replace, the Partnership's nearest names, the Breaks sheet written and kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from police_uk_files import COLUMNS, CRIME_TYPES, month_list, street_rows, write_lookup, write_street_csv

from xl_pib import months
from xl_pib.cli import main
from xl_pib.inputs import read_workbook
from xl_pib.xlsx import write_sheets

MONTHS = month_list("2021-04", 36)


def partnership(path: Path, data: list[list], name="Testford", indicators=("ALL_CRIME",), extra=None) -> Path:
    targets = [["Indicator", "Name", "Section", "Measure", "Direction", "Baseline period", "Baseline end", "Baseline",
                "Target type", "Target amount", "Target date"]]
    targets += [[i, i.title(), "Community Safety", "count", "down", "2021/22", "2022-03", None, "none", None, None]
                for i in indicators]
    sheets = {"Settings": [["Setting", "Value"], ["Partnership", name], ["Latest month", MONTHS[-1]]],
              "Targets": targets,
              "Outcomes": [["Theme", "Outcome", "Description", "Indicators"],
                           ["Safer", "S1", "Less crime", ", ".join(indicators)]],
              "Data": data, **(extra or {})}
    return write_sheets(sheets, path)


def run(capsys, *args):
    status = main([str(a) for a in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_all_crime_with_asb_replacing_a_partnerships_series_is_refused_with_both_totals(tmp_path, capsys):
    """The issue's case: 36 All Crime values totalling 1,349 would become force-wide totals with ASB, 5,388."""
    rng = np.random.default_rng(1)
    own = rng.multinomial(1349, [1 / 36] * 36)
    wide = rng.multinomial(5388, [1 / 36] * 36)
    source = partnership(tmp_path / "input.xlsx", [["Month", "Indicator", "Value"]] +
                         [[m, "ALL_CRIME", int(v)] for m, v in zip(MONTHS, own)])
    counts = tmp_path / "force.csv"
    counts.write_text("Month,All Crime\n" + "".join(f"{m},{v}\n" for m, v in zip(MONTHS, wide)), encoding="utf-8")
    out = tmp_path / "merged.xlsx"
    status, report, err = run(capsys, "ingest", "counts", counts, "--into", source, "-o", out)
    assert status == 2 and not out.exists() and len(err.strip().splitlines()) == 1
    assert "the merge would change the level of 1 series by more than half: ALL_CRIME from 1,349 to 5,388 over the " \
           "36 months it replaces" in err and "--replace" in err
    status, report, err = run(capsys, "ingest", "counts", counts, "--into", source, "--replace", "-o", out)
    assert status == 0, err
    assert "replaced series (total of the replaced months: before -> after):\n  ALL_CRIME: 36 months, 1,349 -> 5,388 " \
           "(+299%)" in report
    assert "--replace: 1 series changed level by more than half" in report
    assert read_workbook(out).data["value"].sum() == 5388


def test_every_replaced_series_is_reported_and_a_small_revision_goes_through(tmp_path, capsys):
    source = partnership(tmp_path / "input.xlsx", [["Month", "Indicator", "Value"]] +
                         [[m, "ALL_CRIME", 100] for m in MONTHS[:12]] + [[m, "VEH", 10] for m in MONTHS[:12]],
                         indicators=("ALL_CRIME", "VEH"))
    counts = tmp_path / "revised.csv"
    counts.write_text("Month,ALL_CRIME,veh\n" + "".join(f"{m},104,9\n" for m in MONTHS[:12]), encoding="utf-8")
    status, report, err = run(capsys, "ingest", "counts", counts, "--into", source, "-o", tmp_path / "m.xlsx")
    assert status == 0, err
    assert "  ALL_CRIME: 12 months, 1,200 -> 1,248 (+4%)" in report and "  VEH: 12 months, 120 -> 108 (-10%)" in report


def _areas_long(path: Path, areas: list[str]) -> Path:
    lines = ["Month,Area,Indicator,Value"] + [f"{m},{a},ALL_CRIME,{50 + k}" for k, a in enumerate(areas)
                                             for m in MONTHS[:3]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_counts_for_many_areas_none_the_partnership_name_the_nearest_and_the_setting(tmp_path, capsys):
    areas = [f"District {k:03d}" for k in range(141)] + ["Newcastle upon Tyne", "Newcastle-under-Lyme", "Newark"]
    counts = _areas_long(tmp_path / "csp.csv", areas)
    source = partnership(tmp_path / "input.xlsx", [["Month", "Indicator", "Value"]], name="Newcastle")
    status, _, err = run(capsys, "ingest", "counts", counts, "--into", source, "-o", tmp_path / "m.xlsx")
    assert status == 2 and len(err.strip().splitlines()) == 1
    assert "Settings row 2, column 'Value': expected the Partnership setting to be one of the 144 areas the counts " \
           "cover (the nearest are 'Newcastle upon Tyne', 'Newcastle-under-Lyme'" in err
    assert "change the Partnership setting" in err and "add an Area column to the Data sheet" in err
    assert "got 'Newcastle'" in err


def test_columns_matching_no_indicator_of_the_workbook_are_refused_with_the_targets_rows(tmp_path, capsys):
    source = partnership(tmp_path / "input.xlsx", [["Month", "Indicator", "Value"]])
    counts = tmp_path / "mine.csv"
    counts.write_text("Month,All Crime,ASB incidents\n2021-04,100,30\n", encoding="utf-8")
    status, _, err = run(capsys, "ingest", "counts", counts, "--into", source, "-o", tmp_path / "m.xlsx")
    assert status == 2  # issue 13's finding: "left out: ASB incidents" and exit 0
    assert "mine.csv row 1, column 'ASB incidents'" in err and "'ASB incidents' matches none" in err
    assert "add a Targets row for each to input.xlsx (Indicator ASB_INCIDENTS, Name ASB incidents)" in err
    status, _, err = run(capsys, "ingest", "counts", counts, "--into", source, "--add-unmatched",
                         "-o", tmp_path / "m.xlsx")
    assert status == 0, err
    targets = read_workbook(tmp_path / "m.xlsx").targets.set_index("indicator")
    added = targets.loc["ASB_INCIDENTS"]
    assert added["name"] == "ASB incidents" and added["target_type"] == "none"
    assert (added["baseline_period"], months.iso(added["baseline_end"])) == ("2021/22", "2022-03")


def _gwent(folder: Path, seed=3) -> Path:
    """Three years of one force whose criminal damage jumps from about 55 to about 600 a month in October 2023."""
    rng = np.random.default_rng(seed)
    lsoas = [f"W0100{i:04d}" for i in range(30)]
    others = [t for t in CRIME_TYPES if t != "Criminal damage and arson"]
    for month in MONTHS:
        rows = street_rows(rng, month, "Gwent Police", int(rng.poisson(400)), lsoas, no_lsoa_share=0, types=others)
        rows += street_rows(rng, month, "Gwent Police", int(rng.poisson(55 if month < "2023-10" else 600)), lsoas,
                            no_lsoa_share=0, types=["Criminal damage and arson"])
        write_street_csv(folder / month / f"{month}-gwent-street.csv", rows)
    return folder


def test_a_break_in_the_published_data_is_reported_and_written_to_the_breaks_sheet(tmp_path, capsys):
    folder = _gwent(tmp_path / "dl")
    lookup = write_lookup(tmp_path / "lookup.csv", {"Newport": [f"W0100{i:04d}" for i in range(30)]})
    status, out, err = run(capsys, "ingest", "police-uk", folder, "--lookup", lookup, "-o", tmp_path / "c.xlsx")
    assert status == 0, err
    assert "warning: breaks in the series (2 level shifts found, 1 national recording change)" in out
    line = next(line for line in out.splitlines() if line.startswith("  CDA from 2023-10: "))
    assert "level shift found by xl-pib ingest:" in line and "[Breaks row: CDA | 2023-10 | suggested]" in line
    rows = openpyxl.load_workbook(tmp_path / "c.xlsx")["Breaks"].values
    header, *body = list(rows)
    assert header == ("Indicator", "Month", "Reason", "Status")
    found = {(i, f"{m:%Y-%m}", s) for i, m, r, s in body}
    # All Crime moves with its criminal damage; Violence and Sexual Offences spans the May 2023 rule change
    assert found == {("ALL_CRIME", "2023-10", "suggested"), ("CDA", "2023-10", "suggested"),
                     ("VSO", "2023-06", "suggested")}

    # --into: the rows go to the workbook's Breaks sheet, the analyst's own rows stay, nothing is added twice
    analyst = [["Indicator", "Month", "Reason"], ["ASB", dt.datetime(2022, 4, 1), "new ASB recording system"]]
    source = partnership(tmp_path / "input.xlsx", [["Month", "Indicator", "Value"]],
                         indicators=("ALL_CRIME", "CDA", "VSO", "ASB"), name="Newport", extra={"Breaks": analyst})
    mapping = tmp_path / "mapping.csv"
    shipped = (Path(__file__).resolve().parents[2] / "xl_pib/ingest/mappings/police_uk_mapping.csv").read_text()
    keep = ("ALL_CRIME", "CDA", "VSO", "ASB")
    mapping.write_text("\n".join(line for line in shipped.splitlines()
                                 if line.startswith("Crime type") or line.split(",")[1] in keep
                                 or line.split(",")[0] and not line.split(",")[1]) + "\n", encoding="utf-8")
    merged = tmp_path / "merged.xlsx"
    args = ["ingest", "police-uk", folder, "--lookup", lookup, "--mapping", mapping, "--into", source, "-o", merged]
    status, out, err = run(capsys, *args)
    assert status == 0, err
    assert "Breaks sheet: 3 rows added (Status 'suggested'), 0 already there" in out
    sheet = list(openpyxl.load_workbook(merged)["Breaks"].values)
    assert sheet[0] == ("Indicator", "Month", "Reason", "Status")  # a Status column added to the analyst's sheet
    assert sheet[1] == ("ASB", dt.datetime(2022, 4, 1), "new ASB recording system", None)
    assert {(i, f"{m:%Y-%m}", s) for i, m, _, s in sheet[2:]} == found
    status, out, err = run(capsys, *args[:-4], "--into", merged, "-o", tmp_path / "again.xlsx")
    assert status == 0, err
    assert "Breaks sheet: 0 rows added (Status 'suggested'), 3 already there" in out


def test_underscore_and_case_headers_in_police_uk_and_counts_files(tmp_path, capsys):
    rng = np.random.default_rng(2)
    lsoas = [f"E0102{i:04d}" for i in range(20)]
    rows = street_rows(rng, "2022-01", "Northamptonshire Police", 200, lsoas)
    plain = write_street_csv(tmp_path / "a" / "2022-01-n-street.csv", rows)
    odd = write_street_csv(tmp_path / "b" / "2022-01-n-street.csv", rows,
                           header=[c.replace(" ", "_").lower() for c in COLUMNS])
    lookup = write_lookup(tmp_path / "lookup.csv", {"Kettering": lsoas}, header=("LSOA_Code", "AREA"))
    for name, file in (("a", plain), ("b", odd)):
        status, _, err = run(capsys, "ingest", "police-uk", file, "--lookup", lookup, "-o", tmp_path / f"{name}.csv")
        assert status == 0, err
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()
    counts = tmp_path / "counts.csv"
    counts.write_text("MONTH,Vehicle_Crime,all crime\n2022-01,4,40\n", encoding="utf-8")
    status, out, err = run(capsys, "ingest", "counts", counts, "-o", tmp_path / "c.csv")
    assert status == 0, err
    assert "Vehicle_Crime -> VEH" in out and "all crime -> ALL_CRIME" in out
    assert pd.read_csv(tmp_path / "c.csv")["Value"].tolist() == [40, 4]
