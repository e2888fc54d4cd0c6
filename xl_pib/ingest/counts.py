"""The monthly counts analysts already keep -> Data rows.

Two shapes are accepted:

- long: columns ``Month``, ``Indicator``, ``Value`` (and optionally ``Area``,
  ``Denominator``), one row per month and indicator;
- wide: a month column (headed Month, Date or Period, else the first column)
  and one column per indicator (and optionally ``Area``).

Indicators are matched by id or name, case-insensitively, against the
``--into`` workbook's Targets sheet and the indicators the shipped mappings
define; columns (or long-table indicators) that match nothing are listed in
the report and left out. Months may be written ``YYYY-MM``, ``MM/YYYY``,
``Apr-07``, ``April 2007``, a UK date ``DD/MM/YYYY``, or as real Excel dates;
two-digit years are 1970-2069. The table is small, so it is read whole
(CSV must be UTF-8; see :mod:`.small_tables`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import months
from ..cells import cell_text
from ..errors import InputError
from .mapping import catalogue
from .report import Report
from .result import Ingested
from .small_tables import read_rows

MONTH_HEADERS = ("month", "date", "period")


def _months(values: pd.Series, rows: pd.Series, name: str, header: str) -> np.ndarray:
    """Months of a column, parsed once per distinct value."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    parsed = np.empty(len(uniques), dtype=np.int64)
    for code, value in enumerate(uniques):
        try:
            parsed[code] = months.parse(value)
        except months.NotAMonth:
            raise InputError(name, f"a month ({months.ACCEPTED})",
                             row=int(rows.iloc[int(np.flatnonzero(codes == code)[0])]), column=header,
                             got=value) from None
    if (codes < 0).any():
        raise InputError(name, "a month in every row", row=int(rows.iloc[int(np.flatnonzero(codes < 0)[0])]),
                         column=header)
    return parsed[codes]


def _numbers(values: pd.Series, rows: pd.Series, name: str, header: str) -> pd.Series:
    text = values.map(cell_text)
    numbers = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
    bad = (text != "") & numbers.isna()
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(name, "a number", row=int(rows.iloc[first]), column=header, got=values.iloc[first])
    return numbers


def _known_indicators(into: str | Path | None) -> tuple[dict[str, str], dict[str, str]]:
    """(lower-case id or name -> id, id -> name): the workbook's Targets first, then the shipped catalogue."""
    names: dict[str, str] = {}
    if into is not None:
        from ..inputs import read_sheets

        targets = next((rows for sheet, rows in read_sheets(into).items() if sheet.strip().lower() == "targets"), [])
        if targets:
            header = [cell_text(h).lower() for h in targets[0]]
            if "indicator" in header:
                i, n = header.index("indicator"), header.index("name") if "name" in header else None
                for row in targets[1:]:
                    indicator = cell_text(row[i]) if i < len(row) else ""
                    if indicator:
                        names.setdefault(indicator, cell_text(row[n]) if n is not None and n < len(row) else "")
    for indicator, name in catalogue().items():
        names.setdefault(indicator, name)
    match: dict[str, str] = {}
    for indicator, name in names.items():
        match.setdefault(indicator.lower(), indicator)
    for indicator, name in names.items():
        if name:
            match.setdefault(name.lower(), indicator)
    return match, names


def ingest(path: str | Path, into: str | Path | None = None) -> Ingested:
    name = Path(path).name
    rows = read_rows(path)
    if not rows or not any(cell_text(c) for c in rows[0]):
        raise InputError(name, "a header row", row=1)
    width = max(len(r) for r in rows)
    header = [cell_text(h) for h in rows[0]] + [""] * (width - len(rows[0]))
    body = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in rows[1:]], columns=range(width), dtype=object)
    body["_row"] = np.arange(2, len(rows) + 1)
    body = body[~body.drop(columns="_row").map(lambda v: cell_text(v) == "").all(axis=1)]
    lower = [h.lower() for h in header]
    match, names = _known_indicators(into)
    report = Report(f"analysts' counts: {name}, {len(body):,} rows")
    report.section("rows read per file:", [f"{name}: {len(body):,}"])
    if {"month", "indicator", "value"} <= set(lower):
        data = _long(body, header, lower, name, match, report)
    else:
        data = _wide(body, header, lower, name, match, report)
    repeated = data.duplicated(subset=["month", "indicator", "area"], keep="first")
    if repeated.any():
        first = data[repeated].iloc[0]
        raise InputError(name, f"one value per month and indicator ({first['indicator']} "
                         f"{months.iso(first['month'])} is repeated)", row=int(first["_row"]))
    data = data.drop(columns="_row")
    report.per_period("counted per month (sum of values)", data.groupby("month")["value"].sum(), months.iso,
                      unit="in total")
    if data["area"].notna().any():
        report.note(f"rows without an area: {int(data['area'].isna().sum()):,}")
    else:
        report.note("rows without an area: 0 (the table has no Area column: one area)")
    return Ingested(data=data.sort_values(["indicator", "month"], kind="stable").reset_index(drop=True),
                    names={k: v for k, v in names.items() if v}, report=report)


def _area(body: pd.DataFrame, lower: list[str]) -> pd.Series:
    if "area" not in lower:
        return pd.Series([None] * len(body), index=body.index, dtype=object)
    text = body[lower.index("area")].map(cell_text)
    return text.where(text != "", None)


def _long(body, header, lower, name, match, report) -> pd.DataFrame:
    column = {k: lower.index(k) for k in ("month", "indicator", "value")}
    given = body[column["indicator"]].map(cell_text)
    indicator = given.str.lower().map(match)
    unmatched = indicator.isna()
    report.counted("indicators not matched (rows left out)", given[unmatched].value_counts())
    data = pd.DataFrame({
        "_row": body["_row"], "indicator": indicator,
        "month": _months(body[column["month"]], body["_row"], name, header[column["month"]]),
        "value": _numbers(body[column["value"]], body["_row"], name, header[column["value"]]),
        "area": _area(body, lower)})
    return data[~unmatched & data["value"].notna()]


def _wide(body, header, lower, name, match, report) -> pd.DataFrame:
    month_col = next((lower.index(h) for h in MONTH_HEADERS if h in lower), 0)
    skip = {month_col} | ({lower.index("area")} if "area" in lower else set())
    matched, unmatched = {}, []
    for c, title in enumerate(header):
        if c in skip or not title:
            continue
        indicator = match.get(title.lower())
        if indicator is None:
            unmatched.append(title)
        else:
            matched[c] = indicator
    report.section("columns matched to indicators:", [f"{header[c]} -> {i}" for c, i in matched.items()])
    report.section(f"columns not matched (left out): {', '.join(unmatched) if unmatched else 'none'}")
    if not matched:
        raise InputError(name, "a column named after an indicator (by id or name), or Month, Indicator, Value "
                         "columns", row=1)
    month = _months(body[month_col], body["_row"], name, header[month_col] or "A")
    area = _area(body, lower)
    frames = []
    for c, indicator in matched.items():
        values = _numbers(body[c], body["_row"], name, header[c])
        frames.append(pd.DataFrame({"_row": body["_row"], "indicator": indicator, "month": month,
                                    "value": values, "area": area}))
    data = pd.concat(frames, ignore_index=True)
    return data[data["value"].notna()]
