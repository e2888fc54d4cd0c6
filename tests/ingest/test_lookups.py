"""Lookups as published (issue 16, deliverable 3): ONS LSOA lookups of 2001, 2011 or 2021 read as distributed, the
area from a named column, a clear refusal listing the columns, and the census mismatch named with what to do."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
from police_uk_files import street_rows, write_street_csv

from xl_pib.cli import main

# Monmouthshire's LSOAs: most kept their 2011 codes in 2021; the split and merged ones got codes above W01001958.
KEPT = [f"W0100{i:04d}" for i in range(1000, 1060)]
NEW_2021 = [f"W0100{i:04d}" for i in range(1960, 1972)]  # first used in the 2021 census
RETIRED_2011 = [f"W0100{i:04d}" for i in range(1100, 1106)]  # 2011 codes the 2021 census replaced
NEWPORT = [f"W0100{i:04d}" for i in range(1200, 1240)]
LSOAS_2021 = KEPT + NEW_2021 + NEWPORT


def ons_lookup(path: Path, code: str, area: str, rows: list[tuple[str, str]], extra=True) -> Path:
    """An ONS lookup as downloaded: codes and names of each geography, and an ObjectId."""
    year = code[4:6]
    header = [code, f"LSOA{year}NM", "LAD19CD", area, "ObjectId"] if extra else [code, area]
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:  # ONS files carry a byte-order mark
        writer = csv.writer(handle)
        writer.writerow(header)
        for i, (lsoa, name) in enumerate(rows):
            writer.writerow([lsoa, f"{name} {i:03d}A", "W06000021" if name == "Monmouthshire" else "W06000022", name,
                             i + 1] if extra else [lsoa, name])
    return path


def lookup_2011(path: Path, **kw) -> Path:
    rows = [(c, "Monmouthshire") for c in KEPT + RETIRED_2011] + [(c, "Newport") for c in NEWPORT]
    return ons_lookup(path, "LSOA11CD", "LAD19NM", rows, **kw)


def lookup_2021(path: Path, **kw) -> Path:
    rows = [(c, "Monmouthshire") for c in KEPT + NEW_2021] + [(c, "Newport") for c in NEWPORT]
    return ons_lookup(path, "LSOA21CD", "LAD21NM", rows, **kw)


def gwent_2023(folder: Path, seed=1) -> Path:
    """A year of Gwent Police files with 2021 LSOA codes, as police.uk publishes them now."""
    rng = np.random.default_rng(seed)
    for month in (f"2023-{m:02d}" for m in range(1, 13)):
        write_street_csv(folder / month / f"{month}-gwent-street.csv",
                         street_rows(rng, month, "Gwent Police", 500, LSOAS_2021, no_lsoa_share=0.01))
    return folder


def run(capsys, *args):
    status = main([str(a) for a in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def independent(folder: Path, lookup: dict[str, str]) -> pd.Series:
    rows = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(folder.rglob("*-street.csv"))])
    rows = rows[rows["Crime type"] != "Anti-social behaviour"]
    return rows.assign(Area=rows["LSOA code"].map(lookup)).dropna(subset=["Area"]).groupby(["Area", "Month"]).size()


def test_an_ons_lookup_without_an_obvious_area_column_is_refused_listing_its_columns(tmp_path, capsys):
    files = gwent_2023(tmp_path / "dl")
    lookup = lookup_2021(tmp_path / "lsoa21_lad21.csv")
    status, _, err = run(capsys, "ingest", "police-uk", files, "--lookup", lookup, "-o", tmp_path / "c.csv")
    assert status == 2 and len(err.strip().splitlines()) == 1
    assert "lsoa21_lad21.csv row 1: expected a column naming each LSOA's area" in err
    assert "(for example --area-column LAD21NM)" in err
    assert "its columns are LSOA21CD, LSOA21NM, LAD19CD, LAD21NM, ObjectId" in err
    status, _, err = run(capsys, "ingest", "police-uk", files, "--lookup", lookup, "--area-column", "WD22NM",
                         "-o", tmp_path / "c.csv")
    assert status == 2 and "column 'WD22NM': expected a column headed 'WD22NM' (--area-column); its columns are" in err


def test_an_ons_lookup_with_a_named_area_column_counts_as_the_independent_aggregation(tmp_path, capsys):
    files = gwent_2023(tmp_path / "dl")
    lookup = lookup_2021(tmp_path / "lsoa21_lad21.csv")
    status, out, err = run(capsys, "ingest", "police-uk", files, "--lookup", lookup, "--area-column", "lad21nm",
                           "-o", tmp_path / "c.csv")
    assert status == 0, err
    assert "lsoa21_lad21.csv: LSOA21CD -> LAD21NM, 112 LSOAs in 2 areas (2021 LSOA codes)" in out
    assert "LSOA codes of a later census" not in out
    got = pd.read_csv(tmp_path / "c.csv", dtype={"Month": str})
    got = got[got["Indicator"] == "ALL_CRIME"].set_index(["Area", "Month"])["Value"].sort_index()
    areas = {c: "Monmouthshire" for c in KEPT + NEW_2021} | {c: "Newport" for c in NEWPORT}
    assert got.tolist() == independent(files, areas).reindex(got.index).tolist()


def test_a_2011_lookup_against_2021_codes_names_the_mismatch_and_the_fix(tmp_path, capsys):
    files = gwent_2023(tmp_path / "dl")
    old = lookup_2011(tmp_path / "lsoa11_lad19.csv")
    status, out, err = run(capsys, "ingest", "police-uk", files, "--lookup", old, "--area-column", "LAD19NM",
                           "-o", tmp_path / "c.csv")
    assert status == 0, err
    rows = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(files.rglob("*-street.csv"))])
    newer = int(rows["LSOA code"].isin(NEW_2021).sum())
    located = int((rows["LSOA code"] != "").sum())
    assert newer > 0.05 * located
    assert (f"warning: LSOA codes of a later census than the lookup's: {newer:,} rows ({newer / located:.1%} of those "
            f"with an LSOA) have LSOA codes first used in the 2021 census") in out
    assert "the lookup's codes are 2011's (LSOA11CD)" in out
    assert "Use a lookup of 2021 LSOAs" in out and "--lookup OLD.csv --lookup NEW.csv" in out
    assert f"{newer:,} with an LSOA outside the lookup" in out  # counted, never dropped silently
    # the fix: both censuses' lookups together place every row
    new = lookup_2021(tmp_path / "lsoa21_lad21.csv")
    status, out, err = run(capsys, "ingest", "police-uk", files, "--lookup", old, "--lookup", new, "--area-column",
                           "LAD19NM", "-o", tmp_path / "both.csv")
    assert status == 2 and "lsoa21_lad21.csv row 1, column 'LAD19NM'" in err  # the 2021 file names it LAD21NM
    renamed = tmp_path / "lsoa21.csv"
    renamed.write_text(new.read_text(encoding="utf-8-sig").replace("LAD21NM", "LAD19NM"), encoding="utf-8")
    status, out, err = run(capsys, "ingest", "police-uk", files, "--lookup", old, "--lookup", renamed,
                           "--area-column", "LAD19NM", "-o", tmp_path / "both.csv")
    assert status == 0, err
    assert "LSOA codes of a later census" not in out and "0 with an LSOA outside the lookup" in out


def test_a_small_share_of_newer_codes_is_not_a_vintage_warning(tmp_path, capsys):
    rng = np.random.default_rng(8)
    rows = street_rows(rng, "2023-01", "Gwent Police", 2000, KEPT, no_lsoa_share=0)
    rows[0][7] = NEW_2021[0]  # one stray 2021 code in 2,000 rows
    file = write_street_csv(tmp_path / "2023-01-gwent-street.csv", rows)
    old = lookup_2011(tmp_path / "lsoa11.csv")
    status, out, err = run(capsys, "ingest", "police-uk", file, "--lookup", old, "--area-column", "LAD19NM",
                           "-o", tmp_path / "c.csv")
    assert status == 0, err
    assert "LSOA codes of a later census" not in out and "1 with an LSOA outside the lookup" in out


def test_lookup_headers_any_case_with_underscores_and_output_area_rows(tmp_path, capsys):
    """lsoa11cd / CSP_22_NM spellings, and an OA-level lookup that repeats each LSOA on several rows."""
    files = gwent_2023(tmp_path / "dl")
    path = tmp_path / "oa_lookup.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["oa21cd", "lsoa21cd", "csp22nm"])
        for k, lsoa in enumerate(LSOAS_2021):
            for oa in range(3):
                writer.writerow([f"W0000{k:03d}{oa}", lsoa.lower(), "Gwent CSP" if lsoa in NEWPORT else "Monmouth CSP"])
    status, out, err = run(capsys, "ingest", "police-uk", files, "--lookup", path, "-o", tmp_path / "c.csv")
    assert status == 0, err  # the one CSP..NM column is the obvious area
    assert "oa_lookup.csv: lsoa21cd -> csp22nm, 112 LSOAs in 2 areas (2021 LSOA codes)" in out
    got = pd.read_csv(tmp_path / "c.csv")
    assert set(got["Area"]) == {"Gwent CSP", "Monmouth CSP"}


def test_an_lsoa_in_two_lookups_with_different_areas_is_refused(tmp_path, capsys):
    files = gwent_2023(tmp_path / "dl")
    a = ons_lookup(tmp_path / "a.csv", "LSOA21CD", "Area", [(KEPT[0], "Monmouthshire")], extra=False)
    b = ons_lookup(tmp_path / "b.csv", "LSOA21CD", "Area", [(KEPT[1], "Newport"), (KEPT[0], "Newport")], extra=False)
    status, _, err = run(capsys, "ingest", "police-uk", files, "--lookup", a, "--lookup", b, "-o", tmp_path / "c.csv")
    assert status == 2
    assert f"b.csv row 3, column 'LSOA21CD': expected each LSOA in one area (it is in Monmouthshire on row 2 of a.csv)" \
           f"; got '{KEPT[0]}'" in err
