"""``--into``: merge ingested counts into an existing input workbook, touching nothing else.

- Data: for each ingested indicator, month (and area, when the sheet has an
  Area column) the existing row's Value is replaced in place, keeping its
  other cells and formatting; rows that do not exist yet are appended, with
  months written the way the sheet already writes them (dates or text). A gap
  in the counts (a force's missing file) replaces nothing and adds no row.
- Safety: every replaced series is reported with the total of its replaced
  months before and after; a replacement that moves that total by more than
  half (the counts of another area, or All Crime with ASB, say) is refused
  unless ``--replace`` is given.
- Targets: an ingested indicator the sheet does not list is refused, naming
  the Targets rows to add, unless ``--add-unmatched`` is given; then it gets
  a row with target type ``none`` (a monitoring indicator) and the baseline
  period the workbook's other indicators use, for the analyst to complete.
  Nothing written there is a note to the analyst (the report carries those),
  so nothing of the ingest's own is printed in the bulletin.
- Breaks: the level shifts found and the national recording changes that cut
  through a merged series (:mod:`.breaks`) are added to the ``Breaks`` sheet
  (created if missing) marked ``suggested``, unless the sheet has them already.
- The mapping sheet (and any other sheet the ingest produces) is written in
  full; every other sheet and cell is left as it was.

With several areas and no Area column in Data, the partnership's own area
(the Settings sheet's Partnership) is taken; if none of the areas is it, the
merge is refused with the nearest area names. The workbook is saved through
:func:`xl_pib.xlsx.save` (temporary file and rename), so a failure leaves it
unchanged.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import Counter
from pathlib import Path

import pandas as pd

from .. import months
from ..cells import cell_text
from ..errors import InputError, UsageError
from ..inputs.guard import check_input_file
from ..xlsx import put, save, write_rows
from . import breaks as found_breaks
from .report import Report
from .result import Ingested
from .small_tables import header_key

NEW_SECTION = "Monitoring"
LEVEL_CHANGE = 0.5  # a replacement that moves a series' total by more than this share is refused without --replace
BREAKS_SHEET = "Breaks"
BREAKS_HEADER = ["Indicator", "Month", "Reason", "Status"]


def _find_sheet(book, name: str):
    """The sheet called ``name`` (any case, spaces around it aside), or None."""
    return next((ws for ws in book.worksheets if ws.title.strip().lower() == name.lower()), None)


def _sheet(book, name: str, path: Path):
    ws = _find_sheet(book, name)
    if ws is None:
        raise InputError(path.name, f"a sheet named '{name}'")
    return ws


def _headers(ws) -> dict[str, int]:
    """Header key (:func:`header_key`) -> column number (1-based), from row 1."""
    return {header_key(c.value): c.column for c in ws[1] if c.value is not None and cell_text(c.value)}


def _require(ws, headers: dict[str, int], names: tuple[str, ...]) -> None:
    for name in names:
        if header_key(name) not in headers:
            raise InputError(ws.title, f"a column headed '{name}'", row=1, column=name)


def _setting(book, key: str) -> tuple[object, int | None]:
    """A setting's value and its row on the Settings sheet ((None, None) if absent)."""
    ws = _find_sheet(book, "Settings")
    if ws is not None:
        for r, (setting, value, *_) in enumerate(ws.iter_rows(min_row=2, max_col=2, values_only=True), start=2):
            if isinstance(setting, str) and setting.strip().lower() == key:
                return value, r
    return None, None


def _at(row: tuple, column: int | None):
    """A row's cell in a 1-based column (None beyond the row, or for no column)."""
    return row[column - 1] if column and column <= len(row) else None


def _month_or_none(value):
    try:
        return None if value is None or value == "" else months.parse(value)
    except months.NotAMonth:
        return None


def nearest(name: str, candidates, count: int = 3) -> list[str]:
    """The candidates most like ``name``: those containing it (or contained in it) first, then by similarity."""
    wanted = name.strip().lower()
    listed = sorted(set(candidates))
    inside = [c for c in listed if wanted and (wanted in c.lower() or c.lower() in wanted)]
    alike = difflib.get_close_matches(wanted, [c.lower() for c in listed], n=count, cutoff=0.5)
    spelled = {c.lower(): c for c in listed}
    return list(dict.fromkeys(inside + [spelled[a] for a in alike]))[:count]


def _choose_area(data: pd.DataFrame, book, has_area: bool, report: Report) -> pd.DataFrame:
    areas = data["area"].dropna().unique()
    if has_area or len(areas) <= 1:
        return data
    partnership, row = _setting(book, "partnership")
    wanted = cell_text(partnership).lower()
    chosen = [a for a in areas if a.strip().lower() == wanted]
    if not chosen:
        close = nearest(cell_text(partnership), areas)
        hint = f"the nearest are {', '.join(repr(a) for a in close)}" if close else \
            f"for example {', '.join(repr(a) for a in sorted(areas)[:3])}"
        raise InputError("Settings", f"the Partnership setting to be one of the {len(areas)} areas the counts cover "
                         f"({hint}): change the Partnership setting to the area's name as the lookup spells it, or "
                         f"add an Area column to the Data sheet to merge every area", row=row,
                         column="Value" if row else None, got=partnership)
    report.note(f"merged the counts of {chosen[0]} (the Partnership); {len(areas) - 1} other areas left out")
    return data[data["area"] == chosen[0]]


class Targets:
    """The workbook's Targets sheet: the indicators it lists and the baseline its indicators share."""

    def __init__(self, book, source: Path):
        self.ws = _sheet(book, "Targets", source)
        self.headers = _headers(self.ws)
        _require(self.ws, self.headers, ("Indicator",))
        self.listed: set[str] = set()  # ids as written (the input parser matches them exactly)
        self.last = 1
        baselines = Counter()
        period_at, end_at = self.headers.get(header_key("Baseline period")), self.headers.get(header_key("Baseline end"))
        for r, row in enumerate(self.ws.iter_rows(min_row=2, values_only=True), start=2):
            indicator = cell_text(_at(row, self.headers[header_key("Indicator")]))
            if not indicator:
                continue
            self.listed.add(indicator)
            self.last = r
            end = _month_or_none(_at(row, end_at))
            if end is not None:
                baselines[(cell_text(_at(row, period_at)), end)] += 1
        # The commonest (period, end) pair, earliest on a tie: what an added indicator is compared against.
        self.baseline = min(baselines.items(), key=lambda kv: (-kv[1], kv[0][1]))[0] if baselines else None

    def add(self, indicator: str, name: str, first_month: int) -> None:
        if self.baseline is not None:
            period, end = self.baseline
            period = period or f"12 months to {months.label(end)}"
        else:  # a workbook without baselines: the first 12 months ingested
            end = first_month + 11
            period = f"12 months to {months.label(end)}"
        cells = {"indicator": indicator, "name": name, "section": NEW_SECTION, "measure": "count", "direction": "down",
                 "baseline period": period, "baseline end": months.iso(end), "target type": "none"}
        self.last += 1
        for header, value in cells.items():
            if header_key(header) in self.headers:
                put(self.ws.cell(row=self.last, column=self.headers[header_key(header)]), value)
        self.listed.add(indicator)


def _check_listed(data: pd.DataFrame, targets: Targets, names: dict[str, str], source: Path,
                  add_unmatched: bool, mapping_sheet: str | None) -> list[str]:
    """The ingested indicators the Targets sheet does not list: refused unless ``add_unmatched``."""
    missing = [i for i in dict.fromkeys(data["indicator"]) if i not in targets.listed]
    if missing and not add_unmatched:
        rows = "; ".join(f"Indicator {i}, Name {names.get(i) or i}" for i in missing)
        mapped = f", delete their rows from the mapping ({mapping_sheet} sheet, or --mapping)" if mapping_sheet else ""
        raise UsageError(f"{source.name}: {len(missing)} ingested indicator{'s' if len(missing) > 1 else ''} "
                         f"{'are' if len(missing) > 1 else 'is'} not on the Targets sheet ({', '.join(missing)}): add "
                         f"a Targets row for each ({rows}){mapped} or give --add-unmatched to add them as monitoring "
                         f"indicators (target type none); nothing was written")
    return missing


def merge_into(ingested: Ingested, source: str | Path, output: str | Path, replace: bool = False,
               add_unmatched: bool = False, before_save=None) -> Path:
    """Merge, then save to ``output``; ``before_save(book)`` sees the merged workbook first and may refuse it
    (raise), so that nothing is written."""
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
    has_area = header_key("Area") in headers
    data = _choose_area(ingested.data, book, has_area, report)
    targets = Targets(book, source)
    mapping_sheet = next((n for n in ingested.sheets if n.lower().endswith("mapping")), None)
    missing = _check_listed(data, targets, ingested.names, source, add_unmatched, mapping_sheet)
    plan = DataMerge(ws, headers, has_area)
    plan.plan(data)
    plan.check(report, replace)
    plan.apply()
    gaps = int(data["value"].isna().sum())
    report.note(f"merged into {source.name}: {plan.replaced:,} Data values replaced, {plan.appended:,} rows added"
                + (f"; {gaps:,} months are gaps in the counts and replaced nothing" if gaps else ""))
    for indicator in missing:
        first = int(data.loc[data["indicator"] == indicator, "month"].min())
        targets.add(indicator, ingested.names.get(indicator, indicator), first)
    if missing:
        report.note(f"added Targets rows (target type none, section {NEW_SECTION}, the workbook's baseline; set "
                    f"their targets): " + ", ".join(missing))
    _merge_breaks(book, ingested, data, plan, has_area, report)
    latest = _month_or_none(_setting(book, "latest month")[0])
    valued = data.dropna(subset=["value"])
    if latest is not None and len(valued) and valued["month"].max() > latest:
        report.note(f"the data run to {months.iso(valued['month'].max())}, after the Latest month setting "
                    f"({months.iso(latest)}); build ignores later months until it is changed")
    for name, rows in ingested.sheets.items():
        if name.strip().lower() != BREAKS_SHEET.lower():
            _replace_sheet(book, name, rows)
    if before_save is not None:
        before_save(book)
    return save(book, output)


class DataMerge:
    """The Data sheet's rows keyed by (indicator, month, area), and what merging the counts will change."""

    def __init__(self, ws, headers: dict[str, int], has_area: bool):
        self.ws, self.has_area = ws, has_area
        self.c_month, self.c_indicator = headers[header_key("Month")], headers[header_key("Indicator")]
        self.c_value, self.c_area = headers[header_key("Value")], headers.get(header_key("Area"))
        self.existing: dict[tuple, list[int]] = {}
        self.last = 1
        month_style = None
        for r, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
            indicator = row[self.c_indicator - 1] if len(row) >= self.c_indicator else None
            month_cell = row[self.c_month - 1] if len(row) >= self.c_month else None
            if indicator is None and month_cell is None:
                continue
            self.last = r
            month = _month_or_none(month_cell)
            if month_style is None and month is not None:
                month_style = ws.cell(row=r, column=self.c_month)
            area = cell_text(row[self.c_area - 1]).lower() if has_area and len(row) >= self.c_area else ""
            value = row[self.c_value - 1] if len(row) >= self.c_value else None
            self.existing.setdefault((cell_text(indicator), month, area), []).append((r, value))
        self.as_text = month_style is not None and isinstance(month_style.value, str)
        self.number_format = month_style.number_format if month_style is not None and not self.as_text else "yyyy-mm"
        self.replaced = self.appended = 0

    def plan(self, data: pd.DataFrame) -> None:
        """Which rows each ingested value replaces or appends (gaps do neither), and each series' totals."""
        self.updates: list[tuple[int, object]] = []
        self.appends: list[tuple[int, str, object, str]] = []
        totals: dict[tuple[str, str], list] = {}
        areas = data["area"].fillna("").astype(str)
        for month, indicator, value, area in zip(data["month"], data["indicator"], data["value"], areas):
            if pd.isna(value):
                continue
            value = int(value) if float(value).is_integer() else float(value)
            key = (indicator, int(month), area.strip().lower() if self.has_area else "")
            rows = self.existing.get(key)
            if rows:
                series = totals.setdefault((indicator, area if self.has_area else ""), [0, 0.0, 0.0])
                for r, old in rows:
                    self.updates.append((r, value))
                    old = _number(old)
                    if old is not None:
                        series[0] += 1
                        series[1] += old
                        series[2] += value
                continue
            self.appends.append((int(month), indicator, value, area))
        self.totals = totals

    def check(self, report: Report, replace: bool) -> None:
        """Report every replaced series; refuse a level change of more than half unless ``replace``."""
        lines, moved = [], []
        for (indicator, area), (count, before, after) in self.totals.items():
            name = f"{indicator} ({area})" if area else indicator
            change = (after - before) / before if before else (0.0 if after == before else float("inf"))
            shown = f"{change:+.0%}" if before else ("unchanged" if after == before else "from 0")
            span = f"{count} month{'s' if count != 1 else ''}"
            lines.append(f"{name}: {span}, {before:,.0f} -> {after:,.0f} ({shown})")
            if abs(change) > LEVEL_CHANGE:
                moved.append(f"{name} from {before:,.0f} to {after:,.0f} over the {span} it replaces")
        if lines:
            report.section("replaced series (total of the replaced months: before -> after):", lines)
        if moved and not replace:
            raise UsageError(f"the merge would change the level of {len(moved)} series by more than half: "
                             f"{'; '.join(moved)}. Check the lookup, area and mapping (another area's counts, or "
                             f"All Crime counted with ASB?), or give --replace to replace them anyway; nothing was "
                             f"written")
        if moved:
            report.note(f"--replace: {len(moved)} series changed level by more than half")

    def apply(self) -> None:
        ws = self.ws
        for r, value in self.updates:
            put(ws.cell(row=r, column=self.c_value), value)
        self.replaced = len(self.updates)
        for month, indicator, value, area in self.appends:
            self.last += 1
            if self.as_text:
                put(ws.cell(row=self.last, column=self.c_month), months.iso(month))
            else:
                put(ws.cell(row=self.last, column=self.c_month), months.to_date(month), self.number_format)
            put(ws.cell(row=self.last, column=self.c_indicator), indicator)
            put(ws.cell(row=self.last, column=self.c_value), value)
            if self.has_area:
                put(ws.cell(row=self.last, column=self.c_area), area or None)
        self.appended = len(self.appends)

    def spans(self, data: pd.DataFrame) -> pd.DataFrame:
        """First and last month with a value of each merged series, in the workbook after the merge."""
        merged = {(i, a if self.has_area else "") for i, a in zip(data["indicator"], data["area"].fillna(""))}
        wanted = {(i.lower(), a.lower()): (i, a) for i, a in merged}
        seen: dict[tuple[str, str], list[int]] = {}
        for (indicator, month, area), rows in self.existing.items():
            key = (indicator.lower(), area)
            if key in wanted and month is not None and any(_number(v) is not None for _, v in rows):
                seen.setdefault(key, []).append(month)
        for month, indicator, _, area in self.appends:
            seen.setdefault((indicator.lower(), area.lower() if self.has_area else ""), []).append(month)
        out = [(wanted[k][1] or None, wanted[k][0], min(v), max(v)) for k, v in seen.items() if k in wanted]
        return pd.DataFrame(out, columns=["area", "indicator", "first", "last"])


def _number(value):
    text = cell_text(value).replace(",", "")
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _merge_breaks(book, ingested: Ingested, data: pd.DataFrame, plan: DataMerge, has_area: bool,
                  report: Report) -> None:
    """The breaks of the merged series, with the national changes that cut through them, into ``Breaks``."""
    from . import recording_changes

    merged_areas = set(data["area"].fillna(""))
    found = ingested.breaks[ingested.breaks["area"].fillna("").isin(merged_areas)] if len(ingested.breaks) else \
        ingested.breaks
    national = recording_changes.applicable(plan.spans(data))
    rows = pd.concat([found[["area", "indicator", "month", "reason"]], national], ignore_index=True)
    if rows.empty:
        return
    if not has_area:
        rows = rows.assign(area=None)
    ws = _find_sheet(book, BREAKS_SHEET)
    if ws is None:
        ws = book.create_sheet(BREAKS_SHEET)
        write_rows(ws, [BREAKS_HEADER + (["Area"] if has_area else [])])
    headers = _headers(ws)
    for name in BREAKS_HEADER + (["Area"] if has_area else []):
        if header_key(name) not in headers:
            column = max(headers.values(), default=0) + 1
            put(ws.cell(row=1, column=column), name)
            headers[header_key(name)] = column
    at = {k: headers[header_key(k)] for k in BREAKS_HEADER + (["Area"] if has_area else [])}
    there, last = set(), 1
    for r, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        indicator, month = cell_text(_at(row, at["Indicator"])), _at(row, at["Month"])
        if indicator or month is not None:
            last = r
            there.add((indicator.lower(), _month_or_none(month),
                       cell_text(_at(row, at["Area"])).lower() if has_area else ""))
    added = 0
    for area, indicator, month, reason in rows[["area", "indicator", "month", "reason"]].itertuples(index=False):
        key = (indicator.lower(), int(month), cell_text(area).lower() if has_area else "")
        if key in there:
            continue
        there.add(key)
        last += 1
        values = {"Indicator": indicator, "Month": months.to_date(int(month)), "Reason": reason,
                  "Status": found_breaks.SUGGESTED, "Area": area or None}
        for name, column in at.items():
            put(ws.cell(row=last, column=column), values[name], "yyyy-mm" if name == "Month" else None)
        added += 1
    report.note(f"Breaks sheet: {added:,} rows added (Status '{found_breaks.SUGGESTED}'), "
                f"{len(rows) - added:,} already there")


def _replace_sheet(book, name: str, rows: list[list]) -> None:
    from openpyxl.styles import Font

    index = len(book.worksheets)
    old = _find_sheet(book, name)
    if old is not None:
        index = book.worksheets.index(old)
        book.remove(old)
    ws = book.create_sheet(name, index)
    write_rows(ws, rows)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm"
