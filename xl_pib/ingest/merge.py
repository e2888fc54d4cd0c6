"""``--into``: merge ingested counts into an existing input workbook, touching nothing else.

- Data: for each ingested indicator, month (and area, when the sheet has an
  Area column) the existing row's Value is replaced in place, keeping its
  other cells and formatting; rows that do not exist yet are appended, with
  months written the way the sheet already writes them (dates or text).
- Targets: an ingested indicator the sheet does not list gets a new row with
  target type ``none`` (a monitoring indicator) for the analyst to fill in,
  so the workbook stays a valid input for ``xl-pib build``.
- The mapping sheet (and any other sheet the ingest produces) is written in
  full; every other sheet and cell is left as it was.

With several areas and no Area column in Data, the partnership's own area
(the Settings sheet's Partnership) is taken; without it the merge is refused.
The workbook is saved through :func:`xl_pib.xlsx.save` (temporary file and
rename), so a failure leaves it unchanged.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from .. import months
from ..errors import InputError
from ..inputs.guard import check_input_file
from ..xlsx import put, save, write_rows
from .report import Report
from .result import Ingested

NEW_SECTION = "Monitoring"


def _sheet(book, name: str, path: Path):
    for ws in book.worksheets:
        if ws.title.strip().lower() == name.lower():
            return ws
    raise InputError(path.name, f"a sheet named '{name}'")


def _headers(ws) -> dict[str, int]:
    """Lower-case header -> column number (1-based), from row 1."""
    return {str(c.value).strip().lower(): c.column for c in ws[1] if c.value is not None and str(c.value).strip()}


def _require(ws, headers: dict[str, int], names: tuple[str, ...]) -> None:
    for name in names:
        if name.lower() not in headers:
            raise InputError(ws.title, f"a column headed '{name}'", row=1, column=name)


def _setting(book, key: str):
    for ws in book.worksheets:
        if ws.title.strip().lower() == "settings":
            for setting, value, *_ in ws.iter_rows(min_row=2, max_col=2, values_only=True):
                if isinstance(setting, str) and setting.strip().lower() == key:
                    return value
    return None


def _month_or_none(value):
    try:
        return None if value is None or value == "" else months.parse(value)
    except months.NotAMonth:
        return None


def _choose_area(data: pd.DataFrame, book, has_area: bool, report: Report) -> pd.DataFrame:
    areas = data["area"].dropna().unique()
    if has_area or len(areas) <= 1:
        return data
    partnership = _setting(book, "partnership")
    wanted = str(partnership).strip().lower() if partnership is not None else ""
    chosen = [a for a in areas if a.strip().lower() == wanted]
    if not chosen:
        shown = ", ".join(sorted(areas)[:4]) + (", ..." if len(areas) > 4 else "")
        raise InputError("Data", f"an Area column, since the counts cover {len(areas)} areas ({shown}) and none is "
                         f"the Partnership setting {partnership!r}", row=1)
    report.note(f"merged the counts of {chosen[0]} (the Partnership); {len(areas) - 1} other areas left out")
    return data[data["area"] == chosen[0]]


def merge_into(ingested: Ingested, source: str | Path, output: str | Path) -> Path:
    import openpyxl

    source, output = Path(source), Path(output)
    if not source.is_file():
        raise InputError(str(source), "an existing input workbook (.xlsx or .xlsm)")
    check_input_file(source)  # never hand openpyxl an encrypted, oversized or bomb file
    try:
        book = openpyxl.load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm")
    except Exception as error:  # openpyxl raises many types for files that are not workbooks
        raise InputError(source.name, f"a readable .xlsx or .xlsm workbook ({error})") from None
    report = ingested.report
    ws = _sheet(book, ingested.data_sheet, source)
    headers = _headers(ws)
    _require(ws, headers, ("Month", "Indicator", "Value"))
    has_area = "area" in headers
    data = _choose_area(ingested.data, book, has_area, report)
    replaced, appended = _merge_data(ws, headers, data, has_area)
    report.note(f"merged into {source.name}: {replaced:,} Data values replaced, {appended:,} rows added")
    added = _add_targets(book, source, data["indicator"].unique(), data, ingested.names)
    if added:
        report.note(f"added Targets rows (target type none, section {NEW_SECTION}; set their targets): "
                    + ", ".join(added))
    latest = _month_or_none(_setting(book, "latest month"))
    if latest is not None and len(data) and data["month"].max() > latest:
        report.note(f"the data run to {months.iso(data['month'].max())}, after the Latest month setting "
                    f"({months.iso(latest)}); build ignores later months until it is changed")
    for name, rows in ingested.sheets.items():
        _replace_sheet(book, name, rows)
    return save(book, output)


def _merge_data(ws, headers: dict[str, int], data: pd.DataFrame, has_area: bool) -> tuple[int, int]:
    c_month, c_indicator, c_value = headers["month"], headers["indicator"], headers["value"]
    c_area = headers.get("area")
    existing: dict[tuple, list[int]] = {}
    last = 1
    month_style = None
    for r, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        indicator = row[c_indicator - 1] if len(row) >= c_indicator else None
        month_cell = row[c_month - 1] if len(row) >= c_month else None
        if indicator is None and month_cell is None:
            continue
        last = r
        month = _month_or_none(month_cell)
        if month_style is None and month is not None:
            month_style = ws.cell(row=r, column=c_month)
        area = str(row[c_area - 1] or "").strip().lower() if has_area and len(row) >= c_area else ""
        existing.setdefault((str(indicator).strip(), month, area), []).append(r)
    as_text = month_style is not None and isinstance(month_style.value, str)
    number_format = month_style.number_format if month_style is not None and not as_text else "yyyy-mm"
    replaced = appended = 0
    areas = data["area"].fillna("").astype(str)
    for month, indicator, value, area in zip(data["month"], data["indicator"], data["value"], areas):
        key = (indicator, int(month), area.strip().lower() if has_area else "")
        rows = existing.get(key)
        if rows:
            for r in rows:
                put(ws.cell(row=r, column=c_value), value)
            replaced += len(rows)
            continue
        last += 1
        appended += 1
        if as_text:
            put(ws.cell(row=last, column=c_month), months.iso(month))
        else:
            put(ws.cell(row=last, column=c_month), months.to_date(month), number_format)
        put(ws.cell(row=last, column=c_indicator), indicator)
        put(ws.cell(row=last, column=c_value), value)
        if has_area:
            put(ws.cell(row=last, column=c_area), area or None)
    return replaced, appended


def _add_targets(book, source: Path, indicators, data: pd.DataFrame, names: dict[str, str]) -> list[str]:
    ws = _sheet(book, "Targets", source)
    headers = _headers(ws)
    _require(ws, headers, ("Indicator",))
    listed = set()
    last = 1
    for r, (value,) in enumerate(ws.iter_rows(min_row=2, min_col=headers["indicator"],
                                              max_col=headers["indicator"], values_only=True), start=2):
        if value is not None and str(value).strip():
            listed.add(str(value).strip())
            last = r
    added = []
    for indicator in indicators:
        if indicator in listed:
            continue
        first = int(data.loc[data["indicator"] == indicator, "month"].min())
        baseline_end = first + 11  # the first 12 months ingested
        cells = {"indicator": indicator, "name": names.get(indicator, indicator), "section": NEW_SECTION,
                 "measure": "count", "direction": "down", "baseline period": f"12 months to {months.label(baseline_end)}",
                 "baseline end": months.iso(baseline_end), "target type": "none",
                 "commentary": "Added by xl-pib ingest as a monitoring indicator; set its target."}
        last += 1
        for header, value in cells.items():
            if header in headers:
                put(ws.cell(row=last, column=headers[header]), value)
        added.append(indicator)
    return added


def _replace_sheet(book, name: str, rows: list[list]) -> None:
    from openpyxl.styles import Font

    index = len(book.worksheets)
    for ws in book.worksheets:
        if ws.title.strip().lower() == name.lower():
            index = book.worksheets.index(ws)
            book.remove(ws)
            break
    ws = book.create_sheet(name, index)
    write_rows(ws, rows)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm"
