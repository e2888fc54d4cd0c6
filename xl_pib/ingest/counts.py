"""The monthly counts analysts already keep -> Data rows.

Two shapes are accepted:

- long: columns ``Month``, ``Indicator``, ``Value`` (and optionally ``Area``,
  ``Denominator``), one row per month and indicator;
- wide: a month column (headed Month, Date or Period, else the first column)
  and one column per indicator (and optionally ``Area``).

Indicators are matched by id or name, ignoring case, spaces and underscores,
against the ``--into`` workbook's Targets sheet and the indicators the shipped
mappings define. A column (or long-table indicator) that matches nothing is
never left out silently: the ingest is refused, naming it and the fix (the
Targets row to add, or ``--add-unmatched``, which ingests it as a new
indicator with an id made from its heading). Months may be written ``YYYY-MM``, ``MM/YYYY``,
``Apr-07``, ``April 2007``, a UK date ``DD/MM/YYYY``, or as real Excel dates;
two-digit years are 1970-2069. The table is small, so it is read whole
(CSV must be UTF-8; see :mod:`.small_tables`).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import months
from ..cells import cell_text
from ..errors import InputError
from .mapping import catalogue
from .report import Report
from .result import Ingested
from .small_tables import header_key, read_rows

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
    """(id or name as :func:`header_key` compares it -> id, id -> name): the workbook's Targets first, then the
    shipped catalogue."""
    names: dict[str, str] = {}
    if into is not None:
        from ..inputs import read_sheets

        targets = next((rows for sheet, rows in read_sheets(into).items() if sheet.strip().lower() == "targets"), [])
        if targets:
            header = [header_key(h) for h in targets[0]]
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
        match.setdefault(header_key(indicator), indicator)
    for indicator, name in names.items():
        if name:
            match.setdefault(header_key(name), indicator)
    return match, names


def new_id(text: str, taken) -> str:
    """An indicator id for a heading that matches none: upper case, words joined by '_' ('Fly-tipping' -> FLY_TIPPING)."""
    base = re.sub(r"[^A-Z0-9]+", "_", cell_text(text).upper()).strip("_") or "INDICATOR"
    chosen, n = base, 1
    while chosen in taken:
        n += 1
        chosen = f"{base}_{n}"
    return chosen


class Unmatched:
    """Headings (or long-table indicators) that match no indicator: refused, with the fix, unless added."""

    def __init__(self, name: str, into, match: dict[str, str], names: dict[str, str], add: bool):
        self.name, self.into, self.match, self.names, self.add = name, into, match, names, add

    def resolve(self, given: list[str], row: int, column: str) -> None:
        """Give each unmatched heading a new id (``--add-unmatched``), or raise naming them and the fix."""
        missing = list(dict.fromkeys(g for g in given if g and header_key(g) not in self.match))
        if not missing:
            return
        proposed = {}
        for text in missing:
            proposed[text] = new_id(text, set(self.names) | set(proposed.values()))
        if not self.add:
            listed = ", ".join(repr(m) for m in missing)
            rows = "; ".join(f"Indicator {i}, Name {t}" for t, i in proposed.items())
            where = f"the Targets sheet of {Path(self.into).name} or " if self.into is not None else ""
            fix = (f"add a Targets row for each to {Path(self.into).name} ({rows}), rename it to an indicator's id "
                   f"or name" if self.into is not None else
                   "rename each to an indicator's id or name (or merge --into a workbook whose Targets lists it)")
            raise InputError(self.name, f"indicators named by id or name in {where}the shipped mappings; {listed} "
                             f"match{'es' if len(missing) == 1 else ''} none: {fix}, or give --add-unmatched to ingest "
                             f"{'it' if len(missing) == 1 else 'them'} as new indicators "
                             f"({', '.join(proposed.values())}); nothing was written", row=row, column=column)
        for text, indicator in proposed.items():
            self.match[header_key(text)] = indicator
            self.names[indicator] = text


def ingest(path: str | Path, into: str | Path | None = None, add_unmatched: bool = False) -> Ingested:
    name = Path(path).name
    rows = read_rows(path)
    if not rows or not any(cell_text(c) for c in rows[0]):
        raise InputError(name, "a header row", row=1)
    width = max(len(r) for r in rows)
    header = [cell_text(h) for h in rows[0]] + [""] * (width - len(rows[0]))
    body = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in rows[1:]], columns=range(width), dtype=object)
    body["_row"] = np.arange(2, len(rows) + 1)
    body = body[~body.drop(columns="_row").map(lambda v: cell_text(v) == "").all(axis=1)]
    keys = [header_key(h) for h in header]
    match, names = _known_indicators(into)
    unmatched = Unmatched(name, into, match, names, add_unmatched)
    report = Report(f"analysts' counts: {name}, {len(body):,} rows")
    report.section("rows read per file:", [f"{name}: {len(body):,}"])
    if {"month", "indicator", "value"} <= set(keys):
        data = _long(body, header, keys, name, unmatched, report)
    else:
        data = _wide(body, header, keys, name, unmatched, report)
    repeated = data.duplicated(subset=["month", "indicator", "area"], keep="first")
    if repeated.any():
        first = data[repeated].iloc[0]
        raise InputError(name, f"one value per month and indicator ({first['indicator']} "
                         f"{months.iso(first['month'])} is repeated)", row=int(first["_row"]))
    data = data.drop(columns="_row")
    report.per_indicator("counted per indicator", data, months.iso)
    if data["area"].notna().any():
        report.note(f"rows without an area: {int(data['area'].isna().sum()):,}")
    else:
        report.note("rows without an area: 0 (the table has no Area column: one area)")
    return Ingested(data=data.sort_values(["indicator", "month"], kind="stable").reset_index(drop=True),
                    names={k: v for k, v in names.items() if v}, report=report)


def _area(body: pd.DataFrame, keys: list[str]) -> pd.Series:
    if "area" not in keys:
        return pd.Series([None] * len(body), index=body.index, dtype=object)
    text = body[keys.index("area")].map(cell_text)
    return text.where(text != "", None)


def _long(body, header, keys, name, unmatched: Unmatched, report) -> pd.DataFrame:
    column = {k: keys.index(k) for k in ("month", "indicator", "value")}
    given = body[column["indicator"]].map(cell_text)
    first_unmatched = given[(given != "") & ~given.map(header_key).isin(unmatched.match.keys())]
    if len(first_unmatched):
        unmatched.resolve(first_unmatched.tolist(), int(body.loc[first_unmatched.index[0], "_row"]),
                          header[column["indicator"]])
    indicator = given.map(header_key).map(unmatched.match)
    added = first_unmatched.value_counts()
    if len(added):
        report.counted("indicators added (--add-unmatched)", added)
    data = pd.DataFrame({
        "_row": body["_row"], "indicator": indicator,
        "month": _months(body[column["month"]], body["_row"], name, header[column["month"]]),
        "value": _numbers(body[column["value"]], body["_row"], name, header[column["value"]]),
        "area": _area(body, keys)})
    return data[data["indicator"].notna() & data["value"].notna()]


def _wide(body, header, keys, name, unmatched: Unmatched, report) -> pd.DataFrame:
    month_col = next((keys.index(h) for h in MONTH_HEADERS if h in keys), 0)
    skip = {month_col} | ({keys.index("area")} if "area" in keys else set())
    titles = {c: t for c, t in enumerate(header) if c not in skip and t}
    if not titles:
        raise InputError(name, "a column named after an indicator (by id or name), or Month, Indicator, Value "
                         "columns", row=1)
    strays = [t for t in titles.values() if header_key(t) not in unmatched.match]
    if strays:
        unmatched.resolve(strays, 1, strays[0])
    matched = {c: unmatched.match[header_key(t)] for c, t in titles.items()}
    report.section("columns matched to indicators:", [f"{header[c]} -> {i}" for c, i in matched.items()])
    if strays:
        report.section(f"columns added as new indicators (--add-unmatched): {', '.join(strays)}")
    month = _months(body[month_col], body["_row"], name, header[month_col] or "A")
    area = _area(body, keys)
    frames = []
    for c, indicator in matched.items():
        values = _numbers(body[c], body["_row"], name, header[c])
        frames.append(pd.DataFrame({"_row": body["_row"], "indicator": indicator, "month": month,
                                    "value": values, "area": area}))
    data = pd.concat(frames, ignore_index=True)
    return data[data["value"].notna()]
