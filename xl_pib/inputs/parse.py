"""Validate input sheets (rows of cells) into :class:`xl_pib.model.Inputs`.

Every check names the sheet, the spreadsheet row and the column, and what was
expected, so an analyst can go straight to the cell. Checks run column by
column over whole sheets (pandas), not cell by cell.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .. import labels, months, options
from ..cells import cell_text
from ..errors import InputError, OptionError
from ..model import Inputs
from ..settings import Settings
from .schema import BREAKS, DATA, INPUT_SHEETS, MSG, OUTCOMES, SETTINGS, TARGETS, Sheet
from .schema import column as schema_column

_SPLIT_IDS = re.compile(r"[,;]")

# Excel's limit on the characters in one cell, and the characters a workbook cannot hold at all
# (XML 1.0 forbids control characters other than tab, line feed and carriage return).
EXCEL_TEXT_LIMIT = 32767
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


# --- sheets and tables ------------------------------------------------------------


def _find(sheets: dict[str, list[list]], spec: Sheet) -> tuple[str, list[list]] | None:
    for name, rows in sheets.items():
        if name.strip().lower() == spec.name.lower():
            return name, rows
    if spec.required:
        raise InputError(spec.name, f"a sheet named '{spec.name}' in the workbook")
    return None


def _per_distinct(values: pd.Series, fn, missing):
    """``fn`` applied once per distinct cell value (pandas.factorize), laid back over the column.

    A Data column of 50,000 rows repeats a few hundred values; this keeps
    validation to one Python call per distinct value, not one per cell.
    ``missing`` is the answer for None/NaN cells.
    """
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    table = np.array([fn(u) for u in uniques] + [missing], dtype=object)
    return pd.Series(table[codes], index=values.index)


def _blank(values: pd.Series) -> pd.Series:
    """None, NaN and empty or whitespace-only text."""
    return _per_distinct(values, lambda v: isinstance(v, str) and not v.strip(), True).astype(bool)


def _unwritable(value) -> str | None:
    """Why a cell's text cannot be written back to a workbook, or None."""
    if not isinstance(value, str):
        return None
    if len(value) > EXCEL_TEXT_LIMIT:
        return f"text of at most {EXCEL_TEXT_LIMIT:,} characters, Excel's limit for a cell ({len(value):,} found)"
    bad = _UNWRITABLE.search(value)
    if bad:
        return f"text without control characters (U+{ord(bad.group()):04X} found)"
    return None


def _shown(value) -> object:
    return value[:40] + "..." if isinstance(value, str) and len(value) > 43 else value


def _check_writable(name: str, raw_header: list, body: pd.DataFrame) -> None:
    """Every text cell of an input sheet can be copied into the bulletin (once per distinct value)."""
    from openpyxl.utils import get_column_letter

    def column_name(c: int) -> str:
        label = raw_header[c] if c < len(raw_header) else None
        return str(label).strip() if isinstance(label, str) and label.strip() else get_column_letter(c + 1)

    for c, value in enumerate(raw_header):
        problem = _unwritable(value)
        if problem:
            raise InputError(name, problem, row=1, column=get_column_letter(c + 1), got=_shown(value))
    for c in body.columns:
        codes, uniques = pd.factorize(body[c].to_numpy(dtype=object), use_na_sentinel=True)
        for code, value in enumerate(uniques):
            problem = _unwritable(value)
            if problem:
                row = int(np.flatnonzero(codes == code)[0]) + 2
                raise InputError(name, problem, row=row, column=column_name(c), got=_shown(value))


def _table(name: str, rows: list[list], spec: Sheet, notes: list[str] | None = None) -> pd.DataFrame:
    """The sheet as a frame with one column per known header and ``_row`` (spreadsheet row).

    Blank rows are dropped; those in the middle of the sheet (an analyst's
    spacing, or a deleted row) are noted in ``notes``.
    """
    raw_header = list(rows[0]) if rows else []
    header = [str(h).strip().lower() if h is not None else "" for h in raw_header]
    width = max((len(r) for r in rows), default=0)
    # calamine's rows are all as wide as the sheet; other sources' rows are padded (a copy).
    uniform = all(len(r) == width and isinstance(r, list) for r in rows)
    body = pd.DataFrame(rows[1:] if uniform else [list(r) + [None] * (width - len(r)) for r in rows[1:]],
                        columns=range(width), dtype=object)
    _check_writable(name, raw_header, body)
    frame = pd.DataFrame({"_row": np.arange(2, len(rows) + 1)})
    for column in spec.columns:
        if column.header.lower() in header:
            # Object cells, as read: pandas 3 would infer its string dtype for a column of text only, whose
            # missing value is NaN, and a blank cell must stay None (a blank setting is its default, not "nan").
            cells = body[header.index(column.header.lower())].to_numpy() if len(body) else []
            frame[column.key] = pd.Series(cells, index=frame.index, dtype=object)
        elif column.required:
            raise InputError(name, f"a column headed '{column.header}'", row=1, column=column.header)
        else:
            frame[column.key] = pd.Series([None] * len(frame), dtype=object)
    keys = [c.key for c in spec.columns]
    if len(frame):
        blank = {k: _blank(frame[k]) for k in keys}
        keep = ~np.column_stack([b.to_numpy() for b in blank.values()]).all(axis=1)
        for key in keys:
            frame[key] = frame[key].where(~blank[key], None)
        kept = np.flatnonzero(keep)
        inside = np.flatnonzero(~keep[:kept[-1]]) if len(kept) else np.array([], dtype=int)
        if len(inside) and notes is not None:
            numbers = frame["_row"].to_numpy()[inside]
            shown = ", ".join(map(str, numbers[:5])) + (f" and {len(numbers) - 5} more" if len(numbers) > 5 else "")
            notes.append(f"{name}: {len(numbers)} blank row{'s' if len(numbers) > 1 else ''} in the middle of the "
                         f"sheet skipped (row{'s' if len(numbers) > 1 else ''} {shown})")
        frame = frame[keep].reset_index(drop=True)
    return frame


def _fail(sheet: str, frame: pd.DataFrame, mask: pd.Series, column: str, expected: str, key: str | None = None):
    """Raise for the first row where ``mask`` holds."""
    mask = np.asarray(mask, dtype=bool)
    if mask.any():
        first = int(np.flatnonzero(mask)[0])
        got = frame[key].iloc[first] if key else None
        raise InputError(sheet, expected, row=int(frame["_row"].iloc[first]), column=column, got=got)


# --- cell kinds --------------------------------------------------------------------


def _text(frame: pd.DataFrame, key: str) -> pd.Series:
    return _per_distinct(frame[key], cell_text, "").astype(str)


def _indicator_rows(sheet: str, frame: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """The start of a sheet keyed by indicator (Data, MSG, Breaks): its row numbers and Indicator column, each
    an id listed on Targets."""
    out = pd.DataFrame({"_row": frame["_row"]})
    out["indicator"] = _text(frame, "indicator")
    _fail(sheet, frame, ~out["indicator"].isin(set(targets["indicator"])), "Indicator",
          "an indicator id listed on the Targets sheet", "indicator")
    return out


def _numbers(sheet: str, frame: pd.DataFrame, key: str, header: str) -> pd.Series:
    """Floats; blank -> NaN. Text that reads as a number ("303", "4.0%") is accepted."""
    raw = frame[key]
    if raw.empty:
        return pd.Series([], dtype=float)
    blank = raw.isna()
    # TRUE/FALSE hash like 1/0, so booleans are found by type (set(map(type, ...)) runs in C).
    flags = raw.map(lambda v: isinstance(v, bool)) if bool in set(map(type, raw)) else pd.Series(False, raw.index)
    _fail(sheet, frame, flags, header, "a number", key)
    values = pd.to_numeric(raw.where(~blank), errors="coerce").astype(float)
    bad = ~blank & values.isna()
    if bad.any():
        percent = raw[bad].astype(str).str.strip()
        is_percent = percent.str.endswith("%")
        parsed = pd.to_numeric(percent[is_percent].str.rstrip("%"), errors="coerce") / 100
        values.loc[parsed.index] = parsed
        _fail(sheet, frame, ~blank & values.isna(), header, "a number", key)
    _fail(sheet, frame, np.isinf(values), header, "a finite number", key)
    return values


def _months(sheet: str, frame: pd.DataFrame, key: str, header: str, required: bool = True) -> pd.Series:
    """Month indices (float, NaN for blank where allowed)."""
    if required:
        _fail(sheet, frame, frame[key].isna(), header, f"a month ({months.ACCEPTED})")
    try:
        parsed = months.parse_many(frame[key].to_numpy())
    except months.NotAMonth as error:
        raise InputError(sheet, error.expected, row=int(frame["_row"].iloc[error.index]), column=header,
                         got=frame[key].iloc[error.index]) from None
    return pd.Series(parsed, index=frame.index)


def _choices(sheet: str, frame: pd.DataFrame, key: str, header: str, allowed: tuple[str, ...],
             default: str | None) -> pd.Series:
    text = _text(frame, key).str.lower()
    if default is not None:
        text = text.where(text != "", default)
    expected = "one of " + ", ".join(allowed)
    _fail(sheet, frame, ~text.isin(allowed), header, expected, key)
    return text


def _coded(sheet: str, frame: pd.DataFrame, key: str) -> pd.Series:
    """A coded Targets column, checked against its declared choices (blank: its default)."""
    coded = schema_column(TARGETS, key)
    return _choices(sheet, frame, key, coded.header, coded.choices, coded.default)


# --- sheets ----------------------------------------------------------------------------


def _settings(sheets, notes: list[str]) -> Settings:
    """The Settings sheet, read and validated by each setting's own declaration (xl_pib.settings)."""
    name, rows = _find(sheets, SETTINGS)
    frame = _table(name, rows, SETTINGS, notes)
    keys = _text(frame, "setting").str.lower()
    _fail(name, frame, (keys != "") & keys.duplicated(), "Setting", "each setting once (this one is repeated)",
          "setting")
    found = {k: (frame["value"].iloc[i], int(frame["_row"].iloc[i])) for i, k in enumerate(keys) if k}
    specs = Settings.specs()
    known = {spec.key for spec in specs}
    unknown = [(k, row) for k, (_, row) in found.items() if k not in known]
    if unknown:
        notes.append(f"{name}: " + "; ".join(f"row {row}: unknown setting '{k}' ignored" for k, row in unknown) +
                     " (the settings are " + ", ".join(spec.label for spec in specs) + ")")
    values = {}
    for spec in specs:
        value, row = found.get(spec.key, (None, None))
        try:
            values[spec.name] = spec.read(value)
        except months.NotAMonth as error:
            raise InputError(name, error.expected, row=row, column="Value", got=value) from None
        except OptionError as error:
            # Option messages are sentences ("Trend window must be ..."); they follow "expected" as a reason.
            raise InputError(name, f"a valid {spec.label} setting ({error})", row=row, column="Value") from None
        if values[spec.name] is None and spec.required:
            where = {"row": row, "column": "Value"} if row else {"column": "Setting"}
            raise InputError(name, f"a '{spec.label}' setting", **where)
    return Settings(**values)


_RESERVED_SHEETS = {"executive summary", "appendices", "metadata", "results", "chart data", "xlwings.conf",
                    *(sheet.name.lower() for sheet in INPUT_SHEETS)}


def _invalid_section(section: str) -> str | None:
    """Why a Section cannot be a sheet name, or None if it can."""
    if len(section) > 31 or any(ch in section for ch in ":\\/?*[]") or section.strip().lower() in _RESERVED_SHEETS:
        return section
    return None


def _targets(sheets, notes: list[str]) -> pd.DataFrame:
    name, rows = _find(sheets, TARGETS)
    frame = _table(name, rows, TARGETS, notes)
    out = pd.DataFrame({"_row": frame["_row"]})
    out["indicator"] = _text(frame, "indicator")
    _fail(name, frame, out["indicator"] == "", "Indicator", "an indicator id")
    _fail(name, frame, out["indicator"].duplicated(), "Indicator", "a unique indicator id", "indicator")
    for key, header in (("name", "Name"), ("section", "Section")):
        out[key] = _text(frame, key)
        _fail(name, frame, out[key] == "", header, f"a {header.lower()}")
    bad_sheet_name = out["section"].map(_invalid_section)
    _fail(name, frame, bad_sheet_name.notna(), "Section", "a section name that can be a sheet name "
          "(at most 31 characters, none of : \\ / ? * [ ], and not a name the bulletin uses itself)", "section")
    for key in ("measure", "direction"):
        out[key] = _coded(name, frame, key)
    out["baseline_period"] = _text(frame, "baseline_period")
    out["baseline_end"] = _months(name, frame, "baseline_end", "Baseline end")
    out["target_type"] = _coded(name, frame, "target_type")
    has_target = out["target_type"] != "none"
    against = ((out["direction"] == "up") & (out["target_type"] == "reduction_pct")) | \
              ((out["direction"] == "down") & (out["target_type"] == "increase_pct"))
    _fail(name, frame, against, "Target type", "a target type that agrees with the Direction (reduction_pct for "
          "'down', increase_pct for 'up')", "target_type")
    out["target_date"] = _months(name, frame, "target_date", "Target date", required=False)
    _fail(name, frame, has_target & out["target_date"].isna(), "Target date", f"a month ({months.ACCEPTED})")
    early = out["target_date"] < out["baseline_end"]
    _fail(name, frame, early, "Target date", "a month on or after the baseline end", "target_date")
    numeric = {"baseline": "Baseline", "target_amount": "Target amount", "target_value": "Target value",
               "rate_per": "Rate per", "population": "Population", "current_override": "Current override",
               "current_denominator": "Current denominator", "baseline_denominator": "Baseline denominator",
               "design_effect": "Design effect"}
    for key, header in numeric.items():
        out[key] = _numbers(name, frame, key, header)
    out["rate_per"] = out["rate_per"].fillna(schema_column(TARGETS, "rate_per").default)
    out["design_effect"] = out["design_effect"].fillna(schema_column(TARGETS, "design_effect").default)
    _fail(name, frame, options.POSITIVE.bad(out["design_effect"]), "Design effect",
          f"{options.POSITIVE.what} (1 for a simple random sample)", "design_effect")
    for key, header in numeric.items():
        _fail(name, frame, options.NON_NEGATIVE.bad(out[key]), header, options.NON_NEGATIVE.what, key)
    share = out["target_type"].isin(["reduction_pct", "increase_pct"]) & options.SHARE.bad(out["target_amount"])
    _fail(name, frame, share, "Target amount", options.SHARE.what, "target_amount")
    needs_amount = out["target_type"].isin(["reduction_pct", "increase_pct", "level"]) & out["target_value"].isna()
    _fail(name, frame, needs_amount & out["target_amount"].isna(), "Target amount",
          "a number (the reduction or increase as a fraction, or the level)")
    rate = out["measure"] == "rate"
    _fail(name, frame, rate & ~(out["population"] > 0), "Population", f"{options.POPULATION.what} for a rate measure",
          "population")
    _fail(name, frame, rate & options.PER.bad(out["rate_per"]), "Rate per", f"{options.PER.what} for a rate measure",
          "rate_per")
    percentage = out["measure"] == "percentage"
    level = out["target_type"] == "level"
    fractions = {"baseline": ("Baseline", percentage), "target_value": ("Target value", percentage),
                 "target_amount": ("Target amount", percentage & level),
                 "current_override": ("Current override", percentage)}
    for key, (header, applies) in fractions.items():
        _fail(name, frame, applies & options.FRACTION.bad(out[key]), header,
              f"{options.FRACTION.what} for a percentage measure", key)
    for key in ("target_note", "area", "unit", "target_period", "current_period", "commentary", "source"):
        out[key] = _text(frame, key)
    return out.reset_index(drop=True)


def _outcomes(sheets, known: set[str], notes: list[str]) -> pd.DataFrame:
    name, rows = _find(sheets, OUTCOMES)
    frame = _table(name, rows, OUTCOMES, notes)
    out = pd.DataFrame({"_row": frame["_row"]})
    for key in ("theme", "outcome", "description", "rag_override", "summary_override"):
        out[key] = _text(frame, key)
    _fail(name, frame, out["outcome"] == "", "Outcome", "an outcome code")
    override = out["rag_override"].map(_rag_override)
    _fail(name, frame, override.isna(), "RAG override",
          "blank, R, A or G (Red, Amber, Green), or a split rating such as A/R", "rag_override")
    out["rag_override"] = override
    ids = _text(frame, "indicators").map(lambda t: tuple(i.strip() for i in _SPLIT_IDS.split(t) if i.strip()))
    unknown = ids.map(lambda group: next((i for i in group if i not in known), None))
    if unknown.notna().any():
        first = int(np.flatnonzero(unknown.notna().to_numpy())[0])
        raise InputError(name, "indicator ids listed on the Targets sheet", row=int(frame["_row"].iloc[first]),
                         column="Indicators", got=unknown.iloc[first])
    out["indicators"] = ids
    return out.reset_index(drop=True)


_RAG_WORDS = {"r": labels.RED, "red": labels.RED, "a": labels.AMBER, "amber": labels.AMBER,
              "g": labels.GREEN, "green": labels.GREEN}


def _rag_override(text: str) -> str | None:
    """An analyst's RAG as the bulletin prints it ("green" -> "G", "Amber / Red" -> "A/R"); None if not a RAG.
    The seed bulletin splits a rating when an outcome's indicators disagree (O1c is "A/R")."""
    if not text:
        return ""
    parts = [_RAG_WORDS.get(part.strip().lower()) for part in text.split("/")]
    return None if None in parts or len(parts) > 2 else "/".join(parts)


def _data(sheets, targets: pd.DataFrame, latest: int, partnership: str, notes: list[str]) -> pd.DataFrame:
    name, rows = _find(sheets, DATA)
    frame = _table(name, rows, DATA, notes)
    out = _indicator_rows(name, frame, targets)
    out["month"] = _months(name, frame, "month", "Month")
    out["value"] = _numbers(name, frame, "value", "Value")
    out["denominator"] = _numbers(name, frame, "denominator", "Denominator")
    out["area"] = _text(frame, "area")
    same_area = out["area"].str.lower().where(out["area"] != "", partnership.lower())
    repeated = pd.DataFrame({"a": same_area, "i": out["indicator"], "m": out["month"]}).duplicated(keep="first")
    _fail(name, frame, repeated, "Month", "one row per indicator and month (this month is repeated)", "month")
    _fail(name, frame, options.NON_NEGATIVE.bad(out["value"]), "Value", options.NON_NEGATIVE.what, "value")
    measure = out["indicator"].map(dict(zip(targets["indicator"], targets["measure"])))
    is_pct = measure == "percentage"
    # Survey numerators may be weighted; counts of crimes and events are whole numbers.
    _fail(name, frame, ~is_pct & (out["value"] % 1 != 0) & out["value"].notna(), "Value",
          "a whole number for a count or rate measure (the number of events in the month)", "value")
    no_denominator = is_pct & out["value"].notna() & ~(out["denominator"] > 0)
    _fail(name, frame, no_denominator, "Denominator", f"{options.POSITIVE.what} for a percentage measure (the "
          "number asked or counted)", "denominator")
    _fail(name, frame, is_pct & (out["value"] > out["denominator"]), "Value",
          "a value no larger than its Denominator (the percentage would be above 100%)", "value")
    later = out["month"] > latest
    if later.any():
        notes.append(f"{name}: {int(later.sum())} rows after the latest month ({months.iso(latest)}) were ignored")
    keep = ~later & out["value"].notna()
    out = out[keep].astype({"month": int}).reset_index(drop=True)
    notes.extend(_gaps(name, out))
    return out


def _gaps(name: str, data: pd.DataFrame) -> list[str]:
    """A note per indicator whose months with data have holes: each is a gap, not a zero."""
    ordered = data[["indicator", "month"]].sort_values(["indicator", "month"], kind="stable")
    step = ordered.groupby("indicator", sort=False)["month"].diff()
    holes = ordered.assign(missing=step - 1)[step > 1]  # one row per gap, ending before its month
    out = []
    for indicator, gaps in holes.groupby("indicator", sort=False):
        missing = int(gaps["missing"].sum())
        first = [m for end, n in zip(gaps["month"], gaps["missing"]) for m in range(end - int(n), end)][:4]
        shown = ", ".join(map(months.iso, first)) + (f" and {missing - 4} more" if missing > 4 else "")
        out.append(f"{name}: {indicator} has no value for {missing} month{'s' if missing > 1 else ''} "
                   f"({shown}); treated as a gap, and measures that need those months say so")
    return out


def _msg(sheets, targets: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    found = _find(sheets, MSG)
    columns = ["_row", "indicator", "area", "count", "population", "source"]
    if found is None:
        return pd.DataFrame({c: [] for c in columns})
    name, rows = found
    frame = _table(name, rows, MSG, notes)
    out = _indicator_rows(name, frame, targets)
    out["area"] = _text(frame, "area")
    _fail(name, frame, out["area"] == "", "Area", "an area name")
    repeated = pd.DataFrame({"i": out["indicator"], "a": out["area"].str.lower()}).duplicated()
    _fail(name, frame, repeated, "Area", "one row per indicator and area (this area is repeated)", "area")
    for key, header in (("count", "Count"), ("population", "Population")):
        out[key] = _numbers(name, frame, key, header)
        _fail(name, frame, out[key].isna(), header, "a number")
    _fail(name, frame, ~(out["population"] > 0), "Population", options.POPULATION.what, "population")
    _fail(name, frame, options.NON_NEGATIVE.bad(out["count"]), "Count", options.NON_NEGATIVE.what, "count")
    out["source"] = _text(frame, "source")
    return out.reset_index(drop=True)


BREAK_COLUMNS = ["_row", "indicator", "month", "reason", "rebase", "status", "area"]


def _breaks(sheets, targets: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """The optional Breaks sheet: one row per break in a series (see :data:`xl_pib.inputs.schema.BREAKS`)."""
    found = _find(sheets, BREAKS)
    if found is None:
        return pd.DataFrame({c: pd.Series([], dtype=int if c in ("_row", "month") else object)
                             for c in BREAK_COLUMNS})
    name, rows = found
    frame = _table(name, rows, BREAKS, notes)
    out = _indicator_rows(name, frame, targets)
    out["month"] = _months(name, frame, "month", "Month").astype(int)
    out["reason"] = _text(frame, "reason")
    _fail(name, frame, out["reason"] == "", "Reason", "what changed (the bulletin prints it beside the chart)")
    rebase = schema_column(BREAKS, "rebase")
    out["rebase"] = _choices(name, frame, "rebase", rebase.header, rebase.choices, rebase.default)
    out["status"] = _text(frame, "status")
    out["area"] = _text(frame, "area")
    repeated = pd.DataFrame({"a": out["area"].str.lower(), "i": out["indicator"], "m": out["month"]}).duplicated()
    _fail(name, frame, repeated, "Month", "one row per indicator and month (this break is repeated)", "month")
    return out.reset_index(drop=True)


def parse_sheets(sheets: dict[str, list[list]], notes: list[str] | tuple[str, ...] = ()) -> Inputs:
    """Validate input sheets into :class:`Inputs`; raise :class:`InputError` on the first problem.

    ``notes`` (e.g. from reading merged cells) are kept with what validation
    notes itself (blank rows skipped, rows after the latest month, gaps);
    every face prints them as warnings.
    """
    notes = list(notes)
    settings = _settings(sheets, notes)
    targets = _targets(sheets, notes)
    outcomes = _outcomes(sheets, set(targets["indicator"]), notes)
    data = _data(sheets, targets, settings.latest_month, settings.partnership, notes)
    msg = _msg(sheets, targets, notes)
    breaks = _breaks(sheets, targets, notes)
    return Inputs(settings=settings, targets=targets, outcomes=outcomes, data=data, msg=msg, breaks=breaks,
                  sheets=dict(sheets), notes=tuple(notes))
