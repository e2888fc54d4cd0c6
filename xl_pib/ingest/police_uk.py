"""police.uk street-level crimes -> monthly counts per area and indicator.

Each street-level file holds one force's crimes (and anti-social behaviour)
for one month. DuckDB reads every file in one parallel scan, assigns each row
an area through the LSOA lookup and counts rows per file, month, force, crime
type and area; everything after that works on those few thousand counts.

Checks (each a one-line error): the header is police.uk's; every line is
complete (a truncated file ends in a short line); one month per file; each
month and force once across all files (the same file given twice, or a
folder and its archive, would otherwise be counted twice). Rows with no LSOA,
or an LSOA outside the lookup, are counted in the report, never dropped
silently; so are crime types the mapping does not know.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .. import months
from ..errors import InputError
from . import duck
from .lookup import read_lookup
from .mapping import CRIME_TYPES, Mapping
from .report import Report
from .result import Ingested
from .sources import resolve

COLUMNS = ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location", "LSOA code",
           "LSOA name", "Crime type", "Last outcome category", "Context"]
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def count_rows(files: list[str], lookup: pd.DataFrame) -> pd.DataFrame:
    """Rows per file, month, force, crime type and area (None: no LSOA or outside the lookup), by DuckDB."""
    con = duck.connect()
    try:
        con.register("lookup_frame", lookup)
        con.execute("CREATE TEMP TABLE lookup AS SELECT lsoa, area FROM lookup_frame")
        counts = con.sql(f"""
            SELECT filename AS file, trim("Month") AS month, trim("Reported by") AS force,
                   trim("Crime type") AS crime_type, l.area AS area,
                   coalesce(trim(s."LSOA code"), '') = '' AS no_lsoa, count(*) AS n
            FROM {duck.read_csv_sql(files, COLUMNS)} AS s
            LEFT JOIN lookup AS l ON upper(trim(s."LSOA code")) = l.lsoa
            GROUP BY ALL""").df()
        return counts, con
    except BaseException:
        con.close()
        raise


def _check(counts: pd.DataFrame, display: dict[str, str]) -> None:
    per_file = counts.groupby("file")["month"]
    for file, values in per_file:
        found = sorted(set(values.fillna("")))
        bad = [m for m in found if not _MONTH.match(m)]
        if bad:
            raise InputError(display[file], "a month as YYYY-MM in every row", column="Month", got=bad[0])
        if len(found) > 1:
            raise InputError(display[file], "one month per police.uk file", column="Month",
                             got=" and ".join(found[:3]) + (" ..." if len(found) > 3 else ""))
    files = counts.groupby(["month", "force"])["file"].unique()
    twice = files[files.map(len) > 1]
    if len(twice):
        (month, force), given = next(iter(twice.items()))
        names = sorted(display[f] for f in given)
        raise InputError(names[1], f"each month and force once; {month} {force} is already in {names[0]}")


def ingest(paths: list[str | Path], lookup_path: str | Path, mapping: Mapping) -> Ingested:
    lookup = read_lookup(lookup_path)
    with resolve(paths) as sources:
        for file in sources.files:
            duck.check_header(Path(file), sources.display[file], COLUMNS)
        counts, con = count_rows(sources.files, lookup)
        try:
            duck.raise_rejects(con, sources.display)
        finally:
            con.close()
        _check(counts, sources.display)
        display = dict(sources.display)
        files = list(sources.files)
    report = Report(f"police.uk street-level crimes: {len(files)} files, {int(counts['n'].sum()):,} rows; "
                    f"mapping: {mapping.source}")
    per_file = counts.groupby("file")["n"].sum().reindex(files, fill_value=0)
    report.section("rows read per file:", [f"{display[f]}: {int(n):,}" for f, n in per_file.items()])
    counts["month_index"] = counts["month"].map(months.parse)
    report.per_period("rows per month", counts.groupby("month_index")["n"].sum(), months.iso)
    _missing_force_months(counts, report)

    placed = counts["area"].notna()
    no_lsoa = int(counts.loc[counts["no_lsoa"], "n"].sum())
    outside = int(counts.loc[~counts["no_lsoa"] & ~placed, "n"].sum())
    report.note(f"rows without an area: {no_lsoa + outside:,} ({no_lsoa:,} with no LSOA code, {outside:,} with an "
                f"LSOA outside the lookup); they are in no area's counts")
    report.counted("rows per area", counts[placed].groupby("area")["n"].sum())

    counts["key"] = CRIME_TYPES.normalise(counts["crime_type"])
    unmapped = counts[~counts["key"].isin(mapping.known)]
    report.counted("crime types not in the mapping", unmapped.groupby("crime_type")["n"].sum())
    for _, row in mapping.not_built.iterrows():
        report.note(f"{row['indicator']} ({row['name']}) left blank (not built): {row['note'] or 'marked not built'}")

    data = _indicator_counts(counts[placed], mapping, sorted(counts["month_index"].unique()))
    return Ingested(data=data, names=mapping.names, report=report, sheets={mapping.kind.sheet: mapping.rows()})


def _missing_force_months(counts: pd.DataFrame, report: Report) -> None:
    """A force with no file for a month between its first and last: usually a file left out of the download."""
    gaps = []
    for force, seen in counts.groupby("force")["month_index"]:
        have = set(seen)
        gaps += [f"{force}: {months.iso(m)}" for m in range(min(have), max(have) + 1) if m not in have]
    if gaps:
        report.section("months with no file for a force (a file may be missing):", gaps)


def _indicator_counts(placed: pd.DataFrame, mapping: Mapping, month_axis: list[int]) -> pd.DataFrame:
    """Monthly counts per area and indicator, with 0 where a month had none of an indicator's crime types."""
    joined = placed.merge(mapping.pairs, on="key")
    summed = joined.groupby(["month_index", "area", "indicator"])["n"].sum()
    areas = sorted(placed["area"].unique())
    grid = pd.MultiIndex.from_product([month_axis, areas, mapping.indicators],
                                      names=["month_index", "area", "indicator"])
    full = summed.reindex(grid, fill_value=0).reset_index()
    data = pd.DataFrame({"month": full["month_index"].astype(int), "area": full["area"],
                         "indicator": full["indicator"], "value": full["n"].astype(int)})
    return data.sort_values(["area", "indicator", "month"], na_position="first", kind="stable").reset_index(drop=True)
