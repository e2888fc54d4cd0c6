"""Inputs that contradict each other, named before the bulletin prints them: the consistency checks.

Every ``build``, ``batch``, Refresh and ``ingest --into`` runs :func:`run` on
the assessed inputs. Each check is a small function over whole columns (every
Targets row at once) returning :class:`Finding`\\ s: the sheet, row and column
of the cell, the figure in it and the figure it contradicts, and the likely
fix. Findings are warnings: every face prints them with the others, the Refresh
status shows them, the Workings sheet lists them under "Checks" (never a
printed sheet), and ``--strict`` refuses to write a bulletin that has any.

The checks, and how each is silenced, are listed in :data:`CHECKS` (the
documentation's checks page is made from it, with the warning each check's
example gives on the demo).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np
import pandas as pd

from . import labels, months, wording
from .cells import cell_text
from .demo.edits import Edit
from .errors import cell_place
from .figures import SPEC, Figures
from .inputs.schema import DATA, MSG, OUTCOMES, SETTINGS, TARGETS, Sheet, column
from .measures import rolling, targets
from .measures.intervals import events
from .model import Inputs
from .settings import SPEC as SETTING
from .stack import own_areas, own_msg_rows

# A typed Baseline may differ from the Data's rolling 12 months by this share before it is named.
BASELINE_TOLERANCE = 0.01
# An MSG own row agrees with the Data when its count is within this share of the Data's rolling 12 months at
# the month assessed or one of the MSG_MONTHS - 1 before (MSG tables are published a month or two behind).
MSG_TOLERANCE, MSG_MONTHS = 0.01, 3
# How far an indicator's latest month may lag the median indicator's. Until the Targets sheet says which
# source each indicator comes from, one allowance for every source: a quarterly source reported a month after
# its quarter ends, the slowest a bulletin usually waits for (the seed bulletin's NI19 youth reoffending
# figures have "generally a four month lag").
USUAL_LAG = 4


@dataclass(frozen=True)
class Finding:
    """One contradiction, located: ``found`` is the cell's figure, ``against`` what contradicts it."""

    check: str
    sheet: str
    row: int | None
    column: str
    found: str
    against: str
    fix: str

    @property
    def place(self) -> str:
        return cell_place(self.sheet, self.row, self.column)

    @property
    def line(self) -> str:
        """The warning line every face prints."""
        return f"{self.place}: {self.found}, but {self.against}; likely fix: {self.fix}"


@dataclass(frozen=True)
class Context:
    """What the checks read: the inputs and what the engine made of them."""

    inputs: Inputs
    figures: Figures
    results: pd.DataFrame
    outcomes: pd.DataFrame
    month_axis: np.ndarray

    def sheet(self, spec: Sheet) -> str:
        """The input sheet's name as the workbook spells it."""
        return next((name for name in self.inputs.sheets if name.strip().lower() == spec.name.lower()), spec.name)

    @property
    def targets(self) -> pd.DataFrame:
        return self.inputs.targets

    def noted(self) -> np.ndarray:
        """Targets rows with a Target note: the analyst has said why their published figures differ."""
        return (self.targets["target_note"] != "").to_numpy()

    def shown(self, values, rows) -> list[str]:
        """Figures of some Targets rows as the bulletin prints them ("513", "0.59 per 100,000", "23.0%"). Only
        the few rows a check names are printed, so one call each beats pandas' set-up for a whole column."""
        measure, per = self.targets["measure"].to_numpy(dtype=object), self.targets["rate_per"].to_numpy(dtype=float)
        return [wording.figure(float(v), measure[i], per[i]) for v, i in zip(values, rows)]


def _header(sheet: Sheet, key: str) -> str:
    return column(sheet, key).header


# --- the checks -------------------------------------------------------------------------------------------


def target_values(ctx: Context) -> list[Finding]:
    """A typed Target value that is not what its Baseline, Target type and Amount give, as printed."""
    t, f = ctx.targets, ctx.figures
    computed = targets.target_value(f.baseline, t["target_type"], t["target_amount"], t["measure"])
    published = t["target_value"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        differs = np.abs(published - computed) > 1e-9  # NaN on either side: nothing to compare
    rows = np.flatnonzero(differs & targets.has_target(t["target_type"]) & ~ctx.noted())
    if not len(rows):
        return []
    given, made = ctx.shown(published[rows], rows), ctx.shown(computed[rows], rows)
    baseline = ctx.shown(np.asarray(f.baseline, dtype=float)[rows], rows)
    out = []
    for k, i in enumerate(rows):
        if given[k] == made[k]:
            continue  # the same figure once printed: the bulletin's own rounding
        kind, amount = t["target_type"].iloc[i], t["target_amount"].iloc[i]
        how = {"reduction_pct": f"the {amount:.1%} reduction from the Baseline {baseline[k]} gives {made[k]}",
               "increase_pct": f"the {amount:.1%} increase on the Baseline {baseline[k]} gives {made[k]}",
               "level": f"the Target amount is {made[k]}",
               "maintenance": f"maintaining the Baseline gives {made[k]}"}[kind]
        out.append(Finding("Target value", ctx.sheet(TARGETS), int(t["_row"].iloc[i]), _header(TARGETS, "target_value"),
                           f"{t['indicator'].iloc[i]}'s Target value {given[k]} is used", how,
                           f"clear the Target value to use {made[k]}, or type a Target note saying why the "
                           f"published target differs"))
    return out


def _baseline_from_data(ctx: Context) -> np.ndarray:
    """The engine's rolling 12-month figure at each Baseline end (NaN without 12 months of data to it)."""
    index = rolling.baseline_index(int(ctx.month_axis[0]), ctx.targets["baseline_end"].to_numpy(dtype=float))
    return rolling.at_index(ctx.figures.rolling, index)


def typed_baselines(ctx: Context) -> list[Finding]:
    """A typed Baseline more than 1% away from the rolling 12 months the Data give at Baseline end."""
    t = ctx.targets
    typed, data = t["baseline"].to_numpy(dtype=float), _baseline_from_data(ctx)
    with np.errstate(invalid="ignore", divide="ignore"):
        away = np.abs(typed - data) > BASELINE_TOLERANCE * np.abs(data)
    rows = np.flatnonzero(away & ~np.isnan(typed) & ~np.isnan(data) & ~ctx.noted())
    if not len(rows):
        return []
    given, made = ctx.shown(typed[rows], rows), ctx.shown(data[rows], rows)
    ends = months.labels(t["baseline_end"].to_numpy(dtype=float)[rows])
    return [Finding("Typed baseline", ctx.sheet(TARGETS), int(t["_row"].iloc[i]), _header(TARGETS, "baseline"),
                    f"{t['indicator'].iloc[i]}'s Baseline {given[k]} is typed",
                    f"the Data give {made[k]} for the 12 months to {ends[k]} (its Baseline end)",
                    "clear the Baseline to use the Data's, correct the Baseline end or the Data, or type a Target "
                    "note saying why the published baseline differs")
            for k, i in enumerate(rows)]


# The date a Baseline period label ends with: a month and year ("Sep 2008", "2008-09"), a financial year
# ("2007/08", "2008-09") or a run of years ("2004-2006"), or a year.
_LABEL_DATE = re.compile(r"(?<![\w/-])(?:(?P<name>[A-Za-z]{3,9}\.?\s*'?-?\s*\d{4})"
                         r"|(?P<first>\d{4})\s*(?P<sep>[/-])\s*(?P<second>\d{4}|\d{1,2})"
                         r"|(?P<year>\d{4}))(?![\w/])")


def label_ends(label: str) -> frozenset[int]:
    """The months a Baseline period label can end in (empty when it names no date), read from its last date:
    "2007/08" ends in March 2008; "2008-09" in September 2008 or March 2009; "Oct 2007 - Sep 2008" in
    September 2008; "2004-2006" in December 2006 (or March 2006); "2006" in December 2006 (or a financial year's
    March)."""
    found = list(_LABEL_DATE.finditer(label))
    if not found:
        return frozenset()
    last = found[-1]
    if last.group("name"):
        try:
            return frozenset({months.parse(last.group("name"))})
        except months.NotAMonth:
            return frozenset()
    if last.group("year"):
        year = int(last.group("year"))
        return frozenset({months.from_year_month(year, 12), months.from_year_month(year, 3),
                          months.from_year_month(year + 1, 3)})
    first, second = int(last.group("first")), last.group("second")
    ends = set()
    if len(second) == 4:
        ends |= {months.from_year_month(int(second), 12), months.from_year_month(int(second), 3)}
    elif int(second) == (first + 1) % 100 or (len(second) == 1 and int(second) == (first + 1) % 10):
        ends.add(months.from_year_month(first + 1, 3))  # a financial year, April to March
    if last.group("sep") == "-" and len(second) == 2 and 1 <= int(second) <= 12:
        ends.add(months.from_year_month(first, int(second)))  # an ISO month
    return frozenset(ends)


def period_label(end: int) -> str:
    """A Baseline period label for a Baseline end: the financial year it closes, or the 12 months to it."""
    year, index = divmod(int(end), 12)
    return f"{year - 1}/{year % 100:02d}" if index == 2 else f"12 months to {months.label(end)}"


def baseline_periods(ctx: Context) -> list[Finding]:
    """A Baseline period label whose dates do not end at Baseline end (2007/08 with an end of 2009-03)."""
    t = ctx.targets
    label, end = t["baseline_period"], t["baseline_end"].to_numpy(dtype=float)
    codes, distinct = pd.factorize(label)
    ends = [label_ends(text) for text in distinct]  # one parse per distinct label
    # (label, month) pairs as one integer each: a label's possible ends, and each row's own.
    width = months.LAST + 1
    said = np.array([c * width + m for c, found in enumerate(ends) for m in found], dtype=np.int64)
    dated = np.array([bool(found) for found in ends] + [False], dtype=bool)[codes]
    agrees = np.isin(codes.astype(np.int64) * width + np.nan_to_num(end, nan=0).astype(np.int64), said)
    wrong = dated & ~np.isnan(end) & ~agrees
    out = []
    for i in np.flatnonzero(wrong):
        said = sorted(ends[codes[i]])
        out.append(Finding("Baseline period", ctx.sheet(TARGETS), int(t["_row"].iloc[i]),
                           _header(TARGETS, "baseline_period"),
                           f"{t['indicator'].iloc[i]}'s Baseline period '{label.iloc[i]}' ends in "
                           f"{' or '.join(months.label(m) for m in said)}",
                           f"its Baseline end is {months.label(end[i])}",
                           f"make them agree: Baseline period '{period_label(end[i])}' for an end of "
                           f"{months.iso(end[i])}, or Baseline end {months.iso(said[-1])}"))
    return out


def msg_own_rows(ctx: Context) -> list[Finding]:
    """An indicator's MSG rows without its own area's row (the partnership's, or its Targets Area's)."""
    table = ctx.inputs.msg
    if table.empty:
        return []
    codes, indicators = pd.factorize(table["indicator"])
    missing = indicators[np.bincount(codes, weights=own_msg_rows(ctx.inputs), minlength=len(indicators)) == 0]
    wanted = dict(zip(ctx.targets["indicator"], own_areas(ctx.inputs)))
    out = []
    for indicator in missing:
        rows = table[table["indicator"] == indicator]
        names = rows["area"].tolist()
        close = difflib.get_close_matches(wanted[indicator].lower(), [n.lower() for n in names], n=1, cutoff=0.6)
        at = rows.iloc[[n.lower() for n in names].index(close[0])] if close else rows.iloc[0]
        named = f"'{at['area']}' is the nearest" if close else f"none of them is (the first is '{at['area']}')"
        by = "Targets Area" if wanted[indicator] != ctx.inputs.settings.partnership else "Partnership setting"
        out.append(Finding("MSG own row", ctx.sheet(MSG), int(at["_row"]), _header(MSG, "area"),
                           f"{indicator}'s {len(rows)} MSG rows have no row for {wanted[indicator]}: {named}",
                           f"the indicator's own row is the one named like the {by} ({wanted[indicator]})",
                           f"add {wanted[indicator]}'s row for {indicator}, or correct the Area name of its own row "
                           f"(rows for another partnership are a leftover from its workbook)"))
    return out


def msg_own_counts(ctx: Context) -> list[Finding]:
    """An MSG own row whose Count is not the Data's rolling 12 months (at the month assessed or just before)."""
    table = ctx.inputs.msg
    if table.empty:
        return []
    own = np.flatnonzero(own_msg_rows(ctx.inputs))
    index = pd.Index(ctx.targets["indicator"]).get_indexer(table["indicator"].iloc[own])
    f = ctx.figures
    measure, population, per = (ctx.targets[key].to_numpy(dtype=kind)[index][:, None] for key, kind in
                                (("measure", object), ("population", float), ("rate_per", float)))
    counted = measure[:, 0] != "percentage"
    last = np.asarray(f.assessed_month, dtype=float)[index] - ctx.month_axis[0]
    # The Data's 12-month counts at the month assessed and the MSG_MONTHS - 1 before: (own rows × months).
    at = np.where(np.isnan(last), -1, last).astype(int)[:, None] - np.arange(MSG_MONTHS)[None, :]
    figure = np.stack([rolling.at_index(np.asarray(f.rolling)[index], at[:, k]) for k in range(MSG_MONTHS)], 1)
    data = events(figure, measure, population, per, None)
    count = table["count"].to_numpy(dtype=float)[own]
    with np.errstate(invalid="ignore"):
        agrees = (np.abs(data - count[:, None]) <= MSG_TOLERANCE * data).any(axis=1)
    known = ~np.isnan(data[:, 0])
    out = []
    for k in np.flatnonzero(counted & known & ~agrees):
        row = table.iloc[own[k]]
        out.append(Finding("MSG own count", ctx.sheet(MSG), int(row["_row"]), _header(MSG, "count"),
                           f"{row['indicator']}'s MSG Count for {row['area']} is {count[k]:,.0f}",
                           f"the Data give {data[k, 0]:,.0f} for the 12 months to "
                           f"{months.label(ctx.month_axis[0] + at[k, 0])}",
                           "update the MSG sheet (its rows may be another area's, or an old period's), or check "
                           "the Data"))
    return out


@lru_cache(maxsize=1)
def demo_places() -> tuple[str, ...]:
    """The places the demo names: its partnership, its county and its most similar groups' areas."""
    from .demo import read_sheet

    settings = read_sheet("Settings")
    partnership = next(row[1] for row in settings[1:] if cell_text(row[0]).lower() == SETTING.partnership.key)
    areas = [cell_text(row[1]) for row in read_sheet("MSG")[1:]]
    return tuple(dict.fromkeys([cell_text(partnership), *areas]))


def _words(text: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(text)}(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=256)
def _others_pattern(known: tuple[str, ...], own: tuple[str, ...]) -> re.Pattern | None:
    """One pattern for every known place that is not one of ``own`` (nor a part of one, nor holding one: the
    partnership "Kettering CDRP" is the place Kettering), longest first; None if there are none. Bulletins of one
    batch share their MSG areas, so each set of places is compiled once."""
    others = [p for p in known if p and not any(_words(p).search(o) or _words(o).search(p) for o in own)]
    if not others:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in sorted(others, key=len, reverse=True))
                      + r")(?!\w)", re.IGNORECASE)


# The Targets and Outcomes columns whose text the bulletin prints (the Targets Area names an MSG row instead).
_PRINTED_TEXT = ((TARGETS, ("name", "section", "baseline_period", "unit", "target_period", "current_period",
                            "commentary", "target_note")),
                 (OUTCOMES, ("theme", "outcome", "description", "summary_override")))


def _text_cells(ctx: Context) -> tuple[list[tuple[str, int, str]], np.ndarray]:
    """Every text cell a bulletin prints from Settings, Targets and Outcomes: where each is (sheet, row,
    column), and its text. The Partnership setting names the partnership itself, so it is left out."""
    places, texts = [], []
    rows = ctx.inputs.sheets.get(ctx.sheet(SETTINGS), [])
    if rows:
        header = [cell_text(h).lower() for h in rows[0]]
        setting, value = (header.index(_header(SETTINGS, key).lower()) for key in ("setting", "value"))
        for number, row in enumerate(rows[1:], start=2):
            if len(row) > value and isinstance(row[value], str) and \
                    cell_text(row[setting]).lower() != SETTING.partnership.key:
                places.append((ctx.sheet(SETTINGS), number, header[value]))
                texts.append(row[value])
    for spec, keys in _PRINTED_TEXT:
        table = ctx.targets if spec is TARGETS else ctx.inputs.outcomes
        name, numbers = ctx.sheet(spec), table["_row"].tolist()
        for key in keys:
            header = _header(spec, key)
            places += [(name, number, header) for number in numbers]
            texts += table[key].tolist()
    return places, np.array(texts, dtype=object)


def other_places(ctx: Context) -> list[Finding]:
    """Text naming a place of the MSG sheet or the demo that is not the partnership (nor a Targets Area)."""
    partnership = ctx.inputs.settings.partnership
    own = (partnership, *(a for a in ctx.targets["area"].unique() if a))
    pattern = _others_pattern(tuple(dict.fromkeys([*ctx.inputs.msg["area"].unique(), *demo_places()])), own)
    if pattern is None:
        return []
    places, texts = _text_cells(ctx)
    codes, distinct = pd.factorize(texts)  # a text repeated down a column is searched once
    found = [list(dict.fromkeys(m.group(0) for m in pattern.finditer(text))) if isinstance(text, str) else []
             for text in distinct]
    out = []
    for k in np.flatnonzero(np.array([bool(f) for f in found] + [False], dtype=bool)[codes]):
        sheet, row, header = places[k]
        out.append(Finding("Another area named", sheet, int(row), header, f"it names {', '.join(found[codes[k]])}",
                           f"the partnership is {partnership}", "write the partnership's own name, or delete the "
                           "text: it may be left from another area's workbook"))
    return out


def _setting_row(ctx: Context, spec) -> int | None:
    rows = ctx.inputs.sheets.get(ctx.sheet(SETTINGS), [])
    header = [cell_text(h).lower() for h in rows[0]] if rows else []
    at = header.index(_header(SETTINGS, "setting").lower()) if _header(SETTINGS, "setting").lower() in header else 0
    return next((n for n, row in enumerate(rows[1:], start=2)
                 if len(row) > at and cell_text(row[at]).lower() == spec.key), None)


def targets_passed(ctx: Context) -> list[Finding]:
    """Every target's date before the Latest month: last plan's targets, still in this year's workbook."""
    t, latest = ctx.targets, ctx.inputs.settings.latest_month
    dated = targets.has_target(t["target_type"]) & t["target_date"].notna().to_numpy()
    dates = t["target_date"].to_numpy(dtype=float)[dated]
    if not len(dates) or dates.max() >= latest:
        return []
    last = int(np.flatnonzero(dated)[np.argmax(dates)])
    return [Finding("Target dates passed", ctx.sheet(SETTINGS), _setting_row(ctx, SETTING.latest_month),
                    _header(SETTINGS, "value"), f"the Latest month is {months.label(latest)}",
                    f"every target date is before it (the latest is {months.label(dates.max())}, "
                    f"{cell_place(ctx.sheet(TARGETS), int(t['_row'].iloc[last]))})",
                    "type the new plan's targets on the Targets sheet (Target date, Baseline end, Target amount), "
                    "or correct the Latest month")]


def lagging_data(ctx: Context) -> list[Finding]:
    """An indicator whose latest month lags the median indicator's by more than the usual lag."""
    assessed = np.asarray(ctx.figures.assessed_month, dtype=float)
    known = ~np.isnan(assessed)
    if known.sum() < 3:  # the median of one or two indicators says nothing about the others
        return []
    median = float(np.median(assessed[known]))
    with np.errstate(invalid="ignore"):
        behind = np.flatnonzero(median - assessed > USUAL_LAG)
    if not len(behind):
        return []
    data = ctx.inputs.data
    latest = data.loc[data.groupby("indicator", sort=False)["month"].idxmax(), ["indicator", "_row"]]
    row_of = dict(zip(latest["indicator"], latest["_row"]))
    t = ctx.targets
    return [Finding("Data behind", ctx.sheet(DATA), int(row_of[t["indicator"].iloc[i]]), _header(DATA, "month"),
                    f"{t['indicator'].iloc[i]}'s latest month is {months.label(assessed[i])}",
                    f"the median indicator's data run to {months.label(median)}, {int(median - assessed[i])} months "
                    f"later (more than the usual lag of {USUAL_LAG})",
                    f"add {t['indicator'].iloc[i]}'s missing months to the Data sheet, or check its Month cells")
            for i in behind]


def outcomes_without_ratings(ctx: Context) -> list[Finding]:
    """An outcome whose every indicator is rated N/A, and that has no RAG override."""
    table = ctx.inputs.outcomes
    rag = ctx.results[SPEC.rag.column].to_numpy(dtype=object)
    rated = set(ctx.targets["indicator"].to_numpy()[rag != labels.NA])
    groups = table["indicators"].tolist()
    listed = np.array([len(g) > 0 for g in groups], dtype=bool)
    unrated = np.array([rated.isdisjoint(g) for g in groups], dtype=bool)  # a set test per outcome
    rows = np.flatnonzero(listed & unrated & (table["rag_override"] == "").to_numpy())
    return [Finding("Outcome without ratings", ctx.sheet(OUTCOMES), int(table["_row"].iloc[i]),
                    _header(OUTCOMES, "indicators"),
                    f"{table['outcome'].iloc[i]}'s indicators ({', '.join(table['indicators'].iloc[i])}) are all "
                    f"rated N/A", "the outcome has no RAG override, so its rating is N/A",
                    "list indicators that have targets and enough data, or type a RAG override (and a Summary "
                    "override)")
            for i in rows]


# --- the list ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One consistency check: its name, what it compares, how to silence it, and a leftover it catches."""

    name: str
    run: Callable[[Context], list[Finding]]
    compares: str
    silence: str
    example: Edit


_AWI, _SAC = {"Indicator": "AWI"}, {"Indicator": "SAC"}
CHECKS: tuple[Check, ...] = (
    Check("Target value", target_values,
          "a typed *Target value* with the target its *Baseline*, *Target type* and *Target amount* give, as the "
          "bulletin prints them (whole crimes for counts; rates and percentages as printed)",
          "a *Target note* on the row, saying why the published target differs",
          Edit("Targets", _SAC, "Target value", 1250, "SAC's Target value typed as 1250")),
    Check("Typed baseline", typed_baselines,
          f"a typed *Baseline* with the rolling 12 months the Data give at *Baseline end* (more than "
          f"{BASELINE_TOLERANCE:.0%} apart)",
          "a *Target note* on the row, saying why the published baseline differs",
          Edit("Targets", {"Indicator": "VEH"}, "Baseline", 950, "VEH's Baseline typed as 950")),
    Check("Baseline period", baseline_periods,
          "the dates in a *Baseline period* label with *Baseline end* (`2007/08` ends in March 2008; "
          "`Oct 2007 - Sep 2008` in September 2008)",
          "a label that names no date (`countywide`) is not compared",
          Edit("Targets", _SAC, "Baseline period", "2008/09", "SAC's Baseline period changed to 2008/09")),
    Check("MSG own row", msg_own_rows,
          "each indicator's MSG rows with its own area: the *Partnership*, or its Targets *Area*",
          "none: add the row, or correct its name",
          Edit("MSG", {"Indicator": "SAC", "Area": "Kettering"}, "Area", "Ketering",
               "the SAC row for Kettering typed as Ketering")),
    Check("MSG own count", msg_own_counts,
          f"the own row's *Count* with the Data's rolling 12 months at the month assessed or the "
          f"{MSG_MONTHS - 1} months before (more than {MSG_TOLERANCE:.0%} apart); counts and rates",
          "none: update the MSG sheet or the Data",
          Edit("MSG", {"Indicator": "SAC", "Area": "Kettering"}, "Count", 1300,
               "Kettering's SAC Count changed to 1300")),
    Check("Another area named", other_places,
          "the text of Settings, Targets and Outcomes with the places of the MSG sheet and the demo (whole words, "
          "any case) that are not the partnership; a Targets *Area* (the county of a county target) counts as "
          "the partnership's own",
          "none: write the partnership's own name",
          Edit("Targets", {"Indicator": "VAP_TC"}, "Name",
               "Violence Against the Person in Wellingborough Town Centre", "VAP_TC's Name naming Wellingborough")),
    Check("Target dates passed", targets_passed,
          "the *Latest month* with every target's *Target date*: all of them before it",
          "none: type the new plan's targets, or correct the Latest month",
          Edit("Settings", {"Setting": "Latest month"}, "Value", "2011-06", "the Latest month moved to 2011-06")),
    Check("Data behind", lagging_data,
          f"each indicator's latest month with the median indicator's: more than {USUAL_LAG} months behind (a "
          f"quarterly source reported a month late, the slowest usual source)",
          "none: add the missing months",
          Edit("Data", {"Indicator": "NI19", "Month": "2009-07"}, "Value", None,
               "NI19's last month (2009-07) left blank, so its data end in June 2009, five months behind",
               names=({"Indicator": "NI19", "Month": "2009-06"}, "Month"))),
    Check("Outcome without ratings", outcomes_without_ratings,
          "each outcome's indicators with their RAG ratings: all N/A (monitoring indicators, or too little data)",
          "a *RAG override* on the outcome's row",
          Edit("Outcomes", {"Outcome": "V1b"}, "Indicators", "ALL_CRIME",
               "V1b's Indicators changed to ALL_CRIME, a monitoring indicator")),
)


def run(ctx: Context) -> tuple[Finding, ...]:
    """Every check's findings, in the order of :data:`CHECKS`."""
    return tuple(finding for check in CHECKS for finding in check.run(ctx))


__all__ = ["CHECKS", "Check", "Context", "Finding", "run", "label_ends", "USUAL_LAG"]
