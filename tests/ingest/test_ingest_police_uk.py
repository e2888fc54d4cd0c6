"""xl-pib ingest police-uk (issue 7): street-level files in the real layout, counted by DuckDB and checked
against an independent pandas aggregation of the same rows; folders, explicit files and .zip archives."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from police_uk_files import (download_folder, month_list, street_rows, write_lookup,
                             write_street_csv)
from xl_pib.cli import main

KETTERING = [f"E0102{i:04d}" for i in range(40)]
CORBY = [f"E0103{i:04d}" for i in range(25)]
ELSEWHERE = [f"E0109{i:04d}" for i in range(15)]
FORCES = {"Northamptonshire Police": KETTERING + CORBY + ELSEWHERE, "British Transport Police": KETTERING[:5] + ELSEWHERE}
MONTHS = month_list("2021-11", 4)

# The published definitions, written out independently of the shipped mapping table.
DEFINITIONS = {
    "ALL_CRIME": lambda t: t != "Anti-social behaviour",
    "ASB": lambda t: t == "Anti-social behaviour",
    "VEH": lambda t: t == "Vehicle crime",
    "BURGLARY": lambda t: t == "Burglary",
    "CDA": lambda t: t == "Criminal damage and arson",
    "VSO": lambda t: t == "Violence and sexual offences",
    "ROBBERY": lambda t: t == "Robbery",
    "SHOPLIFTING": lambda t: t == "Shoplifting",
}


@pytest.fixture(scope="module")
def download(tmp_path_factory) -> Path:
    return download_folder(tmp_path_factory.mktemp("police") / "download", FORCES, MONTHS, 400, seed=11)


@pytest.fixture(scope="module")
def lookup(tmp_path_factory) -> Path:
    return write_lookup(tmp_path_factory.mktemp("lookup") / "lookup.csv", {"Kettering": KETTERING, "Corby": CORBY})


def expected_counts(folder: Path, lookup: Path) -> pd.DataFrame:
    """Monthly counts per area and indicator straight from the CSV rows with pandas (no DuckDB, no mapping)."""
    rows = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(folder.rglob("*-street.csv"))])
    areas = pd.read_csv(lookup, dtype=str)
    rows = rows.merge(areas, left_on="LSOA code", right_on="LSOA code", how="inner")
    parts = []
    for indicator, keep in DEFINITIONS.items():
        chosen = rows[rows["Crime type"].map(keep)]
        counted = chosen.groupby(["Month", "Area"]).size()
        grid = pd.MultiIndex.from_product([sorted(rows["Month"].unique()), sorted(rows["Area"].unique())],
                                          names=["Month", "Area"])
        counted = counted.reindex(grid, fill_value=0).rename("Value").reset_index()
        counted["Indicator"] = indicator
        parts.append(counted)
    return pd.concat(parts).sort_values(["Month", "Area", "Indicator"]).reset_index(drop=True)


def read_output(path: Path) -> pd.DataFrame:
    out = pd.read_csv(path, dtype={"Month": str, "Area": str, "Indicator": str, "Value": int})
    return out[["Month", "Area", "Indicator", "Value"]].sort_values(["Month", "Area", "Indicator"]).reset_index(drop=True)


def run(args, capsys) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_folder_counts_match_an_independent_pandas_aggregation(download, lookup, tmp_path, capsys):
    status, out, err = run(["ingest", "police-uk", download, "--lookup", lookup, "-o", tmp_path / "counts.csv"], capsys)
    assert status == 0, err
    got = read_output(tmp_path / "counts.csv")
    want = expected_counts(download, lookup)
    pd.testing.assert_frame_equal(got, want[got.columns.tolist()], check_dtype=False)
    assert set(got["Indicator"]) == set(DEFINITIONS)  # Domestic Burglary and Assault with Injury stay blank


def test_report_counts_rows_per_file_month_and_without_area(download, lookup, tmp_path, capsys):
    _, out, _ = run(["ingest", "police-uk", download, "--lookup", lookup, "-o", tmp_path / "c.csv"], capsys)
    rows = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False).assign(file=str(p))
                      for p in sorted(download.rglob("*-street.csv"))])
    for file, n in rows.groupby("file").size().items():
        assert f"{file}: {n:,}" in out
    for month, n in rows.groupby("Month").size().items():
        assert f"  {month}: {n:,}" in out
    no_lsoa = int((rows["LSOA code"] == "").sum())
    outside = int(((rows["LSOA code"] != "") & ~rows["LSOA code"].isin(KETTERING + CORBY)).sum())
    assert no_lsoa > 0 and outside > 0
    assert f"rows without an area: {no_lsoa + outside:,} ({no_lsoa:,} with no LSOA code, {outside:,} with an LSOA " \
           f"outside the lookup)" in out
    assert "DB (Domestic Burglary) left blank (not built): police.uk publishes one Burglary category" in out
    assert "AWI (Assault with Injury) left blank (not built)" in out
    assert "crime types not in the mapping: none" in out
    assert "suspiciously low periods (< 50% of the median" in out and "): none" in out


def test_zip_archive_and_explicit_files_give_the_same_counts(download, lookup, tmp_path, capsys):
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(download.rglob("*.csv")):  # outcomes files included, as in the real download
            zf.write(path, path.relative_to(download).as_posix())
    status, out, err = run(["ingest", "police-uk", archive, "--lookup", lookup, "-o", tmp_path / "zip.csv"], capsys)
    assert status == 0, err
    assert "download.zip:2021-11/2021-11-northamptonshire-police-street.csv: 400" in out
    files = sorted(download.rglob("*-street.csv"))
    status, _, err = run(["ingest", "police-uk", *files, "--lookup", lookup, "-o", tmp_path / "files.csv"], capsys)
    assert status == 0, err
    want = expected_counts(download, lookup)
    for name in ("zip.csv", "files.csv"):
        pd.testing.assert_frame_equal(read_output(tmp_path / name), want[["Month", "Area", "Indicator", "Value"]],
                                      check_dtype=False)


def test_workbook_output_has_data_and_the_mapping_sheet_with_text_kept_as_text(download, tmp_path, capsys):
    lookup = write_lookup(tmp_path / "lookup.csv", {"=Kettering": KETTERING})  # one area: no Area column
    status, _, err = run(["ingest", "police-uk", download, "--lookup", lookup, "-o", tmp_path / "out.xlsx"], capsys)
    assert status == 0, err
    book = CalamineWorkbook.from_path(str(tmp_path / "out.xlsx"))
    assert book.sheet_names == ["Data", "Mapping"]
    data = book.get_sheet_by_name("Data").to_python()
    assert data[0] == ["Month", "Indicator", "Value"]
    assert {type(r[0]).__name__ for r in data[1:]} == {"date"}
    with open(Path(__file__).resolve().parents[2] / "xl_pib/ingest/mappings/police_uk_mapping.csv",
              encoding="utf-8") as handle:
        shipped = list(csv.reader(handle))
    assert book.get_sheet_by_name("Mapping").to_python() == shipped
    import openpyxl

    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["Mapping"]
    assert all(c.data_type == "s" for row in ws.iter_rows() for c in row if c.value is not None)


def test_unknown_crime_types_are_counted_not_errors_and_an_edited_mapping_is_used(lookup, tmp_path, capsys):
    rng = np.random.default_rng(5)
    rows = street_rows(rng, "2022-01", "Northamptonshire Police", 300, KETTERING, no_lsoa_share=0)
    rows[0][9] = rows[1][9] = rows[2][9] = "Fraud"
    file = write_street_csv(tmp_path / "2022-01-northamptonshire-street.csv", rows)
    mapping = tmp_path / "mapping.csv"
    mapping.write_text("Crime type,Indicator,Name,Note\nBurglary,BURG_ALL,Burglary (all),\n"
                       "Drugs,,,known: deliberately in no indicator\n", encoding="utf-8")
    status, out, err = run(["ingest", "police-uk", file, "--lookup", lookup, "--mapping", mapping,
                            "-o", tmp_path / "c.csv"], capsys)
    assert status == 0, err
    assert "crime types not in the mapping" in out and "  Fraud: 3" in out
    assert "Drugs:" not in out.split("crime types not in the mapping")[1]
    got = pd.read_csv(tmp_path / "c.csv")
    assert got["Indicator"].unique().tolist() == ["BURG_ALL"]
    assert got["Value"].sum() == sum(1 for r in rows if r[9] == "Burglary")


def test_ons_lookup_headers_low_months_and_missing_force_files(tmp_path, capsys):
    lookup = write_lookup(tmp_path / "ons.csv", {"Kettering": KETTERING}, header=("LSOA21CD", "CSP23NM"))
    rng = np.random.default_rng(3)
    folder = tmp_path / "dl"
    for month, n in zip(month_list("2022-01", 4), (300, 320, 100, 310)):
        write_street_csv(folder / month / f"{month}-northants-street.csv",
                         street_rows(rng, month, "Northamptonshire Police", n, KETTERING))
    for month in ("2022-01", "2022-04"):  # a second force whose February and March files are missing
        write_street_csv(folder / month / f"{month}-btp-street.csv",
                         street_rows(rng, month, "British Transport Police", 20, KETTERING))
    status, out, err = run(["ingest", "police-uk", folder, "--lookup", lookup, "-o", tmp_path / "c.csv"], capsys)
    assert status == 0, err
    low = out.split("suspiciously low periods")[1].split("\n")
    assert low[1].strip() == "2022-03: 100"
    assert "British Transport Police: 2022-02" in out and "British Transport Police: 2022-03" in out


def test_timings_name_every_stage_and_the_report_is_the_same_on_every_run(download, lookup, tmp_path, capsys):
    """`xl-pib --timings ingest police-uk` says where the time went; ties in the report's counts are listed in
    name order, so two runs (DuckDB's parallel grouping returns rows in its own order) print the same report."""
    reports = []
    for run in range(2):
        assert main(["--timings", "ingest", "police-uk", str(download), "--lookup", str(lookup),
                     "-o", str(tmp_path / f"counts{run}.csv")]) == 0
        captured = capsys.readouterr()
        stages = [part.rsplit(" ", 1)[0] for part in captured.err.split("timings: ")[1].strip().split(", ")]
        assert stages == ["imports", "lookup and headers", "scan+join+group", "summaries", "checks and report",
                          "indicator counts", "breaks", "write", "total"]
        reports.append(captured.out.replace(f"counts{run}", "counts"))
    assert reports[0] == reports[1]
    assert (tmp_path / "counts0.csv").read_bytes() == (tmp_path / "counts1.csv").read_bytes()


def test_report_totals_each_indicator_and_never_adds_indicators_together(download, lookup, tmp_path, capsys):
    """Issue 21: All Crime, ASB and the sub-types overlap, so the report totals each one (over the areas, which do
    not overlap) and prints no sum across them."""
    _, out, _ = run(["ingest", "police-uk", download, "--lookup", lookup, "-o", tmp_path / "c.csv"], capsys)
    want = expected_counts(download, lookup).groupby("Indicator")["Value"].sum()
    section = out.split("counted per indicator, all areas (")[1].split("\nsuspiciously low months")[0]
    lines = [line.strip() for line in section.splitlines()[1:]]
    totals = {line.split(":")[0]: int(line.rsplit(", ", 1)[1].replace(",", "")) for line in lines}
    assert {k: v for k, v in totals.items() if k in DEFINITIONS} == want.to_dict()
    assert all(f"{len(MONTHS)} months, {MONTHS[0]} to {MONTHS[-1]}" in line for line in lines)
    everything = int(want.sum())
    assert f"{everything:,}" not in out  # the meaningless sum of overlapping indicators
