"""Excel functions for the Performance Improvement Bulletin (=PIB_...).

Load through xlwings: put ``pib_udfs`` in the *UDF Modules* setting (the
``xlwings.conf`` sheet or the xlwings ribbon) and click *Import Functions*.

Conventions, the same for every function:
- A cell gives one answer; a column (or row) of cells gives a column (or row)
  of answers from one call, which Excel spills. Single cells broadcast
  against ranges, so ``=PIB_RAG(F2:F31, G2:G31, "down")`` fills a column.
- Monthly values are read down a column (oldest first); several columns are
  several series. Blank cells after the last value are ignored, so a range
  may run past the data.
- Blank cells and "N/A" are missing values; a figure that does not apply is
  returned as "N/A".
- Bad input gives a one-line message in the cell, never a traceback.

Each function calls the engine in ``xl_pib.measures``; no arithmetic lives here.
"""

from __future__ import annotations

import functools
import types

import numpy as np
import xlwings as xw

from xl_pib import cells, formats, options
from xl_pib import months as calendar
from xl_pib.engine import Evaluation
from xl_pib import labels
from xl_pib import explain
from xl_pib.figures import BY_KEY, PERFORMANCE_TABLE, REGISTRY, WORKINGS, workings_reads
from xl_pib.figures import SPEC as FIGURE
from xl_pib.inputs.schema import TARGETS, column
from xl_pib.measures import (breaks, expected, intervals, msg, narrative, projection, rag, rolling, series, spc, targets,
                             trajectory, trend)
from xl_pib.options import (BAND, MONTHS, MONTHS_TOTAL, NON_NEGATIVE, PER, POISSON_COUNT, POPULATION, POSITIVE, SHARE,
                            check, check_not_above)
from xl_pib.settings import DEFAULT, SPEC

# A blank Rate per is a rate per 100,000 (the Targets column's declared default).
PER_DEFAULT = column(TARGETS, "rate_per").default
MEASURE_DEFAULT, DIRECTION_DEFAULT = "count", column(TARGETS, "direction").default

CATEGORY = "PIB"


def _excel_safe(func):
    """Turn any failure into a short message in the cell, naming the function."""

    @functools.wraps(func)
    def wrapper(*args):
        try:
            return func(*args)
        except Exception as error:  # noqa: BLE001 - a cell must never show a traceback
            return f"{func.__name__}: {error}"

    return wrapper


def _broadcast(**named):
    """Cells to arrays broadcast to one shape; scalars stay 0-d so the result is a scalar."""
    if all(cells.is_scalar(v) for v in named.values()):
        return {k: np.asarray(v) for k, v in named.items()}
    grids = {k: cells.grid(v) for k, v in named.items()}
    try:
        shape = np.broadcast_shapes(*(g.shape for g in grids.values()))
    except ValueError:
        # Single cells broadcast to anything: only the ranges that disagree are named.
        sizes = ", ".join(f"{k} {g.shape[0]}x{g.shape[1]}" for k, g in grids.items() if g.shape != (1, 1))
        raise ValueError(f"ranges must be the same size or single cells ({sizes})") from None
    return {k: np.broadcast_to(g, shape) for k, g in grids.items()}


def _numbers(named: dict, *names: str) -> list[np.ndarray]:
    return [cells.numbers_of(n, named[n]) if named[n].ndim else np.float64(cells.number_of(n, named[n].item()))
            for n in names]


def _texts(named: dict, *names: str) -> list[np.ndarray]:
    # The engine reads label cells as they come (None, NaN, text in any case).
    # One cell goes to the engine as the plain value the engine's own callers pass.
    return [np.asarray(named[n], dtype=object) if named[n].ndim else named[n].item() for n in names]


def _per_series(result, from_columns: bool):
    """One answer per series: a row under column series, a column beside row series."""
    result = np.asarray(result)
    if result.size == 1:
        return cells.scalar_or_grid(result.reshape(()))
    return cells.scalar_or_grid(result[None, :] if from_columns else result[:, None])


def _default(numbers: np.ndarray, default: float) -> np.ndarray:
    """A blank optional number cell means its default, as for every other optional setting."""
    return np.where(np.isnan(numbers), default, numbers)


def _each(name: str, value, count: int, kind: str = "number", default=None) -> np.ndarray:
    """An argument given once for all series, or once per series (a row or column of ``count`` cells)."""
    if value is None or cells.is_scalar(value):
        flat = np.array([value], dtype=object)
    else:
        flat = cells.grid(value).ravel()
    if flat.size not in (1, count):
        raise ValueError(f"{name}: give one value, or one per series ({count}); got {flat.size}")
    if kind == "text":
        out = flat
    elif kind == "month":
        out = _months_of(name, flat).ravel()
    else:
        out = cells.numbers_of(name, flat).ravel()
        if default is not None:
            out = np.where(np.isnan(out), default, out)
    return np.broadcast_to(out, (count,))


def _blank(value) -> bool:
    """An optional range left out: nothing, "", or a single blank cell (as Excel passes "" with ndim=2)."""
    if value is None or (cells.is_scalar(value) and (value == "" or value != value)):
        return True
    flat = cells.grid(value).ravel()
    return flat.size == 1 and (flat[0] is None or flat[0] == "")


def _single(value):
    """An optional setting given as one cell."""
    if cells.is_scalar(value):
        return value
    flat = cells.grid(value).ravel()
    if flat.size != 1:
        raise ValueError("expected a single cell for a setting")
    return flat[0]


def _conf(conf) -> float:
    """The confidence level argument: blank is the Confidence setting's default; 1 and 95 are errors."""
    return options.confidence(_single(conf), DEFAULT.confidence, "conf")


def _band(band) -> float:
    value = _single(band)
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT.band_fraction
    return float(check("band", cells.number_of("band", value), BAND))


def _window(window) -> int:
    value = _single(window)
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT.trend_window
    return SPEC.trend_window.parse("window", value)


def _method(method) -> str:
    return options.choice("method", _single(method), options.EXPECTED_METHODS, DEFAULT.expected_method)


def _poisson_needs_counts(method: str, values) -> None:
    """The poisson band is a distribution of counts: percentages or rates given to it are an error."""
    if method == "poisson":
        check("values", values, POISSON_COUNT)


# Argument help shared by several functions, for Excel's function wizard.
_SHARED_HELP = {
    "baseline": "Baseline value (at the end of the baseline period).",
    "target": "Target value (at the target date).",
    "months_elapsed": "Months from the end of the baseline period to the month assessed (m).",
    "months_total": "Months from the end of the baseline period to the target date (N).",
    "band": f"Starting width of the limits as a share of the required change (default {DEFAULT.band_fraction}).",
    "months": "A column of months.",
    "values": "The monthly values beside them (several columns = several series).",
    "measure": '"count" (default), "rate" or "percentage". One, or one per series.',
    "denominators": "Monthly denominators, for percentage measures (same shape as values).",
    "population": "Population, for rate measures. One, or one per series.",
    "per": f"Rate per (default {PER_DEFAULT}), for rate measures. One, or one per series.",
}


def _shared_args(*names: str):
    """Attach the shared help (and 2-D ranges) to the named arguments."""
    def attach(func):
        for name in names:
            func = xw.arg(name, ndim=2, doc=_SHARED_HELP[name])(func)
        return func
    return attach


_trajectory_args = _shared_args("baseline", "target", "months_elapsed", "months_total")


# --- rolling 12 months --------------------------------------------------------


@xw.func(category=CATEGORY)
@xw.arg("values", ndim=2, doc="Monthly values, oldest first, down a column (several columns = several series).")
@_excel_safe
def PIB_ROLLING12(values):
    """Rolling 12-month totals of monthly values: the bulletin's count for each month. The first 11 months are blank. Example: =PIB_ROLLING12({5;5;5;5;5;5;5;5;5;5;5;5;6}) → 11 blanks, 60, 61"""
    s, from_columns = cells.series_of("values", values)
    totals = rolling.rolling12(check("values", s, NON_NEGATIVE))
    return cells.scalar_or_grid(totals.T if from_columns else totals, blank_nan=True)


@xw.func(category=CATEGORY)
@xw.arg("values", ndim=2, doc="Monthly values, oldest first; needs at least 24 months.")
@xw.arg("denominators", ndim=2, doc="Optional monthly denominators (percentage measures): compares pooled percentages.")
@_excel_safe
def PIB_COMPARATIVE_12M(values, denominators=None):
    """Comparative performance over the past 12 months: total of the last 12 months / total of the 12 before - 1. Example: =PIB_COMPARATIVE_12M({1;1;1;1;1;1;1;1;1;1;1;1;2;2;2;2;2;2;2;2;2;2;2;2}) → 100%"""
    s, from_columns = cells.series_of("values", values)
    aligned, shift = series.align_right(check("values", s, NON_NEGATIVE))
    d = _denominators(denominators, aligned, shift)
    return _per_series(rolling.comparative_12m(aligned, d), from_columns)


@xw.func(category=CATEGORY)
@xw.arg("values", ndim=2, doc="Monthly values, oldest first (several columns = several series).")
@_shared_args("measure", "denominators", "population", "per")
@_excel_safe
def PIB_CURRENT(values, measure=MEASURE_DEFAULT, denominators=None, population=None, per=PER_DEFAULT):
    """The current position: the rolling 12-month figure at the last month with data, for each series. Example: =PIB_CURRENT({1;2;3;4;5;6;7;8;9;10;11;12}) → 78"""
    s, from_columns = cells.series_of("values", values)
    aligned, shift = series.align_right(check("values", s, NON_NEGATIVE))
    n = len(s)
    d = _denominators(denominators, aligned, shift)
    kinds, population, per = _rate_arguments(measure, population, per, n)
    return _per_series(rolling.current(aligned, kinds, d, population, per), from_columns)


def _rate_arguments(measure, population, per, n: int):
    """measure, population and per, one per series, checked: a rate needs a population and a per above 0."""
    kinds = options.choices("measure", _each("measure", measure, n, "text"), options.MEASURES, MEASURE_DEFAULT)
    population = check("population", _each("population", population, n), POPULATION)
    per = check("per", _each("per", per, n, default=PER_DEFAULT), PER)
    is_rate = kinds == "rate"
    if np.any(is_rate & np.isnan(population)):
        raise ValueError(f"population: expected {POPULATION.what} for a rate measure; got a blank")
    return kinds, population, per


def _denominators(denominators, values, shift):
    """Optional denominators laid out like the values, aligned the same way (None when not given);
    each month's value must be no larger than its denominator."""
    if _blank(denominators):
        return None
    d, _ = cells.series_of("denominators", denominators)
    if d.shape != values.shape:
        raise ValueError(f"denominators must be the same size as values ({d.shape[1]} months x {d.shape[0]} series "
                         f"given for {values.shape[1]} x {values.shape[0]})")
    d = series.shift_right(check("denominators", d, POSITIVE), shift)
    check_not_above("values", values, "their denominators", d)
    return d


@xw.func(category=CATEGORY)
@xw.arg("current", ndim=2, doc="Current position (rolling 12 months, rate or percentage).")
@xw.arg("baseline", ndim=2, doc="Baseline value, in the same units.")
@xw.arg("measure", ndim=2, doc='"count" (default), "rate" or "percentage" (percentage gives points).')
@xw.arg("break_month", ndim=2, doc="Optional: the month the series breaks (a change in recording; the Workings sheet's Break month).")
@xw.arg("baseline_end", ndim=2, doc="With break_month: the last month of the baseline period; N/A when the baseline's 12 months start before the break.")
@_excel_safe
def PIB_CHANGE_FROM_BASELINE(current, baseline, measure=MEASURE_DEFAULT, break_month=None, baseline_end=None):
    """Change from the baseline: current / baseline - 1; for percentages, current - baseline in percentage points. Example: =PIB_CHANGE_FROM_BASELINE(0.22,0.207,"percentage") → 1.3%"""
    a = _broadcast(current=current, baseline=baseline, measure=measure, break_month=break_month,
                   baseline_end=baseline_end)
    cur, base = (check(n, v, NON_NEGATIVE) for n, v in zip(("current", "baseline"), _numbers(a, "current", "baseline")))
    (kind,) = _texts(a, "measure")
    across = None
    if not _blank(break_month):
        if _blank(baseline_end):
            raise ValueError("give baseline_end with break_month: the change spans the break when the baseline's 12 "
                             "months start before it")
        across = breaks.across_baseline(_months_of("break_month", _na_blank(a["break_month"])),
                                        _months_of("baseline_end", a["baseline_end"])).reshape(np.shape(cur))
    return cells.scalar_or_grid(rolling.change_from_baseline(cur, base, kind, across))


# --- building blocks for workbooks --------------------------------------------


def _na_blank(value):
    """Cells where "N/A" (a figure that does not apply, e.g. no Break month) reads as blank."""
    grid = np.array(cells.grid(value), dtype=object)
    grid[options.normalise(grid) == labels.NA.lower()] = None
    return grid


def _months_of(name: str, value) -> np.ndarray:
    try:
        return calendar.parse_many(cells.grid(value))
    except calendar.NotAMonth as error:
        raise ValueError(f"{name}: {error}") from None


@xw.func(category=CATEGORY)
@xw.arg("months", ndim=2, doc="The month axis to fill (a column of months).")
@xw.arg("data_months", ndim=2, doc="The Month column of the Data sheet.")
@xw.arg("data_indicators", ndim=2, doc="The Indicator column of the Data sheet.")
@xw.arg("data_values", ndim=2, doc="The Value (or Denominator) column of the Data sheet.")
@xw.arg("indicator", ndim=2, doc="The indicator id to pick out, or a row of ids for one column each.")
@xw.arg("latest_month", doc="Optional last month to include (the Latest month setting); later months stay blank.")
@_excel_safe
def PIB_SERIES(months, data_months, data_indicators, data_values, indicator, latest_month=None):
    """Monthly values from the long Data sheet laid along a month axis: one column per indicator id, blank where there is no data. Example: =PIB_SERIES({"2009-10";"2009-11"},{"2009-11"},{"VEH"},{41},"VEH") → blank, 41"""
    axis = _months_of("months", months)
    ids = cells.texts_of(data_indicators).ravel()
    data_m = _months_of("data_months", data_months).ravel()
    values = cells.numbers_of("data_values", data_values).ravel()
    if not (len(ids) == len(data_m) == len(values)):
        raise ValueError("the Data columns must be the same length")
    if latest_month not in (None, ""):
        data_m = np.where(data_m <= _months_of("latest_month", _single(latest_month)).item(), data_m, np.nan)
    wanted = np.char.strip(cells.texts_of(indicator).ravel().astype(str)).astype(object)
    ids = np.char.strip(ids.astype(str)).astype(object)
    return cells.scalar_or_grid(series.on_axis(axis, data_m, ids, values, wanted), blank_nan=True)


def _axis_and_series(months, values) -> tuple[np.ndarray, np.ndarray, bool]:
    axis = _months_of("months", months).ravel()
    s, from_columns = cells.series_of("values", values)
    if s.shape[-1] != axis.size:
        raise ValueError(f"months ({axis.size}) and values ({s.shape[-1]} per series) must match")
    return axis, s, from_columns


@xw.func(category=CATEGORY)
@_shared_args("months", "values")
@_excel_safe
def PIB_LAST_MONTH(months, values):
    """The last month with a value: the month an indicator is assessed at, for each series. Format as a date. Example: =PIB_LAST_MONTH({"2009-10";"2009-11";"2009-12"},{41;38;""}) → 40118"""
    axis, s, from_columns = _axis_and_series(months, values)
    last = series.last_valid_index(s)
    found = np.where(last >= 0, axis[np.clip(last, 0, None)], np.nan) if axis.size else np.full(last.shape, np.nan)
    return _per_series(calendar.to_serials(found), from_columns)


@xw.func(category=CATEGORY)
@xw.arg("months", ndim=2, doc="The month axis (the Series sheet's months): breaks outside it are left out.")
@xw.arg("break_indicators", ndim=2, doc="The Indicator column of the Breaks sheet.")
@xw.arg("break_months", ndim=2, doc="The Month column of the Breaks sheet.")
@xw.arg("break_rebase", ndim=2, doc='The Rebase column of the Breaks sheet ("all" or blank: a break in recording; "chart": the SPC chart only).')
@xw.arg("break_areas", ndim=2, doc="The Area column of the Breaks sheet (blank: every area), or blank.")
@xw.arg("indicators", ndim=2, doc="The indicator ids to list the breaks of (the Targets sheet's Indicator column).")
@xw.arg("partnership", doc="The partnership (the Settings sheet's): rows for another Area are left out.")
@_excel_safe
def PIB_BREAKS(months, break_indicators, break_months, break_rebase, break_areas, indicators, partnership=""):
    """Each indicator's Breaks rows as one cell, oldest first: "2023-10; 2024-04 (chart)" (the Workings sheet's Breaks column). Example: =PIB_BREAKS({"2009-01";"2009-02";"2009-03"},{"VEH"},{"2009-02"},{""},"",{"VEH"}) → 2009-02"""
    axis = _months_of("months", months).ravel()
    ids = np.char.strip(cells.texts_of(indicators).ravel().astype(str)).astype(object)
    rows = {"break_indicators": break_indicators, "break_months": break_months, "break_rebase": break_rebase}
    grids = {name: cells.grid(value).ravel() for name, value in rows.items()}
    size = len(grids["break_indicators"])
    areas = np.full(size, "", dtype=object) if _blank(break_areas) else cells.grid(break_areas).ravel()
    if any(len(g) != size for g in (*grids.values(), areas)):
        raise ValueError("the Breaks columns must be ranges of the same rows")
    row_ids = np.char.strip(cells.texts_of(grids["break_indicators"]).ravel().astype(str)).astype(object)
    row_months = _months_of("break_months", grids["break_months"]).ravel()
    listed = breaks.listing_of_rows(axis[~np.isnan(axis)], ids, row_ids, row_months,
                                    cells.texts_of(grids["break_rebase"]).ravel(), cells.texts_of(areas).ravel(),
                                    "" if _single(partnership) is None else str(_single(partnership)))
    return cells.scalar_or_grid(listed.reshape(-1, 1), blank_nan=True)


@xw.func(category=CATEGORY)
@xw.arg("listed", ndim=2, doc='Breaks as PIB_BREAKS lists them ("2023-10; 2024-04 (chart)"), one cell per indicator.')
@xw.arg("assessed_month", ndim=2, doc="The month each indicator is assessed at (its last month with data).")
@_excel_safe
def PIB_LAST_BREAK(listed, assessed_month):
    """The latest break in recording at or before the month assessed: comparisons across it are N/A. Format as a date. Example: =PIB_LAST_BREAK("2008-04; 2009-01 (chart)","2009-11") → 39539"""
    a = _broadcast(listed=listed, assessed_month=assessed_month)
    at = _months_of("assessed_month", _na_blank(a["assessed_month"]))
    found = breaks.latest_listed(np.asarray(a["listed"], dtype=object).ravel(), at.ravel())
    return cells.scalar_or_grid(calendar.to_serials(found).reshape(np.shape(a["listed"])))


@xw.func(category=CATEGORY)
@xw.arg("start_month", ndim=2, doc="The earlier month (e.g. the end of the baseline period), or a column of them.")
@xw.arg("end_month", ndim=2, doc="The later month (e.g. the month assessed, or the target date), or a column of them.")
@_excel_safe
def PIB_MONTHS_BETWEEN(start_month, end_month):
    """Whole calendar months from one month to another: m or N of the target trajectory. Example: =PIB_MONTHS_BETWEEN("2008-03","2009-11") → 20"""
    a = _broadcast(start_month=start_month, end_month=end_month)
    start, end = _months_of("start_month", a["start_month"]), _months_of("end_month", a["end_month"])
    return cells.scalar_or_grid(calendar.between(start, end).reshape(np.shape(a["start_month"])))


@xw.func(category=CATEGORY)
@xw.arg("month", ndim=2, doc="The month to read the rolling 12-month figure at (e.g. the baseline end). One, or one per series.")
@_shared_args("months", "values", "measure", "denominators", "population", "per")
@_excel_safe
def PIB_ROLLING_AT(months, values, month, measure=MEASURE_DEFAULT, denominators=None, population=None,
                   per=PER_DEFAULT):
    """The rolling 12-month figure at a given month, e.g. the baseline at the end of the baseline period."""
    axis, s, from_columns = _axis_and_series(months, values)
    n = len(s)
    check("values", s, NON_NEGATIVE)
    d = _denominators(denominators, s, np.zeros(n, dtype=int))
    kinds, population, per = _rate_arguments(measure, population, per, n)
    rolled = rolling.rolling_value(s, kinds, d, population, per)
    index = series.index_on_axis(axis, _each("month", month, n, "month"))
    picked = np.where(index >= 0, rolled[np.arange(n), np.clip(index, 0, None)], np.nan)
    return _per_series(picked, from_columns)


# --- targets ------------------------------------------------------------------


@xw.func(category=CATEGORY)
@xw.arg("baseline", ndim=2, doc="Baseline value.")
@xw.arg("target_type", ndim=2, doc='"reduction_pct", "increase_pct", "level", "maintenance" or "none".')
@xw.arg("amount", ndim=2, doc="The reduction or increase as a fraction (0.04 for 4%), or the level.")
@xw.arg("measure", ndim=2, doc='Optional. "count" holds the target to whole crimes (303 less 4% gives 290); blank applies the formula exactly.')
@_excel_safe
def PIB_TARGET(baseline, target_type, amount, measure=None):
    """The target value: baseline x (1 - amount) for a reduction, x (1 + amount) for an increase, the amount for a level, the baseline for maintenance. Example: =PIB_TARGET(303,"reduction_pct",0.04,"count") → 290"""
    a = _broadcast(baseline=baseline, target_type=target_type, amount=amount, measure=measure)
    base, amt = _numbers(a, "baseline", "amount")
    kind, meas = _texts(a, "target_type", "measure")
    check("baseline", base, NON_NEGATIVE)
    kinds = options.choices("target_type", kind, options.TARGET_TYPES, "none")
    check("amount", np.where(np.isin(kinds, ("reduction_pct", "increase_pct")), amt, np.nan), SHARE)
    check("amount", amt, NON_NEGATIVE)
    return cells.scalar_or_grid(targets.target_value(base, kinds, amt, meas))


@xw.func(category=CATEGORY)
@xw.arg("current", ndim=2, doc="Current position.")
@xw.arg("target", ndim=2, doc="Target value.")
@xw.arg("measure", ndim=2, doc='"count" (default), "rate" or "percentage" (percentage gives points).')
@xw.arg("direction", ndim=2, doc='"down" (default) for a reduction target, "up" for an increase.')
@_excel_safe
def PIB_REDUCTION_REQUIRED(current, target, measure=MEASURE_DEFAULT, direction=DIRECTION_DEFAULT):
    """Reduction required from the current position to meet the target, as a share of the current position. N/A if the target is met. Examples: =PIB_REDUCTION_REQUIRED(358,290) → 19.0%; =PIB_REDUCTION_REQUIRED(18,10) → 44.4%"""
    a = _broadcast(current=current, target=target, measure=measure, direction=direction)
    cur, tgt = (check(n, v, NON_NEGATIVE) for n, v in zip(("current", "target"), _numbers(a, "current", "target")))
    kind, way = _texts(a, "measure", "direction")
    return cells.scalar_or_grid(targets.reduction_required(cur, tgt, kind, way))


# --- trajectory -----------------------------------------------------------------



@xw.func(category=CATEGORY)
@_trajectory_args
@_excel_safe
def PIB_TRAJECTORY(baseline, target, months_elapsed, months_total):
    """The target trajectory at month m: baseline + (target - baseline) x m / N, with m held between 0 and N. Example: =PIB_TRAJECTORY(303,290,20,36) → 295.8"""
    a = _broadcast(baseline=baseline, target=target, months_elapsed=months_elapsed, months_total=months_total)
    base, tgt, m, n = _trajectory_numbers(a)
    return cells.scalar_or_grid(trajectory.trajectory(base, tgt, m, n))


def _trajectory_numbers(a: dict) -> list:
    """baseline, target, m and N checked: figures of 0 or more, whole months within 50 years."""
    base, tgt, m, n = _numbers(a, "baseline", "target", "months_elapsed", "months_total")
    check("baseline", base, NON_NEGATIVE), check("target", tgt, NON_NEGATIVE)
    check("months_elapsed", m, MONTHS), check("months_total", n, MONTHS_TOTAL)
    return [base, tgt, m, n]


@xw.func(category=CATEGORY)
@_trajectory_args
@_shared_args("band")
@_excel_safe
def PIB_LIMITS(baseline, target, months_elapsed, months_total, band=DEFAULT.band_fraction):
    """Lower and upper limits around the trajectory, narrowing to zero at the target date. Returns two cells: lower, upper. Example: =PIB_LIMITS(303,290,20,36) → 295.2, 296.4"""
    a = _broadcast(baseline=baseline, target=target, months_elapsed=months_elapsed, months_total=months_total, band=band)
    base, tgt, m, n = _trajectory_numbers(a)
    (width,) = _numbers(a, "band")
    lower, upper = trajectory.limits(base, tgt, m, n, check("band", _default(width, DEFAULT.band_fraction), BAND))
    return cells.scalar_or_grid(np.stack([np.ravel(lower), np.ravel(upper)], axis=-1))


@xw.func(category=CATEGORY)
@xw.arg("value", ndim=2, doc="The figure to assess (e.g. the current rolling 12-month count).")
@_trajectory_args
@_shared_args("band")
@xw.arg("low", ndim=2, doc="Optional: the lower end of the figure's confidence interval (noise-aware: the whole interval is judged).")
@xw.arg("high", ndim=2, doc="Optional: the upper end of the figure's confidence interval.")
@_excel_safe
def PIB_POSITION(value, baseline, target, months_elapsed, months_total, band=DEFAULT.band_fraction, low=None,
                 high=None):
    """Position against the target trajectory: "Above Target", "On Target" or "Below Target". With the figure's interval (low, high), Above or Below only when the whole interval is. Example: =PIB_POSITION(358,303,290,20,36) → Above Target"""
    a = _broadcast(value=value, baseline=baseline, target=target, months_elapsed=months_elapsed,
                   months_total=months_total, band=band, low=low, high=high)
    base, tgt, m, n = _trajectory_numbers(a)
    val, width, lo, hi = _numbers(a, "value", "band", "low", "high")
    check("value", val, NON_NEGATIVE)
    width = check("band", _default(width, DEFAULT.band_fraction), BAND)
    if _blank(low) and _blank(high):
        return cells.scalar_or_grid(trajectory.position(val, base, tgt, m, n, width))
    check("low", lo, NON_NEGATIVE), check("high", hi, NON_NEGATIVE)
    check_not_above("low", lo, "value", val), check_not_above("value", val, "high", hi)
    return cells.scalar_or_grid(trajectory.judged_position(val, lo, hi, base, tgt, m, n, width, options.NOISE_AWARE))


# --- long-term trend and the past month -------------------------------------------

_METHOD_HELP = (f'Expected level method: "xmr" (NHS Making Data Count), "poisson" (counts only) or "trend"; '
                f'default "{DEFAULT.expected_method}".')


_TREND_METHODS = ("ols", "glm")  # the classic straight line, or the noise-aware projection model
_GLM_WINDOW = SPEC.trend_window.noise_aware_default


def _glm_window(window) -> int:
    """The trend model's window: blank is the noise-aware default (36 months, three of each calendar month)."""
    value = _single(window)
    if value is None or (isinstance(value, str) and not value.strip()):
        return _GLM_WINDOW
    return SPEC.trend_window.parse("window", value)


def _seasonal(seasonal) -> str:
    return options.choice("seasonal", _single(seasonal), options.SEASONAL, DEFAULT.seasonal)


def _per_series_numbers(name: str, value, count: int, rule) -> np.ndarray:
    """A number argument given once, or once per series, checked against ``rule``."""
    given = check(name, cells.numbers_of(name, value).ravel(), rule)
    if given.size not in (1, count):
        raise ValueError(f"{name}: give one value, or one per series ({count}); got {given.size}")
    return given


def _model_series(values, denominators, measure):
    """(series, denominators or None, measure, from_columns) for the projection model's functions."""
    s, from_columns = cells.series_of("values", values)
    check("values", s, NON_NEGATIVE)
    kind = options.choice("measure", _single(measure), options.MEASURES, MEASURE_DEFAULT)
    d = None
    if kind == "percentage":
        if _blank(denominators):
            raise ValueError("a percentage needs its monthly denominators (the numbers asked), same shape as values")
        d, _ = cells.series_of("denominators", denominators)
        if d.shape != s.shape:
            raise ValueError(f"denominators ({d.shape[1]} months) must be the same shape as values ({s.shape[1]})")
        check("denominators", d[~np.isnan(d)], POSITIVE)
        check_not_above("values", s, "denominators", d)
    return s, d, kind, from_columns


@xw.func(category=CATEGORY)
@xw.arg("values", ndim=2, doc="Monthly values, oldest first: counts, annualised rates, or percentages' numerators (with denominators).")
@xw.arg("target", ndim=2, doc="Target value (one per series).")
@xw.arg("months_to_target", ndim=2, doc="Months from the last month with data to the target date.")
@xw.arg("measure", doc='"count" (default: the projected year is summed), "rate" or "percentage" (averaged; glm pools numerators over denominators).')
@xw.arg("direction", doc='"down" (default) or "up".')
@xw.arg("window", doc=f"Months of history the trend is fitted to (blank: {DEFAULT.trend_window} for ols, {_GLM_WINDOW} for glm; at least 12).")
@xw.arg("method", doc='"ols" (default: the 2009 straight line, "Yes" or "No") or "glm" (the noise-aware trend model: "Yes" when P(target met) is 0.8 or more, "No" when 0.2 or less, else "Too close to call").')
@xw.arg("seasonal", doc='glm: month-of-year effects, "auto" (default: with 36 months or more), "on" or "none".')
@xw.arg("denominators", ndim=2, doc="glm, percentages: the monthly denominators, same shape as values.")
@_excel_safe
def PIB_TREND_SUFFICIENT(values, target, months_to_target, measure=MEASURE_DEFAULT, direction=DIRECTION_DEFAULT,
                         window=None, method="ols", seasonal=DEFAULT.seasonal, denominators=None):
    """Long-term trend sufficient: "Yes" if the trend projected to the target date meets the target. With "glm": from P(target met). Example: =PIB_TREND_SUFFICIENT({30;29;28;27;26;25;24;23;22;21;20;19},200,12,"count","down",12) → Yes"""
    kind = options.choice("method", _single(method), _TREND_METHODS, _TREND_METHODS[0])
    if kind == "glm":
        s, d, measure_, from_columns = _model_series(values, denominators, measure)
        tgt = _per_series_numbers("target", target, len(s), NON_NEGATIVE)
        horizon = _per_series_numbers("months_to_target", months_to_target, len(s), MONTHS)
        way = options.choice("direction", _single(direction), options.DIRECTIONS, DIRECTION_DEFAULT)
        return _per_series(projection.trend_sufficient(s, tgt, horizon, measure_, way, _glm_window(window),
                                                       _seasonal(seasonal), denominators=d), from_columns)
    s, from_columns = cells.series_of("values", values)
    aligned, _ = series.align_right(check("values", s, NON_NEGATIVE))
    tgt = _per_series_numbers("target", target, len(aligned), NON_NEGATIVE)
    horizon = _per_series_numbers("months_to_target", months_to_target, len(aligned), MONTHS)
    return _per_series(trend.trend_sufficient(aligned, tgt, horizon, _single(measure), _single(direction),
                                              _window(window)), from_columns)


@xw.func(category=CATEGORY)
@xw.arg("values", ndim=2, doc="Monthly values, oldest first: counts, annualised rates, or percentages' numerators (with denominators).")
@xw.arg("months_to_target", ndim=2, doc="Months from the last month with data to the target date (one, or one per series).")
@xw.arg("window", doc=f"Months the trend model is fitted to (default {_GLM_WINDOW}; at least 12).")
@xw.arg("seasonal", doc='Month-of-year effects: "auto" (default: with 36 months or more), "on" or "none".')
@xw.arg("measure", doc='"count" (default: a 12-month total), "rate" (a 12-month mean) or "percentage" (pooled, with denominators).')
@xw.arg("denominators", ndim=2, doc="Percentages: the monthly denominators, same shape as values.")
@_excel_safe
def PIB_PROJECTION(values, months_to_target, window=None, seasonal=DEFAULT.seasonal, measure=MEASURE_DEFAULT,
                   denominators=None):
    """Projected 12 months at the target date: five cells, projected, 80% low, 80% high, 95% low, 95% high. Example: =PIB_PROJECTION({30;29;28;27;26;25;24;23;22;21;20;19},12,12,"none") → 179.8, 128.0, 231.6, 100.6, 259.0"""
    s, d, measure_, _ = _model_series(values, denominators, measure)
    horizon = _per_series_numbers("months_to_target", months_to_target, len(s), MONTHS)
    return cells.scalar_or_grid(projection.projection_row(s, horizon, _glm_window(window), _seasonal(seasonal),
                                                          measure_, denominators=d))


@xw.func(category=CATEGORY)
@xw.arg("values", ndim=2, doc="Monthly values, oldest first: counts, annualised rates, or percentages' numerators (with denominators).")
@xw.arg("target", ndim=2, doc="Target value (one, or one per series).")
@xw.arg("months_to_target", ndim=2, doc="Months from the last month with data to the target date.")
@xw.arg("direction", doc='"down" (default: met at or below the target) or "up".')
@xw.arg("window", doc=f"Months the trend model is fitted to (default {_GLM_WINDOW}; at least 12).")
@xw.arg("seasonal", doc='Month-of-year effects: "auto" (default), "on" or "none".')
@xw.arg("measure", doc='"count" (default), "rate" or "percentage" (with denominators).')
@xw.arg("denominators", ndim=2, doc="Percentages: the monthly denominators, same shape as values.")
@_excel_safe
def PIB_TARGET_PROBABILITY(values, target, months_to_target, direction=DIRECTION_DEFAULT, window=None,
                           seasonal=DEFAULT.seasonal, measure=MEASURE_DEFAULT, denominators=None):
    """The probability that the projected 12 months meet the target (the trend model's normal approximation). Format as a percentage. Example: =PIB_TARGET_PROBABILITY({30;29;28;27;26;25;24;23;22;21;20;19},200,12,"down",12,"none") → 0.69"""
    s, d, measure_, from_columns = _model_series(values, denominators, measure)
    tgt = _per_series_numbers("target", target, len(s), NON_NEGATIVE)
    horizon = _per_series_numbers("months_to_target", months_to_target, len(s), MONTHS)
    way = options.choice("direction", _single(direction), options.DIRECTIONS, DIRECTION_DEFAULT)
    return _per_series(projection.target_probability(s, tgt, horizon, way, _glm_window(window), _seasonal(seasonal),
                                                     measure_, denominators=d), from_columns)


@xw.func(category=CATEGORY)
@xw.arg("values", ndim=2, doc="Monthly values, oldest first; the last is assessed against the 12 before it.")
@xw.arg("method", doc=_METHOD_HELP)
@_excel_safe
def PIB_EXPECTED_BAND(values, method=DEFAULT.expected_method):
    """Expected band for the last month from the 12 months before it. Returns three cells: lower, expected, upper. Example: =PIB_EXPECTED_BAND({9;11;9;11;9;11;9;11;9;11;9;11;30}) → 4.68, 10, 15.32"""
    s, _ = cells.series_of("values", values)
    aligned, _ = series.align_right(check("values", s, NON_NEGATIVE))
    kind = _method(method)
    _poisson_needs_counts(kind, aligned)
    lower, centre, upper = expected.expected_band(aligned, kind)
    return cells.scalar_or_grid(np.stack([lower, centre, upper], axis=-1))


_SPC = "spc"  # PIB_MONTH_STATUS's Making Data Count method, beside the Expected level methods


def _spc_chart(values, baseline_points, rebase, seasonal, denominators, direction=DIRECTION_DEFAULT):
    """(chart, last index, from_columns) of every series: NHSRplotthedots' XmR (or p-chart with denominators),
    on the unbroken months ending at each series' last value, seasonally adjusted when ``seasonal`` applies."""
    options.choice("direction", _single(direction), options.DIRECTIONS, DIRECTION_DEFAULT)
    s, from_columns = cells.series_of("values", values)
    check("values", s, NON_NEGATIVE)
    d = None
    if not _blank(denominators):
        d, _ = cells.series_of("denominators", denominators)
        if d.shape != s.shape:
            raise ValueError(f"denominators ({d.shape[1]} months) must be the same shape as values ({s.shape[1]})")
        check("denominators", d[~np.isnan(d)], POSITIVE)
        check_not_above("values", s, "denominators", d)
    r = None
    if not _blank(rebase):
        r, _ = cells.series_of("rebase", rebase)
        if r.shape[-1] != s.shape[-1] or r.shape[0] not in (1, s.shape[0]):
            raise ValueError(f"rebase must be a column of 0/1 beside the values ({s.shape[1]} months)")
        check("rebase", r[~np.isnan(r)], options.REBASE)
    kind = _seasonal(seasonal)
    if kind != "none" and d is None:
        fit = projection.fit(s, None, _GLM_WINDOW, kind)
        s = projection.seasonally_adjusted(fit, s, None)
    last = series.last_valid_index(s)
    chart = spc.chart(series.aligned_to(s, last), _single(baseline_points),
                      None if r is None else series.aligned_to(np.broadcast_to(r, s.shape), last),
                      None if d is None else series.aligned_to(d, last), None if d is None else "percentage")
    return chart, last, from_columns


@xw.func(category=CATEGORY)
@xw.arg("values", ndim=2, doc="Monthly values, oldest first, down a column (several columns = several series); percentages' numerators with denominators.")
@xw.arg("direction", doc='"down" (default) or "up": which way is an improvement (the states themselves say high or low).')
@xw.arg("baseline_points", doc="Months the mean and limits are fixed on, from the start of each period (default blank or 0: all months; otherwise at least 12).")
@xw.arg("rebase", ndim=2, doc="Optional: a column of 0/1 beside the values, 1 at the first month of a new period.")
@xw.arg("seasonal", doc='"none" (default), or "auto"/"on": counts divided by month-of-year factors fitted to the last 36 months first.')
@xw.arg("denominators", ndim=2, doc="Optional: monthly denominators, for a p-chart of percentages.")
@_excel_safe
def PIB_SPC(values, direction=DIRECTION_DEFAULT, baseline_points=None, rebase=None, seasonal="none",
            denominators=None):
    """Each month's state on a Making Data Count SPC chart, down a column. Example: =PIB_SPC({10;12;9;11;10;12;30}) → In Line, In Line, In Line, In Line, In Line, In Line, Above Expected Level"""
    chart, last, from_columns = _spc_chart(values, baseline_points, rebase, seasonal, denominators, direction)
    states = spc.month_states_on_axis(chart, last)
    return cells.scalar_or_grid(states.T if from_columns else states)


@xw.func(category=CATEGORY)
@xw.arg("values", ndim=2, doc="Monthly values, oldest first; the last is assessed against the 12 before it (spc: against the chart's limits).")
@xw.arg("method", doc=f'"xmr" (default: XmR limits of the 12 months before), "poisson" (counts only), "trend", or "spc" (a Making Data Count chart: limits fixed on its first months, four rules).')
@xw.arg("baseline_points", doc="spc: months the limits are fixed on (default blank or 0: all; otherwise at least 12).")
@xw.arg("rebase", ndim=2, doc="spc: optional column of 0/1 beside the values, 1 at the first month of a new period.")
@xw.arg("seasonal", doc='spc: "none" (default), "auto" or "on" (counts seasonally adjusted first).')
@xw.arg("denominators", ndim=2, doc="spc: optional monthly denominators (a p-chart).")
@_excel_safe
def PIB_MONTH_STATUS(values, method=DEFAULT.expected_method, baseline_points=None, rebase=None, seasonal="none",
                     denominators=None):
    """The past month: "Above Expected Level", "In Line" or "Below Expected Level". Examples: =PIB_MONTH_STATUS({9;11;9;11;9;11;9;11;9;11;9;11;30}) → Above Expected Level; =PIB_MONTH_STATUS({9;11;9;11;9;11;9;11;9;11;9;11;30},"spc") → Above Expected Level"""
    kind = options.choice("method", _single(method), (*options.EXPECTED_METHODS, _SPC), DEFAULT.expected_method)
    if kind == _SPC:
        chart, _, from_columns = _spc_chart(values, baseline_points, rebase, seasonal, denominators)
        return _per_series(chart.past_month(), from_columns)
    s, from_columns = cells.series_of("values", values)
    aligned, _ = series.align_right(check("values", s, NON_NEGATIVE))
    _poisson_needs_counts(kind, aligned)
    return _per_series(expected.month_status(aligned, kind), from_columns)


# --- most similar group -----------------------------------------------------------


@xw.func(category=CATEGORY)
@xw.arg("count", ndim=2, doc="The partnership's rolling 12-month count (or a column of areas' counts).")
@xw.arg("population", ndim=2, doc="The partnership's population.")
@xw.arg("group_counts", ndim=2, doc="Counts of every area in the most similar group, the partnership included.")
@xw.arg("group_populations", ndim=2, doc="Populations of the same areas.")
@_excel_safe
def PIB_MSG_DISTANCE(count, population, group_counts, group_populations):
    """Distance from the most similar group average: own rate / pooled group rate - 1. Example: =PIB_MSG_DISTANCE(100,1000,{100,200},{1000,1000}) → -33.3%"""
    own, pop, gc, gp = _msg_arguments(count, population, group_counts, group_populations)
    return cells.scalar_or_grid(msg.msg_distance(own, pop, gc, gp))


def _msg_arguments(count, population, group_counts, group_populations):
    """Own figures and the group's, checked: counts of 0 or more, populations above 0, ranges of one size,
    and the area's own (count, population) among the group's, which includes it."""
    a = _broadcast(count=count, population=population)
    own, pop = _numbers(a, "count", "population")
    check("count", own, NON_NEGATIVE), check("population", pop, POPULATION)
    gc = check("group_counts", cells.numbers_of("group_counts", group_counts).ravel(), NON_NEGATIVE)
    gp = check("group_populations", cells.numbers_of("group_populations", group_populations).ravel(), POPULATION)
    if gc.shape != gp.shape:
        raise ValueError(f"group_counts and group_populations must be the same size ({gc.size} and {gp.size} cells)")
    pairs = set(zip(gc.tolist(), gp.tolist()))
    missing = [(c, p) for c, p in zip(np.ravel(own).tolist(), np.ravel(pop).tolist())
               if c == c and p == p and (c, p) not in pairs]
    if missing:
        c, p = missing[0]
        raise ValueError(f"the group must include the area itself: no area of the group has count {c:g} and "
                         f"population {p:g}")
    return own, pop, gc, gp


@xw.func(category=CATEGORY)
@xw.arg("count", ndim=2, doc="The partnership's rolling 12-month count (or a column of areas' counts).")
@xw.arg("population", ndim=2, doc="The partnership's population.")
@xw.arg("group_counts", ndim=2, doc="Counts of every area in the most similar group, the partnership included.")
@xw.arg("group_populations", ndim=2, doc="Populations of the same areas.")
@xw.arg("conf", doc=f"Confidence level (default {DEFAULT.confidence}; 0.998 for 3-sigma limits).")
@xw.arg("method", doc='"poisson" (default: the count\'s own interval, as PHE) or "overdispersed" (a funnel widened by how much the group\'s areas differ, Spiegelhalter 2005).')
@_excel_safe
def PIB_MSG_POSITION(count, population, group_counts, group_populations, conf=DEFAULT.confidence,
                     method=options.MSG_METHODS[0]):
    """Position against the most similar group average: "Significantly Above", "In Line" or "Significantly Below". Example: =PIB_MSG_POSITION(150,1000,{150,100,110},{1000,1000,1000}) → Significantly Above"""
    own, pop, gc, gp = _msg_arguments(count, population, group_counts, group_populations)
    kind = options.choice("method", _single(method), options.MSG_METHODS, options.MSG_METHODS[0])
    if kind == options.MSG_METHODS[0]:
        return cells.scalar_or_grid(msg.msg_position(own, pop, gc, gp, _conf(conf)))
    tau2 = msg.between_area_variance(gc[None, :], gp[None, :])[0]
    return cells.scalar_or_grid(msg.overdispersed_position(own, pop, np.nansum(gc), np.nansum(gp), tau2, _conf(conf)))


@xw.func(category=CATEGORY)
@xw.arg("group_counts", ndim=2, doc="Counts of every area in the most similar group (or of every group: the MSG sheet's Count column).")
@xw.arg("group_populations", ndim=2, doc="Populations of the same areas.")
@xw.arg("group_indicators", ndim=2, doc="Optional: the indicator of each row (the MSG sheet's Indicator column), to pick out one group.")
@xw.arg("indicator", ndim=2, doc="With group_indicators: the indicator whose group to use, or a column of them (one answer each).")
@_excel_safe
def PIB_MSG_TAU2(group_counts, group_populations, group_indicators=None, indicator=None):
    """Between-area variance (tau squared) of a most similar group: how much its areas differ beyond chance (Spiegelhalter 2005), which widens the overdispersed funnel. Example: =PIB_MSG_TAU2({100,150,80,120},{1000,1000,1000,1000}) → 0.0092"""
    gc = check("group_counts", cells.numbers_of("group_counts", group_counts).ravel(), NON_NEGATIVE)
    gp = check("group_populations", cells.numbers_of("group_populations", group_populations).ravel(), POPULATION)
    if gc.shape != gp.shape:
        raise ValueError(f"group_counts and group_populations must be the same size ({gc.size} and {gp.size} cells)")
    if not _blank(group_indicators):
        ids = np.char.strip(cells.texts_of(group_indicators).ravel().astype(str))
        if ids.size != gc.size:
            raise ValueError(f"group_indicators must be as long as group_counts ({ids.size} and {gc.size} cells)")
        wanted = np.char.strip(cells.texts_of(indicator).astype(str))
        if wanted.ndim == 0 or wanted.size == 1:
            chosen = ids == str(wanted.ravel()[0])
            gc, gp = gc[chosen], gp[chosen]  # none: the indicator has no group, and τ² is N/A
        else:  # a column of indicators (the live Workings' one array formula): one τ² each
            tau2 = msg.between_area_variance_of(wanted.ravel(), ids, gc, gp)
            return cells.scalar_or_grid(tau2.reshape(wanted.shape))
    keep = ~(np.isnan(gc) | np.isnan(gp))
    return cells.scalar_or_grid(msg.between_area_variance(gc[keep][None, :], gp[keep][None, :])[0])


# --- confidence intervals ---------------------------------------------------------


_CONF_HELP = f"Confidence level (default {DEFAULT.confidence}; 0.998 for 3-sigma limits)."


@xw.func(category=CATEGORY)
@xw.arg("numerator", ndim=2, doc="Number of respondents (or events) with the characteristic.")
@xw.arg("denominator", ndim=2, doc="Number of respondents (or trials).")
@xw.arg("conf", doc=_CONF_HELP)
@_excel_safe
def PIB_CI_PROPORTION(numerator, denominator, conf=DEFAULT.confidence):
    """Wilson score confidence interval of a proportion. Returns two cells: lower, upper (as fractions). Example: =PIB_CI_PROPORTION(65,100) → 0.553, 0.736"""
    a = _broadcast(numerator=numerator, denominator=denominator)
    x, n = _proportion("numerator", "denominator", *_numbers(a, "numerator", "denominator"))
    lower, upper = intervals.wilson(x, n, _conf(conf))
    return cells.scalar_or_grid(np.stack([np.ravel(lower), np.ravel(upper)], axis=-1))


def _proportion(x_name: str, n_name: str, x, n):
    """A numerator of 0 or more within a denominator above 0."""
    check(x_name, x, NON_NEGATIVE), check(n_name, n, POSITIVE)
    check_not_above(x_name, x, n_name, n)
    return x, n


@xw.func(category=CATEGORY)
@xw.arg("count", ndim=2, doc="Number of events.")
@xw.arg("conf", doc=_CONF_HELP)
@_excel_safe
def PIB_CI_COUNT(count, conf=DEFAULT.confidence):
    """Confidence interval of a count: exact Poisson below 10 events, Byar's method from 10. Returns two cells: lower, upper. Example: =PIB_CI_COUNT(65) → 50.16, 82.85"""
    a = _broadcast(count=count)
    (x,) = _numbers(a, "count")
    lower, upper = intervals.count_interval(check("count", x, NON_NEGATIVE), _conf(conf))
    return cells.scalar_or_grid(np.stack([np.ravel(lower), np.ravel(upper)], axis=-1))


@xw.func(category=CATEGORY)
@xw.arg("count", ndim=2, doc="Number of events.")
@xw.arg("population", ndim=2, doc="Population.")
@xw.arg("per", doc=f"Rate per (default {PER_DEFAULT}).")
@xw.arg("conf", doc=_CONF_HELP)
@_excel_safe
def PIB_CI_RATE(count, population, per=PER_DEFAULT, conf=DEFAULT.confidence):
    """Confidence interval of a rate: the count's interval / population x per. Returns two cells: lower, upper. Example: =PIB_CI_RATE(5,100,100) → 1.62, 11.67"""
    a = _broadcast(count=count, population=population)
    x, pop = _numbers(a, "count", "population")
    check("count", x, NON_NEGATIVE), check("population", pop, POPULATION)
    scale = check("per", _default(cells.numbers_of("per", _single(per)), PER_DEFAULT).item(), PER)
    lower, upper = intervals.rate_interval(x, pop, scale, _conf(conf))
    return cells.scalar_or_grid(np.stack([np.ravel(lower), np.ravel(upper)], axis=-1))


@xw.func(category=CATEGORY)
@xw.arg("x1", ndim=2, doc="Numerator now (e.g. respondents perceiving a problem in the current survey).")
@xw.arg("n1", ndim=2, doc="Denominator now (respondents in the current survey).")
@xw.arg("x2", ndim=2, doc="Numerator at the baseline.")
@xw.arg("n2", ndim=2, doc="Denominator at the baseline.")
@xw.arg("conf", doc=_CONF_HELP)
@_excel_safe
def PIB_SIG_CHANGE(x1, n1, x2, n2, conf=DEFAULT.confidence):
    """Significant change between two proportions: "Yes" if Newcombe's interval for the difference excludes zero. Example: =PIB_SIG_CHANGE(163,1000,230,1000) → Yes"""
    a = _broadcast(x1=x1, n1=n1, x2=x2, n2=n2)
    x1, n1, x2, n2 = _numbers(a, "x1", "n1", "x2", "n2")
    _proportion("x1", "n1", x1, n1), _proportion("x2", "n2", x2, n2)
    return cells.scalar_or_grid(intervals.significant_change(x1, n1, x2, n2, _conf(conf)))


# --- the Performance Table -------------------------------------------------------

# Workings headers (and figure keys) -> figures, as =PIB_PERFORMANCE_TABLE reads an indicator's Workings row.
_WORKINGS_KEYS = {spec.workings.lower(): spec.key for spec in WORKINGS} | {spec.key: spec.key for spec in WORKINGS}
# The Workings figures the table's rows are computed from: their headers must be given.
_TABLE_READS = sorted(workings_reads(spec.key for spec in PERFORMANCE_TABLE))
_TABLE_ROWS = tuple(spec.key for spec in PERFORMANCE_TABLE)


def _workings_value(key: str, value):
    """A Workings cell as the engine reads it: labels as text, months (a date cell) as the engine's month
    numbers, figures as numbers (N/A and blanks -> NaN)."""
    spec = BY_KEY[key]
    if spec.number_format is None:
        return value
    if spec.number_format == formats.MONTH:
        return float(_months_of(spec.workings, _na_blank(value)).ravel()[0])
    return cells.number_of(key, value)


# Argument help shared by =PIB_PERFORMANCE_TABLE and =PIB_EXPLAIN (which read the same Workings rows).
_BAND_HELP = f"Starting width of the trajectory limits (default {DEFAULT.band_fraction})."
_WINDOW_HELP = f"Months the long-term trend is fitted to (default {DEFAULT.trend_window})."
_MINIMUM_EVENTS_HELP = f"Noise-aware: fewer events than this in 12 months gives no RAG (default {DEFAULT.minimum_events})."
_SEASONAL_HELP = 'Noise-aware: month-of-year effects in the trend model and SPC chart, "auto" (default), "on" or "none".'
_SPC_BASELINE_HELP = f"Noise-aware: months the SPC chart's limits are fixed on (default {DEFAULT.spc_baseline}; 0 for all)."


def _workings_evaluation(headers, figures, values, denominators, band, method, window, conf, judgements,
                         minimum_events, one: bool, seasonal=DEFAULT.seasonal, spc_baseline=DEFAULT.spc_baseline):
    """The engine's evaluation of indicators known from their Workings rows and monthly values, as
    =PIB_PERFORMANCE_TABLE (``one``: a single row, or column, of figures) and =PIB_EXPLAIN (one Workings row
    per indicator) read them, with one series of ``values`` each. Returns (evaluation, the figures given)."""
    names = [str(h).strip().lower() for h in cells.grid(headers).ravel()]
    grid = cells.grid(figures)
    if one:
        grid = grid.ravel()[None, :]
    elif grid.shape[1] != len(names):
        raise ValueError(f"figures must be Workings rows as wide as the headers ({len(names)} columns); got "
                         f"{grid.shape[1]}")
    count = grid.shape[0]
    found = [dict(zip(names, row)) for row in grid]
    given = {_WORKINGS_KEYS[n] for n in names if n in _WORKINGS_KEYS}
    missing = [BY_KEY[key].workings for key in _TABLE_READS if key not in given]
    if missing:
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        raise ValueError(f"headers must be the Workings sheet's header row: no {', '.join(missing[:3])}{more}")
    # Workings figures the headers lack are unknown, never recomputed here: the rows are all this call knows.
    known = {spec.key: np.full(count, np.nan) for spec in WORKINGS}
    for header in names:
        key = _WORKINGS_KEYS.get(header)
        if key is None:
            continue
        kind = object if BY_KEY[key].number_format is None else float
        known[key] = np.array([_workings_value(key, row[header]) for row in found], dtype=kind)
    s, _ = cells.series_of("values", values)
    if not one and s.shape[0] != count:
        raise ValueError(f"values must have one column of months per row of figures ({count}); got {s.shape[0]}")
    aligned, shift = series.align_right(check("values", s[:count], NON_NEGATIVE))
    known[FIGURE.aligned.key] = aligned
    known[FIGURE.aligned_denominators.key] = _denominators(denominators, aligned, shift)
    # The series as the engine's own: aligned to end at the month assessed, which fixes the calendar (that of
    # the first row whose month assessed is known: Workings rows of one bulletin share the month axis).
    known["values"], known["denominators"] = aligned, known[FIGURE.aligned_denominators.key]
    assessed = np.asarray(known[FIGURE.assessed_month.key], dtype=float)
    first = next((int(a) for a in assessed if a == a), None)
    months_count = aligned.shape[-1]
    known["first_month"] = None if first is None else first - (months_count - 1)
    listed = known.get(FIGURE.breaks_listed.key)
    if FIGURE.breaks_listed.key in given and first is not None:
        texts = ["" if not isinstance(t, str) else t for t in np.ravel(listed)]
        if any(t.strip() for t in texts):
            known["rebase"], known["recording_breaks"] = breaks.from_listing(texts, known["first_month"],
                                                                             months_count)
    known["break_reasons"] = {}
    kind = options.choice("judgements", _single(judgements), options.JUDGEMENTS, options.CLASSIC)
    settings = types.SimpleNamespace(
        band_fraction=_band(band), expected_method=_method(method), confidence=_conf(conf), judgements=kind,
        trend_window=_glm_window(window) if kind == options.NOISE_AWARE else _window(window),
        minimum_events=SPEC.minimum_events.read(_single(minimum_events)), seasonal=_seasonal(seasonal),
        spc_baseline=SPEC.spc_baseline.read(_single(spc_baseline)))
    measures = options.choices("measure", known[FIGURE.measure.key], options.MEASURES)
    if not (measures == "percentage").all():
        _poisson_needs_counts(settings.expected_method, aligned[measures != "percentage"])
    return Evaluation(known, settings), given


@xw.func(category=CATEGORY)
@xw.arg("headers", ndim=2, doc="The header row of the Workings sheet (Baseline, Target, Current, Months to target, ...).")
@xw.arg("figures", ndim=2, doc="The indicator's row of the Workings sheet, beside those headers.")
@xw.arg("values", ndim=2, doc="The indicator's monthly values, oldest first, down a column.")
@xw.arg("denominators", ndim=2, doc="Its monthly denominators, for percentage measures.")
@xw.arg("band", doc=_BAND_HELP)
@xw.arg("method", doc=_METHOD_HELP)
@xw.arg("window", doc=_WINDOW_HELP)
@xw.arg("conf", doc=f"Confidence level for the MSG position and significance (default {DEFAULT.confidence}).")
@xw.arg("rows", ndim=2, doc="Optional: which rows, e.g. \"reduction_required,trend_sufficient,rag\" (default: the bulletin's table).")
@xw.arg("judgements", doc='"classic" (default: the 2009 bulletin\'s methods) or "noise-aware" (intervals, overdispersed MSG funnels, no RAG on small numbers).')
@xw.arg("minimum_events", doc=_MINIMUM_EVENTS_HELP)
@xw.arg("seasonal", doc=_SEASONAL_HELP)
@xw.arg("spc_baseline", doc=_SPC_BASELINE_HELP)
@_excel_safe
def PIB_PERFORMANCE_TABLE(headers, figures, values, denominators=None, band=DEFAULT.band_fraction,
                          method=DEFAULT.expected_method, window=None, conf=DEFAULT.confidence,
                          rows=None, judgements=options.CLASSIC, minimum_events=DEFAULT.minimum_events,
                          seasonal=DEFAULT.seasonal, spc_baseline=DEFAULT.spc_baseline):
    """An indicator's whole Performance Table in one call, down a column: reduction required, trend, past month, comparative 12 months, MSG distance and position, position and RAG."""
    evaluation, given = _workings_evaluation(headers, figures, values, denominators, band, method, window, conf,
                                             judgements, minimum_events, one=True, seasonal=seasonal,
                                             spc_baseline=spc_baseline)
    wanted = _TABLE_ROWS
    if rows not in (None, ""):
        wanted = [r.strip().lower() for cell in cells.grid(rows).ravel() for r in str(cell).split(",") if r.strip()]
    unknown = [key for key in wanted if key not in _TABLE_ROWS and key not in given]
    if unknown:
        raise ValueError(f"unknown row '{unknown[0]}' (rows are the table's, {_TABLE_ROWS[0]} to {_TABLE_ROWS[-1]}, "
                         "or a Workings header)")
    answers = [evaluation.value(key)[0] for key in wanted]
    plain = [a.item() if isinstance(a, np.generic) else a for a in answers]  # a handful of cells
    return cells.scalar_or_grid(np.array(plain, dtype=object).reshape(-1, 1))


# What =PIB_EXPLAIN explains: the Why column, or one judgement by its key.
_EXPLAINED = tuple(spec.key for spec in REGISTRY if spec.explain is not None)
_WHY = explain.WHY_COLUMN.lower()


@xw.func(category=CATEGORY)
@xw.arg("headers", ndim=2, doc="The header row of the Workings sheet.")
@xw.arg("figures", ndim=2, doc="Indicators' rows of the Workings sheet, beside those headers (one or many).")
@xw.arg("values", ndim=2, doc="Their monthly values, oldest first: one column per row of figures.")
@xw.arg("denominators", ndim=2, doc="Their monthly denominators, for percentage measures (same shape as values).")
@xw.arg("band", doc=_BAND_HELP)
@xw.arg("method", doc=_METHOD_HELP)
@xw.arg("window", doc=_WINDOW_HELP)
@xw.arg("conf", doc=f"Confidence level (default {DEFAULT.confidence}).")
@xw.arg("explained", ndim=2, doc=f'Optional: "why" (default: the Results sheet\'s Why column) or the judgements to explain, e.g. "rag,position" ({", ".join(_EXPLAINED)}).')
@xw.arg("judgements", doc='"classic" (default) or "noise-aware".')
@xw.arg("minimum_events", doc=_MINIMUM_EVENTS_HELP)
@xw.arg("seasonal", doc=_SEASONAL_HELP)
@xw.arg("spc_baseline", doc=_SPC_BASELINE_HELP)
@_excel_safe
def PIB_EXPLAIN(headers, figures, values, denominators=None, band=DEFAULT.band_fraction, method=DEFAULT.expected_method,
                window=None, conf=DEFAULT.confidence, explained=None, judgements=options.CLASSIC,
                minimum_events=DEFAULT.minimum_events, seasonal=DEFAULT.seasonal, spc_baseline=DEFAULT.spc_baseline):
    """Why each judgement is what it is, built from the figures: one row per indicator, one column per judgement, e.g. "A: 358 is above the upper limit of 296.4 (trajectory 295.8 at month 20 of 36), but the trend is projected to meet the target: ..." """
    wanted = [_WHY]
    if not _blank(explained):
        wanted = [r.strip().lower() for cell in cells.grid(explained).ravel() for r in str(cell).split(",") if r.strip()]
    unknown = [key for key in wanted if key != _WHY and key not in _EXPLAINED]
    if unknown:
        raise ValueError(f"explained: unknown judgement '{unknown[0]}' (why, or one of {', '.join(_EXPLAINED)})")
    evaluation, _ = _workings_evaluation(headers, figures, values, denominators, band, method, window, conf,
                                         judgements, minimum_events, one=False, seasonal=seasonal,
                                         spc_baseline=spc_baseline)
    count = len(evaluation.value(FIGURE.measure.key))
    full, why = evaluation.explanations(count)
    answers = np.stack([why if key == _WHY else full[key] for key in wanted], axis=-1).astype(object)
    return cells.scalar_or_grid(answers.reshape(()) if answers.size == 1 else answers)


# --- RAG and narrative ----------------------------------------------------------

POSITIONS = (labels.ABOVE_TARGET, labels.ON_TARGET, labels.BELOW_TARGET)
TRENDS = (labels.YES, labels.NO, labels.TOO_CLOSE)
MONTH_STATUSES = (labels.ABOVE_EXPECTED, labels.IN_LINE, labels.BELOW_EXPECTED)


@functools.lru_cache(maxsize=None)
def _known(allowed: tuple[str, ...]) -> frozenset[str]:
    return frozenset(a.lower() for a in allowed) | {"", labels.NA.lower()}


def _labels(name: str, values, allowed: tuple[str, ...]):
    """Label cells as other =PIB_ functions return them (any case); blank and N/A mean not known."""
    known = _known(allowed)
    norm = options.normalise(values)
    if norm.ndim == 0:  # one cell: no list of distinct values to build (a scalar call stays cheap)
        strange = None if norm.item() in known else norm.item()
    else:
        # dict.fromkeys: the distinct values in order, so the message names the first bad cell.
        strange = next((v for v in dict.fromkeys(norm.ravel().tolist()) if v not in known), None)
    if strange is not None:
        shown = next(v for v in np.ravel(np.asarray(values, dtype=object)) if options.normalise(v).item() == strange)
        raise ValueError(f"{name} must be one of {', '.join(allowed)} (or blank, N/A); got {shown!r}")
    return values


def _distinct(*ranges):
    """Equal-shape label ranges as their distinct combinations of cells (in order of first appearance),
    and a function that spreads one answer per combination back to the ranges' shape.

    An elementwise engine function then runs over a dozen combinations instead of 10,000 cells, and a
    check of the distinct values sees every value the ranges hold (so its message names the first bad one).
    """
    import pandas as pd

    shape = np.shape(ranges[0])
    combo = np.zeros(int(np.prod(shape)), dtype=np.int64)
    factors = []
    for r in ranges:
        codes, uniques = pd.factorize(np.asarray(r, dtype=object).ravel(), use_na_sentinel=True)
        # Blank cells (None, NaN) have code -1: one more distinct value, the blank. Numbered again after
        # each range, the combinations stay below the cell count (no overflow however many values).
        combo = pd.factorize(combo * (len(uniques) + 1) + codes + 1)[0]
        factors.append((codes + 1, np.append(None, np.asarray(uniques, dtype=object))))
    first = np.unique(combo, return_index=True)[1]  # combinations are numbered in order of first appearance
    values = [uniques[codes[first]] for codes, uniques in factors]
    return values, lambda answers: np.asarray(answers, dtype=object)[combo].reshape(shape)


@xw.func(category=CATEGORY)
@xw.arg("position", ndim=2, doc='Position against the trajectory ("Above Target", "On Target", "Below Target").')
@xw.arg("trend_sufficient", ndim=2, doc='Long-term trend sufficient to meet target ("Yes", "No" or "Too close to call", which rates A).')
@xw.arg("direction", ndim=2, doc='"down" (default) for a reduction target, "up" for an increase.')
@_excel_safe
def PIB_RAG(position, trend_sufficient, direction=DIRECTION_DEFAULT):
    """RAG rating of an indicator: G if on course and the trend is sufficient, R if off course and it is not, A otherwise. Example: =PIB_RAG("Above Target","No") → R"""
    a = _broadcast(position=position, trend_sufficient=trend_sufficient, direction=direction)
    pos, trend_, way = _texts(a, "position", "trend_sufficient", "direction")
    if a["position"].ndim == 0:  # one cell: the plain scalar path (an attribute, not np.ndim: 3 us)
        _labels("position", pos, POSITIONS), _labels("trend_sufficient", trend_, TRENDS)
        return cells.scalar_or_grid(rag.indicator_rag(pos, trend_, way))
    # A range holds a handful of distinct label combinations: each is checked and rated once.
    (pos, trend_, way), spread = _distinct(pos, trend_, way)
    _labels("position", pos, POSITIONS), _labels("trend_sufficient", trend_, TRENDS)
    return cells.scalar_or_grid(spread(rag.indicator_rag(pos, trend_, way)))


@xw.func(category=CATEGORY)
@xw.arg("rags", ndim=2, doc="The RAG ratings of the outcome's indicators (blanks and N/A are ignored).")
@xw.arg("rule", doc=f'"worst" (R before A before G) or "majority" (ties go to the worse); default "{DEFAULT.outcome_rule}".')
@_excel_safe
def PIB_OUTCOME_RAG(rags, rule=DEFAULT.outcome_rule):
    """RAG rating of an outcome from its indicators' ratings. Examples: =PIB_OUTCOME_RAG({"G","R",""}) → R; =PIB_OUTCOME_RAG({"G","A","A"},"majority") → A"""
    flat = _labels("rags", cells.texts_of(rags).ravel(), labels.RAGS_WORST_FIRST)
    return cells.scalar_or_grid(rag.outcome_rag(flat[None, :], _single(rule))[0])


@xw.func(category=CATEGORY)
@xw.arg("name", ndim=2, doc="Indicator name as it should read in the sentence.")
@xw.arg("position", ndim=2, doc="Position against the trajectory.")
@xw.arg("trend_sufficient", ndim=2, doc='Long-term trend sufficient ("Yes"/"No").')
@xw.arg("month_status", ndim=2, doc="Performance over the past month.")
@xw.arg("direction", ndim=2, doc='"down" (default) or "up".')
@xw.arg("achieved", ndim=2, doc="Optional: the rolling 12-month figure at the target date, once the data reach it "
                                "(then the sentence says whether the target was met).")
@xw.arg("target", ndim=2, doc="Optional: the target value.")
@xw.arg("target_date", ndim=2, doc="Optional: the target date, named in the sentence.")
@xw.arg("measure", ndim=2, doc='"count" (default), "rate" or "percentage": how the figures are printed.')
@xw.arg("per", ndim=2, doc="For a rate: per how many people (default 100000).")
@_excel_safe
def PIB_NARRATIVE(name, position, trend_sufficient, month_status, direction=DIRECTION_DEFAULT, achieved=None,
                  target=None, target_date=None, measure=MEASURE_DEFAULT, per=PER_DEFAULT):
    """One-sentence summary of an indicator's performance, in the bulletin's words; given the figure achieved at the target date, the target and that date, whether the target was met and by how much."""
    a = _broadcast(name=name, position=position, trend_sufficient=trend_sufficient, month_status=month_status,
                   direction=direction, achieved=achieved, target=target, target_date=target_date, measure=measure,
                   per=per)
    texts = _texts(a, "name", "position", "trend_sufficient", "month_status", "direction")
    for arg, value, allowed in zip(("position", "trend_sufficient", "month_status"), texts[1:4],
                                   (POSITIONS, TRENDS, MONTH_STATUSES)):
        _labels(arg, value, allowed)
    said = narrative.narrative(*texts)
    if achieved is None and target is None and target_date is None:
        return cells.scalar_or_grid(said)
    got, tgt = (check(n, v, NON_NEGATIVE) for n, v in zip(("achieved", "target"), _numbers(a, "achieved", "target")))
    kind = options.choices("measure", _texts(a, "measure")[0], options.MEASURES, MEASURE_DEFAULT)
    (rate_per,) = _numbers(a, "per")
    rate_per = check("per", _default(rate_per, PER_DEFAULT), PER)
    date = _months_of("target_date", a["target_date"]).reshape(np.shape(a["target_date"]))
    reached = narrative.target_reached(texts[0], got, tgt, kind, texts[4], rate_per, texts[3], date)
    return cells.scalar_or_grid(np.where(reached != "", reached, said).astype(object))
