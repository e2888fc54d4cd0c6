"""--into (issue 7): merging into an input workbook changes only the ingested Data rows (and adds Targets rows
for new indicators); a synthetic partnership's police.uk rows go through ingest and build, and the Results
match what the engine computes from the known counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from helpers import assert_results_equal_engine
from police_uk_files import download_folder, month_list, write_lookup
from xl_pib import months
from xl_pib.assess import assess
from xl_pib.cli import main
from xl_pib.demo import write_demo_input
from xl_pib.inputs import parse_sheets
from xl_pib.xlsx import write_sheets

KETTERING = [f"E0102{i:04d}" for i in range(30)]
CORBY = [f"E0103{i:04d}" for i in range(20)]


def cells(path: Path) -> dict[str, dict[str, object]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
            for ws in book.worksheets}


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    work = tmp_path_factory.mktemp("merge")
    demo = write_demo_input(work / "demo_input.xlsx")
    folder = download_folder(work / "dl", {"Northamptonshire Police": KETTERING + CORBY},
                             month_list("2009-01", 11), 300, seed=4)
    lookup = write_lookup(work / "lookup.csv", {"Kettering": KETTERING, "Corby": CORBY})
    out = work / "merged.xlsx"
    # synthetic counts replace the demo's real ones, so their level changes (--replace), and the demo does not
    # list Burglary, Criminal Damage, Robbery, Shoplifting or Violence and Sexual Offences (--add-unmatched)
    assert main(["ingest", "police-uk", str(folder), "--lookup", str(lookup), "--into", str(demo), "-o", str(out),
                 "--replace", "--add-unmatched"]) == 0
    counts = work / "counts.csv"
    assert main(["ingest", "police-uk", str(folder), "--lookup", str(lookup), "-o", str(counts)]) == 0
    return demo, out, pd.read_csv(counts, dtype={"Month": str})


def test_merging_into_the_demo_changes_only_the_ingested_rows(merged):
    demo, out, counts = merged
    kettering = counts[counts["Area"] == "Kettering"]
    ingested = {(i, m): v for i, m, v in zip(kettering["Indicator"], kettering["Month"], kettering["Value"])}
    before, after = cells(demo), cells(out)
    assert set(after) == set(before) | {"Mapping"}
    for sheet in ("Settings", "Outcomes", "MSG"):
        assert after[sheet] == before[sheet], sheet
    # Targets: every existing cell kept; new rows only for the indicators the demo does not list
    targets_before = openpyxl.load_workbook(demo)["Targets"]
    old_rows = targets_before.max_row
    source = openpyxl.utils.get_column_letter(targets_before.max_column + 1)  # the Source column it adds
    kept = {k: v for k, v in after["Targets"].items() if int("".join(filter(str.isdigit, k))) <= old_rows}
    assert {k: v for k, v in kept.items() if not k.startswith(source)} == before["Targets"]
    assert kept[f"{source}1"] == "Source"
    wb = openpyxl.load_workbook(out)
    added = [r[0] for r in wb["Targets"].iter_rows(min_row=old_rows + 1, values_only=True)]
    assert sorted(added) == ["BURGLARY", "CDA", "ROBBERY", "SHOPLIFTING", "VSO"]
    assert {r[8] for r in wb["Targets"].iter_rows(min_row=old_rows + 1, values_only=True)} == {"none"}
    # Data: the Value of an existing row changes only if its indicator and month were ingested
    ws_before, ws_after = openpyxl.load_workbook(demo)["Data"], wb["Data"]
    replaced = 0
    for r in range(2, ws_before.max_row + 1):
        month, indicator = ws_before.cell(r, 1).value, ws_before.cell(r, 2).value
        key = (indicator, months.iso(months.parse(month)))
        for c in range(1, ws_before.max_column + 1):
            old, new = ws_before.cell(r, c), ws_after.cell(r, c)
            assert new.number_format == old.number_format
            if c == 3 and key in ingested:
                assert new.value == ingested[key]
                replaced += 1
            else:
                assert new.value == old.value, (r, c)
    assert replaced == 3 * 11  # ALL_CRIME, ASB and VEH for January to November 2009
    appended = [[c.value for c in row] for row in ws_after.iter_rows(min_row=ws_before.max_row + 1)]
    assert len(appended) == len(ingested) - replaced
    for month, indicator, value, *_ in appended:
        assert isinstance(month, dt.datetime) and ingested[(indicator, f"{month:%Y-%m}")] == value
    # the merged workbook is still a valid input
    from xl_pib.inputs import read_workbook

    read_workbook(out)


def test_the_ingested_indicators_sources_are_filled_and_a_typed_one_is_kept(merged, tmp_path, capsys):
    """Provenance (issue 17): the Targets' Source of every ingested indicator says where its counts came from;
    a Source the analyst typed is never overwritten by the next ingest."""
    demo, out, _ = merged
    wb = openpyxl.load_workbook(out)
    ws = wb["Targets"]
    header = [c.value for c in ws[1]]
    column = header.index("Source")
    sources = {r[0]: r[column] for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}
    ingested = {"ALL_CRIME", "ASB", "VEH", "BURGLARY", "CDA", "ROBBERY", "SHOPLIFTING", "VSO"}
    for indicator in ingested:
        text = sources[indicator]
        assert text.startswith("police.uk street-level crime: 2009-01-northamptonshire-police-street.csv and 10 "
                               "more files; force Northamptonshire Police; data 2009-01 to 2009-11; mapping "), text
    assert all(not sources[i] for i in sources if i not in ingested)
    ws.cell(next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "VEH"), column + 1,
            "Typed by the analyst")
    wb.save(tmp_path / "typed.xlsx")
    assert main(["ingest", "police-uk", str(out.parent / "dl"), "--lookup", str(out.parent / "lookup.csv"),
                 "--into", str(tmp_path / "typed.xlsx"), "-o", str(tmp_path / "again.xlsx"), "--replace"]) == 0
    # a Source already there (typed, or filled by an earlier ingest) is kept: the report says which
    kept = next(line for line in capsys.readouterr().out.splitlines() if "Source kept as typed for" in line)
    assert "VEH" in kept
    again = openpyxl.load_workbook(tmp_path / "again.xlsx")["Targets"]
    assert {r[0]: r[column] for r in again.iter_rows(min_row=2, values_only=True)}["VEH"] == "Typed by the analyst"
    # ... and the bulletin prints it on the block
    from xl_pib.inputs import read_workbook

    assert read_workbook(tmp_path / "again.xlsx").targets.set_index("indicator").loc["VEH", "source"] == \
        "Typed by the analyst"


def test_an_edited_mapping_sheet_in_the_workbook_is_used_next_time(merged, tmp_path, capsys):
    demo, out, _ = merged
    wb = openpyxl.load_workbook(out)
    ws = wb["Mapping"]
    ws.append(["Drugs", "DRUGS", "Drug offences", "added by the analyst"])
    wb.save(tmp_path / "edited.xlsx")
    folder = out.parent / "dl"
    assert main(["ingest", "police-uk", str(folder), "--lookup", str(out.parent / "lookup.csv"),
                 "--into", str(tmp_path / "edited.xlsx"), "-o", str(tmp_path / "again.xlsx"), "--add-unmatched"]) == 0
    report = capsys.readouterr().out
    assert "mapping: the 'Mapping' sheet of edited.xlsx" in report
    again = openpyxl.load_workbook(tmp_path / "again.xlsx")
    assert "DRUGS" in [r[1] for r in again["Data"].iter_rows(values_only=True)]
    assert ["Drugs", "DRUGS", "Drug offences", "added by the analyst"] in \
        [list(r) for r in again["Mapping"].iter_rows(values_only=True)]


def _partnership_sheets(first: str, last: str) -> dict[str, list[list]]:
    targets_header = ["Indicator", "Name", "Section", "Measure", "Direction", "Baseline period", "Baseline end",
                      "Baseline", "Target type", "Target amount", "Target date", "Area"]
    targets = [targets_header]
    for indicator, name in (("ALL_CRIME", "All Crime"), ("VEH", "Vehicle Crime"), ("BURGLARY", "Burglary"),
                            ("ASB", "Anti-social Behaviour")):
        targets.append([indicator, name, "Partnership Targets", "count", "down", "2009/10", "2010-03", None,
                        "reduction_pct", 0.05, "2012-03", None])
    return {
        "Settings": [["Setting", "Value"], ["Partnership", "Testford"], ["Latest month", last]],
        "Targets": targets,
        "Outcomes": [["Theme", "Outcome", "Description", "Indicators"],
                     ["Safer", "S1", "Less crime", "ALL_CRIME, VEH, BURGLARY, ASB"]],
        "Data": [["Month", "Indicator", "Value"]],
    }


def test_round_trip_police_uk_rows_through_ingest_and_build(tmp_path, capsys):
    testford = [f"E0104{i:04d}" for i in range(25)]
    neighbour = [f"E0105{i:04d}" for i in range(25)]
    month_axis = month_list("2009-01", 36)
    folder = download_folder(tmp_path / "dl", {"Testshire Police": testford + neighbour}, month_axis, 250, seed=9)
    lookup = write_lookup(tmp_path / "lookup.csv", {"Testford": testford, "Neighbourton": neighbour})
    source = write_sheets(_partnership_sheets(month_axis[0], month_axis[-1]), tmp_path / "input.xlsx")
    merged, bulletin = tmp_path / "merged.xlsx", tmp_path / "bulletin.xlsx"
    assert main(["ingest", "police-uk", str(folder), "--lookup", str(lookup), "--into", str(source),
                 "-o", str(merged), "--add-unmatched"]) == 0
    assert "merged the counts of Testford (the Partnership)" in capsys.readouterr().out
    assert main(["build", str(merged), "-o", str(bulletin)]) == 0

    # the known counts, straight from the generated rows
    rows = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in folder.rglob("*-street.csv")])
    rows = rows[rows["LSOA code"].isin(testford)]
    kinds = {"ALL_CRIME": rows["Crime type"] != "Anti-social behaviour", "VEH": rows["Crime type"] == "Vehicle crime",
             "BURGLARY": rows["Crime type"] == "Burglary", "ASB": rows["Crime type"] == "Anti-social behaviour"}
    sheets = _partnership_sheets(month_axis[0], month_axis[-1])
    for indicator, keep in kinds.items():
        per_month = rows[keep].groupby("Month").size().reindex(month_axis, fill_value=0)
        sheets["Data"] += [[m, indicator, int(v)] for m, v in per_month.items()]
    expected = assess(parse_sheets(sheets))
    results = CalamineWorkbook.from_path(str(bulletin)).get_sheet_by_name("Results").to_python()
    got = {r[0]: r for r in results[1:]}
    ordered = [results[0]] + [got[i] for i in expected.results["Indicator"]]
    assert_results_equal_engine(ordered, expected)
    assert np.isfinite(expected.results.set_index("Indicator").loc["ALL_CRIME", "Current"])


def test_a_data_sheet_with_an_area_column_takes_every_area(tmp_path, capsys):
    folder = download_folder(tmp_path / "dl", {"Northamptonshire Police": KETTERING + CORBY},
                             month_list("2022-01", 2), 200, seed=8)
    lookup = write_lookup(tmp_path / "lookup.csv", {"Kettering": KETTERING, "Corby": CORBY})
    sheets = _partnership_sheets("2022-01", "2022-02")
    sheets["Data"] = [["Month", "Area", "Indicator", "Value"], ["2022-01", "corby", "VEH", 999],
                      ["2021-12", "Corby", "VEH", 5]]
    source = write_sheets(sheets, tmp_path / "input.xlsx")
    out = tmp_path / "merged.xlsx"
    args = ["ingest", "police-uk", str(folder), "--lookup", str(lookup), "--into", str(source), "-o", str(out),
            "--add-unmatched"]
    assert main(args) == 2 and not out.exists()  # 999 Corby vehicle crimes would become about 10
    assert "VEH (Corby) from 999 to" in capsys.readouterr().err
    assert main(args + ["--replace"]) == 0
    assert main(["ingest", "police-uk", str(folder), "--lookup", str(lookup), "-o", str(tmp_path / "c.csv")]) == 0
    counts = pd.read_csv(tmp_path / "c.csv", dtype={"Month": str})
    rows = [list(r) for r in openpyxl.load_workbook(out)["Data"].iter_rows(values_only=True)]
    assert rows[1][:3] == ["2022-01", "corby", "VEH"]  # replaced in place, as the analyst wrote it
    want = counts[(counts["Area"] == "Corby") & (counts["Indicator"] == "VEH") & (counts["Month"] == "2022-01")]
    assert rows[1][3] == int(want["Value"].iloc[0])
    assert rows[2] == ["2021-12", "Corby", "VEH", 5]  # not ingested: untouched
    assert len(rows) == 3 + len(counts) - 1
    assert {r[1] for r in rows[3:]} == {"Kettering", "Corby"}
    assert all(isinstance(r[0], str) for r in rows[1:])  # months written the way the sheet writes them (text)
