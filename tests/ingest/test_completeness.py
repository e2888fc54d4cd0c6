"""Completeness per force and month (issue 16, deliverable 1): a missing force-month is a gap for every area the
force covers, never a partial count; a force-month under half its own median is named with its areas. The files
are the real police.uk layout, one per force and month, built here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from police_uk_files import month_list, street_rows, write_lookup, write_street_csv

from xl_pib import months
from xl_pib.cli import main
from xl_pib.inputs import read_workbook
from xl_pib.xlsx import write_sheets

NEWCASTLE = [f"E0100{i:04d}" for i in range(40)]
NORTH_TYNESIDE = [f"E0101{i:04d}" for i in range(30)]
DURHAM = [f"E0102{i:04d}" for i in range(30)]
# Northumbria covers Newcastle and North Tyneside, Durham covers Durham, British Transport Police a few stations.
FORCES = {"Northumbria Police": NEWCASTLE + NORTH_TYNESIDE, "Durham Constabulary": DURHAM,
          "British Transport Police": NEWCASTLE[:3] + DURHAM[:2]}
ROWS = {"Northumbria Police": 600, "Durham Constabulary": 300, "British Transport Police": 12}
MONTHS = month_list("2022-01", 6)
LOOKUP = {"Newcastle upon Tyne": NEWCASTLE, "North Tyneside": NORTH_TYNESIDE, "County Durham": DURHAM}


def extract(root: Path, missing=(), rows=None, seed=5) -> Path:
    """One street-level file per force and month, except the (force, month) pairs in ``missing``."""
    rng = np.random.default_rng(seed)
    for month in MONTHS:
        for force, lsoas in FORCES.items():
            if (force, month) in missing:
                continue
            n = (rows or {}).get((force, month), ROWS[force])
            slug = force.lower().replace(" ", "-")
            write_street_csv(root / month / f"{month}-{slug}-street.csv",
                             street_rows(rng, month, force, n, lsoas, no_lsoa_share=0))
    return root


def independent(root: Path) -> pd.DataFrame:
    """All Crime per area and month straight from the rows (pandas, no DuckDB)."""
    rows = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(root.rglob("*-street.csv"))])
    area = {lsoa: a for a, lsoas in LOOKUP.items() for lsoa in lsoas}
    rows = rows[rows["Crime type"] != "Anti-social behaviour"].assign(Area=lambda r: r["LSOA code"].map(area))
    return rows.groupby(["Area", "Month"]).size()


def run(capsys, *args):
    status = main([str(a) for a in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def lookup(tmp_path) -> Path:
    return write_lookup(tmp_path / "lookup.csv", LOOKUP)


@pytest.mark.parametrize("which", ["first", "middle", "last"])
def test_a_missing_force_month_is_a_gap_for_every_area_the_force_covers(which, tmp_path, lookup, capsys):
    month = {"first": MONTHS[0], "middle": MONTHS[2], "last": MONTHS[-1]}[which]
    root = extract(tmp_path / "dl", missing={("Northumbria Police", month)})
    status, out, err = run(capsys, "ingest", "police-uk", root, "--lookup", lookup, "-o", tmp_path / "c.csv")
    assert status == 0, err
    assert "warning: force-months with no file in the extract (2022-01 to 2022-06; 1)" in out
    assert f"  Northumbria Police: {month} (blank for Newcastle upon Tyne, North Tyneside)" in out
    got = pd.read_csv(tmp_path / "c.csv", dtype={"Month": str, "Area": str})
    assert sorted(got["Month"].unique()) == MONTHS  # the gap month is there, blank: not left out, not 0
    blank = got[got["Value"].isna()]
    assert set(zip(blank["Area"], blank["Month"])) == {("Newcastle upon Tyne", month), ("North Tyneside", month)}
    assert len(blank) == 2 * got["Indicator"].nunique()
    # every other count is the independent count; Durham, which Northumbria does not cover, is complete
    want = independent(root)
    crime = got[(got["Indicator"] == "ALL_CRIME") & got["Value"].notna()].set_index(["Area", "Month"])["Value"]
    assert crime.sort_index().astype(int).tolist() == want.reindex(crime.sort_index().index).astype(int).tolist()
    assert got[got["Area"] == "County Durham"]["Value"].notna().all()


def test_the_issue_case_two_forces_first_month_missing_newcastle_is_blank_not_btp_only(tmp_path, lookup, capsys):
    """Newcastle's first month was 32 (British Transport Police's rows alone) against 3,817 the next."""
    first = MONTHS[0]
    root = extract(tmp_path / "dl", missing={("Northumbria Police", first), ("Durham Constabulary", first)})
    status, out, err = run(capsys, "ingest", "police-uk", root, "--lookup", lookup, "-o", tmp_path / "c.xlsx")
    assert status == 0, err
    assert f"Durham Constabulary: {first} (blank for County Durham)" in out
    data = pd.DataFrame(openpyxl.load_workbook(tmp_path / "c.xlsx")["Data"].values)
    data.columns = data.iloc[0]
    data = data.iloc[1:]
    data["Month"] = data["Month"].map(lambda d: months.iso(months.parse(d)))
    first_month = data[data["Month"] == first]
    assert first_month["Value"].isna().all()  # not BTP's handful of crimes
    assert data[data["Month"] != first]["Value"].notna().all()


def test_a_gap_stays_a_gap_through_merge_and_build(tmp_path, lookup, capsys):
    root = extract(tmp_path / "dl", missing={("Northumbria Police", MONTHS[2])})
    targets = [["Indicator", "Name", "Section", "Measure", "Direction", "Baseline period", "Baseline end", "Baseline",
                "Target type", "Target amount", "Target date"],
               ["ALL_CRIME", "All Crime", "Community Safety", "count", "down", "2022", "2022-06", None, "none", None,
                None]]
    sheets = {"Settings": [["Setting", "Value"], ["Partnership", "Newcastle upon Tyne"], ["Latest month", "2022-06"]],
              "Targets": targets, "Outcomes": [["Theme", "Outcome", "Description", "Indicators"],
                                               ["Safer", "S1", "Less crime", "ALL_CRIME"]],
              "Data": [["Month", "Indicator", "Value"], ["2022-03", "ALL_CRIME", 700]]}
    source = write_sheets(sheets, tmp_path / "input.xlsx")
    mapping = tmp_path / "mapping.csv"
    mapping.write_text("Crime type,Indicator,Name,Note\n" + "".join(
        f"{t},ALL_CRIME,All Crime,\n" for t in ("Burglary", "Drugs", "Other theft", "Public order", "Robbery",
                                                 "Shoplifting", "Vehicle crime", "Violence and sexual offences",
                                                 "Bicycle theft", "Criminal damage and arson", "Other crime",
                                                 "Possession of weapons", "Theft from the person"))
                       + "Anti-social behaviour,,,not counted here\n", encoding="utf-8")
    merged = tmp_path / "merged.xlsx"
    status, out, err = run(capsys, "ingest", "police-uk", root, "--lookup", lookup, "--mapping", mapping,
                           "--into", source, "-o", merged)
    assert status == 0, err
    assert "1 months are gaps in the counts and replaced nothing" in out
    inputs = read_workbook(merged)
    data = inputs.data.set_index("month")["value"]
    assert data[months.parse("2022-03")] == 700  # the analyst's own value for the gap month is kept
    want = independent(root)["Newcastle upon Tyne"]
    assert [data[months.parse(m)] for m in MONTHS if m != "2022-03"] == [want[m] for m in MONTHS if m != "2022-03"]


def test_a_gap_with_no_earlier_value_is_a_gap_the_build_names(tmp_path, lookup, capsys):
    root = extract(tmp_path / "dl", missing={("Northumbria Police", MONTHS[2])})
    status, _, err = run(capsys, "ingest", "police-uk", root, "--lookup", lookup, "-o", tmp_path / "c.xlsx")
    assert status == 0, err
    from xl_pib.inputs import parse_sheets

    rows = [list(r) for r in openpyxl.load_workbook(tmp_path / "c.xlsx")["Data"].iter_rows(values_only=True)]
    newcastle = [[m, i, v] for m, a, i, v in rows[1:] if a == "Newcastle upon Tyne" and i == "ALL_CRIME"]
    sheets = {"Settings": [["Setting", "Value"], ["Partnership", "Newcastle upon Tyne"], ["Latest month", "2022-06"]],
              "Targets": [["Indicator", "Name", "Section", "Measure", "Direction", "Baseline period", "Baseline end",
                           "Baseline", "Target type", "Target amount", "Target date"],
                          ["ALL_CRIME", "All Crime", "T", "count", "down", "2022", "2022-06", None, "none", None, None]],
              "Outcomes": [["Theme", "Outcome", "Description", "Indicators"], ["S", "S1", "x", "ALL_CRIME"]],
              "Data": [["Month", "Indicator", "Value"], *newcastle]}
    notes = parse_sheets(sheets).notes
    assert any("ALL_CRIME has no value for 1 month (2022-03); treated as a gap" in n for n in notes), notes


def test_a_force_month_under_half_its_own_median_is_named_with_its_areas(tmp_path, lookup, capsys):
    """Durham's March file has a fifth of its rows: nationally that is a 12% dip nobody would see."""
    root = extract(tmp_path / "dl", rows={("Durham Constabulary", MONTHS[2]): 60})
    status, out, err = run(capsys, "ingest", "police-uk", root, "--lookup", lookup, "-o", tmp_path / "c.csv")
    assert status == 0, err
    assert "suspiciously low periods (< 50% of the median" in out and "rows): none" in out  # national: not seen
    assert "warning: force-months under half the force's own median rows (a file may be partial; 1)" in out
    assert f"  Durham Constabulary {MONTHS[2]}: 60 rows (the force's median 300); areas affected: County Durham" in out
    got = pd.read_csv(tmp_path / "c.csv", dtype={"Month": str})
    assert got["Value"].notna().all()  # its rows are real: kept


def test_a_complete_extract_says_so_and_counts_as_before(tmp_path, lookup, capsys):
    root = extract(tmp_path / "dl")
    status, out, err = run(capsys, "ingest", "police-uk", root, "--lookup", lookup, "-o", tmp_path / "c.csv")
    assert status == 0, err
    assert "force-months with no file: none (every force has a file for every month, 2022-01 to 2022-06)" in out
    assert "force-months under half the force's own median rows: none" in out and "warning:" not in out
    got = pd.read_csv(tmp_path / "c.csv", dtype={"Month": str})
    assert got["Value"].dtype == np.int64
