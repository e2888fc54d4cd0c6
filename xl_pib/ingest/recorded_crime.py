"""Home Office police recorded crime open data tables -> quarterly counts per area, and the MSG sheet.

The tables give offences per financial quarter, force (or community safety
partnership) and offence code, as CSV or as the published .ods/.xlsx (read
with python-calamine and handed to DuckDB as a frame). DuckDB reads them with every column as text
and sums ``Number of Offences`` per file, quarter, area and code; the shipped
offence-code mapping (:mod:`.mapping`) turns codes into bulletin indicators.

Both published layouts are read as they are: the police force area (PFA)
table (``Financial Year, Financial Quarter, Force Name, Offence Description,
Offence Group, Offence Subgroup, Offence Code, Number of Offences``) and the
community safety partnership (CSP) table (``... Police Force, CSP Name, ...,
Offence Count``, one sheet per financial year). Headers are compared ignoring
case, spaces and underscores (``Financial_Year``). Negative rows (the
adjustments the Home Office publishes) are kept in the sums and counted in the
report; they are never mistaken for a repeated row. An indicator none of whose
offence codes is in the files is left blank, not written as 0.

The counts are quarterly, so they are written to a ``Quarterly`` sheet
(``Period``, ``Month`` = the quarter's last month, ``Area``, ``Indicator``,
``Value``), not to the monthly Data sheet: a quarter's total on one month of
a monthly series would break every rolling 12-month figure. Their main use is
the ``MSG`` sheet: the last four quarters (the rolling 12 months to the latest
quarter) for a named area and its most similar group, with populations and
rates per 1,000.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import months
from ..cells import cell_text
from ..errors import InputError
from ..inputs.guard import check_input_file
from . import duck
from .mapping import OFFENCE_CODES, Mapping
from .report import Report
from .result import Ingested
from .small_tables import EXCEL, frame, header_key, read_rows

YEAR, QUARTER, CODE, COUNT, DESCRIPTION = ("Financial Year", "Financial Quarter", "Offence Code", "Number of Offences",
                                           "Offence Description")
FORCE = "Force Name"
# Each column's published spellings (compared by header_key), the PFA table's first.
ALIASES = {YEAR: (YEAR,), QUARTER: (QUARTER,), CODE: (CODE,), COUNT: (COUNT, "Offence Count"),
           DESCRIPTION: (DESCRIPTION,), FORCE: (FORCE, "Police Force", "Force", "PFA Name")}
AREA_HEADERS = ("CSP Name", "Community Safety Partnership", "CSP", *ALIASES[FORCE])
_YEAR = re.compile(r"^(\d{4})\s*[/-]\s*\d{2,4}$")
_QUARTER = re.compile(r"^Q?([1-4])$", re.IGNORECASE)


def _column(header: list[str], name: str) -> str | None:
    """The header, as the file spells it, of one of the table's columns (any of its published spellings)."""
    keys = {header_key(a) for a in ALIASES.get(name, (name,))}
    return next((h for h in header if header_key(h) in keys), None)


def _is_table_header(row: list[str]) -> bool:
    return all(_column(row, c) for c in (CODE, COUNT))


def _excel_table(path: str) -> tuple[list[str], pd.DataFrame]:
    """The offence-code table in a published .ods/.xlsx: every sheet with an 'Offence Code' and a 'Number of
    Offences' header (within its first 20 rows, below any title lines; the CSP table has one sheet per
    financial year), every cell as text, with its sheet in ``_sheet`` and its sheet row in ``_line``."""
    from python_calamine import CalamineWorkbook

    name = Path(path).name
    check_input_file(Path(path))  # never hand calamine an encrypted, oversized or bomb file
    try:
        book = CalamineWorkbook.from_path(path)
    except Exception as error:  # calamine raises its own types for corrupt files
        raise InputError(name, f"a readable workbook ({error})") from None
    first, tables = None, []
    for sheet in book.sheet_names:
        rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        top = next((i for i, row in enumerate(rows[:20]) if _is_table_header([cell_text(c) for c in row])), None)
        if top is None:
            continue
        header = [cell_text(c) for c in rows[top]]
        while header and not header[-1]:
            header.pop()
        if first is None:
            first = header
        elif [header_key(h) for h in header] != [header_key(h) for h in first]:
            raise InputError(f"{name} sheet '{sheet}'", "the same columns as the first table sheet", row=top + 1)
        width = len(header)
        body = pd.DataFrame([list(r[:width]) + [None] * (width - len(r)) for r in rows[top + 1:]],
                            columns=range(width), dtype=object)
        table = body.apply(lambda column: column.map(cell_text)).set_axis(first, axis=1)
        table["filename"], table["_sheet"] = path, sheet
        table["_line"] = np.arange(top + 2, top + 2 + len(table))
        tables.append(table[table[first].ne("").any(axis=1)])
    if first is None:
        raise InputError(name, f"a sheet with '{CODE}' and '{COUNT}' columns (a Home Office offence-code table)")
    return first, pd.concat(tables, ignore_index=True)


def _is_excel(path: str) -> bool:
    return Path(path).suffix.lower() in EXCEL


def _layout(files: list[str]) -> tuple[list[str], str, dict[str, pd.DataFrame]]:
    """The shared header of the files, the column that names the area (a CSP column before Force Name) and
    the tables read from spreadsheets."""
    sheets = {f: _excel_table(f) for f in files if _is_excel(f)}
    headers = {f: sheets[f][0] if f in sheets else duck.header(Path(f), Path(f).name) for f in files}
    first = headers[files[0]]
    for file, found in headers.items():
        if [header_key(h) for h in found] != [header_key(h) for h in first]:
            raise InputError(Path(file).name, f"the same columns as {Path(files[0]).name}", row=1)
    for needed in (YEAR, QUARTER, CODE, COUNT):
        if _column(first, needed) is None:
            raise InputError(Path(files[0]).name, f"a column headed '{needed}' (a Home Office offence-code table); "
                             f"its columns are {', '.join(first)}", row=1, column=needed)
    area = next((h for name in AREA_HEADERS if (h := _column(first, name))), None)
    if area is None:
        raise InputError(Path(files[0]).name, "a 'CSP Name' or 'Force Name' column", row=1, column=FORCE)
    extra = ["filename", "_sheet", "_line"]
    return first, area, {f: table.set_axis([*first, *extra], axis=1) for f, (_, table) in sheets.items()}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def count_offences(files: list[str], header: list[str], area: str, sheets: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Offences per file, year, quarter, force, area, code and description (DuckDB)."""
    force = _column(header, FORCE) or area
    description = _column(header, DESCRIPTION)
    number = f"trim({_quoted(_column(header, COUNT))})"
    value = f"TRY_CAST(replace({number}, ',', '') AS DOUBLE)"
    csv_files = [f for f in files if f not in sheets]
    parts = [f"SELECT * FROM {duck.read_csv_sql(csv_files, header)}"] if csv_files else []
    con = duck.connect()
    try:
        if sheets:
            con.register("sheet_rows", pd.concat(sheets.values(), ignore_index=True).drop(columns=["_sheet", "_line"]))
            parts.append("SELECT * FROM sheet_rows")
        source = "(" + " UNION ALL BY NAME ".join(parts) + ")"
        counts = con.sql(f"""
            SELECT filename AS file, trim({_quoted(_column(header, YEAR))}) AS year,
                   trim({_quoted(_column(header, QUARTER))}) AS quarter, trim({_quoted(force)}) AS force,
                   coalesce(trim({_quoted(area)}), '') AS area, trim({_quoted(_column(header, CODE))}) AS code,
                   {f"trim({_quoted(description)})" if description else "''"} AS description,
                   coalesce({value} < 0, false) AS adjustment,
                   count(*) AS rows, coalesce(sum({value}), 0) AS offences,
                   count(*) FILTER (WHERE {value} IS NULL AND coalesce({number}, '') <> '') AS not_numbers
            FROM {source}
            GROUP BY ALL""").df()
        if csv_files:
            duck.raise_first_reject(duck.first_reject(con), {f: Path(f).name for f in files})
    finally:
        con.close()
    if counts["not_numbers"].any():
        _raise_not_a_number(counts, header, sheets)
    return counts


def _raise_not_a_number(counts: pd.DataFrame, header: list[str], sheets: dict[str, pd.DataFrame]) -> None:
    """Only on the error path: find the first line whose Number of Offences is not a number."""
    file = counts.loc[counts["not_numbers"] > 0, "file"].iloc[0]
    column = _column(header, COUNT)
    if file in sheets:
        table = sheets[file]
        text = table[column].str.replace(",", "", regex=False)
        bad = (text != "") & pd.to_numeric(text, errors="coerce").isna()
        first = table[bad].iloc[0]
        where = Path(file).name if table["_sheet"].nunique() == 1 else f"{Path(file).name} sheet '{first['_sheet']}'"
        raise InputError(where, "a number of offences", row=int(first["_line"]), column=column, got=first[column])
    con = duck.connect()
    try:
        con.execute("SET preserve_insertion_order = true")
        line, got = con.sql(f"""
            SELECT line, v FROM (SELECT row_number() OVER () + 1 AS line, trim({_quoted(column)}) AS v
                                 FROM {duck.read_csv_sql([file], header)})
            WHERE TRY_CAST(replace(v, ',', '') AS DOUBLE) IS NULL AND coalesce(v, '') <> '' LIMIT 1""").fetchall()[0]
    finally:
        con.close()
    raise InputError(Path(file).name, "a number of offences", row=int(line), column=column, got=got)


def _quarter_ends(counts: pd.DataFrame) -> pd.Series:
    """The last month of each row's financial quarter (Q1 = April-June)."""
    def one(year_quarter):
        year, quarter = year_quarter
        y, q = _YEAR.match(year), _QUARTER.match(quarter)
        if not (y and q):
            return None
        return months.from_year_month(int(y.group(1)), 4) + 3 * int(q.group(1)) - 1

    keys = counts[["year", "quarter"]].drop_duplicates()
    ends = {k: one(k) for k in keys.itertuples(index=False, name=None)}
    out = pd.Series([ends[k] for k in zip(counts["year"], counts["quarter"])], index=counts.index, dtype=object)
    bad = out.isna()
    if bad.any():
        row = counts[bad].iloc[0]
        raise InputError(Path(row["file"]).name, "a financial year such as 2022/23 and a quarter 1-4",
                         column=YEAR, got=f"{row['year']} {row['quarter']}")
    return out.astype(int)


def _period(end: int) -> str:
    """'2022/23 Q1' for the quarter ending June 2022."""
    start = end - 2
    year = (start - 3) // 12  # financial years start in April (month index 3)
    quarter = (start - (year * 12 + 3)) // 3 + 1
    return f"{year}/{(year + 1) % 100:02d} Q{quarter}"


def ingest(files: list[str], mapping: Mapping, populations: str | None = None, area: str | None = None,
           group: str | None = None) -> Ingested:
    paths = [str(Path(f).resolve()) for f in files]
    for f, given in zip(paths, files):
        if not Path(f).is_file():
            raise InputError(given, "an existing CSV, .xlsx or .ods file")
    if len(set(paths)) < len(paths):
        twice = next(g for f, g in zip(paths, files) if paths.count(f) > 1)
        raise InputError(twice, "each file once (it is given twice, so its quarters would be counted twice)")
    header, area_column, sheets = _layout(paths)
    counts = count_offences(paths, header, area_column, sheets)
    names = {f: Path(g).name for f, g in zip(paths, files)}
    key = ["year", "quarter", "force", "area", "code", "description"]
    # A negative row is an adjustment the Home Office publishes beside the count, never a repeated row.
    twice = counts[~counts["adjustment"]].groupby(key)["rows"].sum()
    if (twice > 1).any():
        (year, quarter, force, where, code, _), _ = next(iter(twice[twice > 1].items()))
        found = sorted(names[f] for f in counts.loc[(counts["year"] == year) & (counts["quarter"] == quarter) &
                                                    (counts["area"] == where) & (counts["code"] == code), "file"])
        raise InputError(found[-1], f"each quarter, area and offence code once; {year} Q{quarter} {where or force} "
                         f"code {code} appears twice" + (f" (also in {found[0]})" if found[0] != found[-1] else ""))
    counts["end"] = _quarter_ends(counts)

    report = Report(f"Home Office recorded crime: {len(files)} files, {int(counts['rows'].sum()):,} rows, "
                    f"{counts['offences'].sum():,.0f} offences; areas from '{area_column}'; mapping: {mapping.source}")
    per_file = counts.groupby("file")["rows"].sum().reindex(paths, fill_value=0)
    report.section("rows read per file:", [f"{names[f]}: {int(n):,}" for f, n in per_file.items()])
    report.per_period("offences per quarter", counts.groupby("end")["offences"].sum(), _period, "offences")
    adjustments = counts[counts["adjustment"]]
    report.note(f"adjustment rows (a negative number of offences), kept in the sums: {int(adjustments['rows'].sum()):,}"
                + (f" ({adjustments['offences'].sum():,.0f} offences)" if len(adjustments) else ""))
    blank = counts["area"] == ""
    report.note(f"rows without an area: {int(counts.loc[blank, 'rows'].sum()):,} "
                f"({counts.loc[blank, 'offences'].sum():,.0f} offences); they are in no area's counts")
    counts["key"] = OFFENCE_CODES.normalise(counts["code"])
    unmapped = counts[~counts["key"].isin(mapping.known)]
    label = unmapped["code"] + np.where(unmapped["description"] != "", " " + unmapped["description"], "")
    report.counted("offence codes not in the mapping", unmapped.groupby(label)["offences"].sum(), unit="offences")
    for _, row in mapping.not_built.iterrows():
        report.note(f"{row['indicator']} ({row['name']}) left blank (not built): {row['note'] or 'marked not built'}")

    quarterly = mapping.present(_indicator_counts(counts[~blank], mapping), counts["code"], report, "offence codes")
    report.per_indicator("offences per indicator, all areas", quarterly, _period, "quarters", by_area=False)
    sheets = {"Quarterly": _quarterly_rows(quarterly)}
    if group is not None:
        sheets["MSG"] = _msg_rows(quarterly, area, group, populations, report)
    sheets[mapping.kind.sheet] = mapping.rows()
    return Ingested(data=quarterly, names=mapping.names, report=report, sheets=sheets, data_sheet="Quarterly",
                    period_months=3)


def _indicator_counts(placed: pd.DataFrame, mapping: Mapping) -> pd.DataFrame:
    joined = placed.merge(mapping.pairs, on="key")
    summed = joined.groupby(["end", "area", "indicator"])["offences"].sum()
    grid = pd.MultiIndex.from_product([sorted(placed["end"].unique()), sorted(placed["area"].unique()),
                                       mapping.indicators], names=["end", "area", "indicator"])
    full = summed.reindex(grid, fill_value=0).reset_index()
    return pd.DataFrame({"month": full["end"].astype(int), "area": full["area"], "indicator": full["indicator"],
                         "value": full["offences"].round().astype(int)})


def _quarterly_rows(quarterly: pd.DataFrame) -> list[list]:
    ordered = quarterly.sort_values(["area", "indicator", "month"], kind="stable")
    periods = {m: _period(m) for m in ordered["month"].unique()}
    dates = {m: months.to_date(m) for m in ordered["month"].unique()}
    return [["Period", "Month", "Area", "Indicator", "Value"]] + [
        [periods[m], dates[m], a, i, v] for m, a, i, v in
        zip(ordered["month"], ordered["area"], ordered["indicator"], ordered["value"].tolist())]


def _msg_rows(quarterly: pd.DataFrame, area: str, group_path: str, populations_path: str, report: Report):
    group_name = Path(group_path).name
    listed = frame(read_rows(group_path), group_name, {"area": ("Area", "CSP Name", "Force Name")}, ("area",))
    members = [area] + [a for a in listed["area"].map(cell_text) if a and a.lower() != area.lower()]
    pop_name = Path(populations_path).name
    table = frame(read_rows(populations_path), pop_name, {"area": ("Area",), "population": ("Population",)},
                  ("area", "population"))
    population = pd.to_numeric(table["population"].map(cell_text).str.replace(",", ""), errors="coerce")
    bad = ~(population > 0)
    if bad.any():
        raise InputError(pop_name, "a population above 0", row=int(table.loc[bad, "_row"].iloc[0]), column="Population",
                         got=table.loc[bad, "population"].iloc[0])
    pops = dict(zip(table["area"].map(cell_text).str.lower(), population))
    spelled = {a.lower(): a for a in quarterly["area"].unique()}
    for member in members:
        if member.lower() not in spelled:
            raise InputError(group_name if member != area else "--area",
                             "an area named in the recorded crime files", column="Area", got=member)
        if member.lower() not in pops:
            raise InputError(pop_name, "a population for every area of the most similar group", column="Area",
                             got=member)
    last = int(quarterly["month"].max())
    window = quarterly[(quarterly["month"] > last - 12) & (quarterly["month"] <= last)]
    quarters = sorted(window["month"].unique())
    if len(quarters) < 4:
        report.note(f"MSG: only {len(quarters)} quarters to {_period(last)}; the counts cover less than 12 months")
    totals = window.groupby(["indicator", "area"])["value"].sum()
    report.note(f"MSG: {len(members)} areas, the 12 months to {months.label(last)} ({_period(quarters[0])} to "
                f"{_period(last)}), rates per 1,000 population")
    rows = [["Indicator", "Area", "Count", "Population", "Rate per 1,000"]]
    for indicator in dict.fromkeys(quarterly["indicator"]):
        for member in members:
            name = spelled[member.lower()]
            count = int(totals.get((indicator, name), 0))
            pop = float(pops[member.lower()])
            rows.append([indicator, name, count, int(pop) if pop.is_integer() else pop, count / pop * 1000])
    return rows
