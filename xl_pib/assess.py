"""Inputs -> Results: every bulletin measure for every indicator, in one vectorised pass.

:func:`assess_series` is the engine's whole-bulletin step on plain arrays
(indicators × months, any number of partnerships stacked as indicators);
:func:`assess` turns validated :class:`~xl_pib.model.Inputs` into those
arrays and back into the Results table, the outcome RAGs and the chart
series every face writes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import labels, months
from .measures import expected, intervals, msg, narrative, rag, rolling, series, targets, trajectory, trend
from .inputs.areas import check_one_area
from .model import Inputs
from .options import EXPECTED_METHODS, MEASURES, TARGET_TYPES, choice, choices

RESULTS_COLUMNS = (
    "Indicator", "Name", "Section", "Baseline", "Target", "Current", "Change from baseline",
    "Reduction required", "Trend sufficient", "Past month", "Comparative 12 months", "MSG distance",
    "MSG position", "Position", "RAG",
)

# An indicator's key figures (key, label): what the Performance Table is judged from.
# The Workings sheet shows them under these labels, and =PIB_PERFORMANCE_TABLE
# reads them back by label.
KEY_FIGURES = (
    ("indicator", "Indicator"), ("measure", "Measure"), ("direction", "Direction"),
    ("assessed_month", "Assessed month"), ("months_elapsed", "Months since baseline end (m)"),
    ("months_total", "Months in target period (N)"), ("months_to_target", "Months to target"),
    ("baseline", "Baseline"), ("target", "Target"), ("current", "Current"),
    ("change_from_baseline", "Change from baseline"), ("trend_target", "Trend target"),
    ("msg_count", "MSG own count"), ("msg_population", "MSG own population"),
    ("msg_group_count", "MSG group count"), ("msg_group_population", "MSG group population"),
    ("current_denominator", "Current denominator"), ("baseline_denominator", "Baseline denominator"),
    ("significant_change", "Significant change"),
)

# Months of unbroken data each measure needs (the window of the trend is a setting).
NEEDS_CURRENT = rolling.WINDOW
NEEDS_COMPARATIVE = 2 * rolling.WINDOW
NEEDS_PAST_MONTH = expected.BASE + 1


def _gather(values: np.ndarray, index: np.ndarray) -> np.ndarray:
    """values[i, index[i]] for every row, NaN where the index is off the axis."""
    inside = (index >= 0) & (index < values.shape[-1])
    picked = np.take_along_axis(values, np.where(inside, index, 0)[..., None].astype(int), axis=-1)[..., 0]
    return np.where(inside, picked, np.nan)


def judge(values, denominators, figures: dict, measure, direction, *, band=0.1, method="xmr", window=24,
          conf=0.95) -> dict[str, np.ndarray]:
    """The Performance Table's judgements from an indicator's key figures and its monthly series.

    ``values``/``denominators``: (S, T) monthly series aligned so the assessed
    month is last (denominators may be None when no series is a percentage).
    ``figures``: arrays of length S keyed like Workings — current, baseline,
    target, trend_target, months_elapsed, months_total, months_to_target and
    msg_count, msg_population, msg_group_count, msg_group_population.
    This is the one place the judgements are combined: the headless build
    (through :func:`assess_series`) and the live workbook's
    =PIB_PERFORMANCE_TABLE both come here.
    """
    v = series.as_series(values)
    kinds = np.broadcast_to(choices("measure", measure, MEASURES, "count"), v.shape[:-1])
    is_pct = kinds == "percentage"
    f = {k: np.asarray(x, dtype=float) for k, x in figures.items()}
    with_d = denominators is not None and bool(is_pct.any())
    with np.errstate(divide="ignore", invalid="ignore"):
        monthly = np.where(is_pct[:, None], v / denominators, v) if with_d else v
    comparative = rolling.comparative_12m(v)
    if with_d:
        comparative = np.where(is_pct, rolling.comparative_12m(v, denominators), comparative)
    status = expected.month_status(monthly, method)
    if choice("method", method, EXPECTED_METHODS, "xmr") == "poisson":
        status = np.where(is_pct, labels.NA, status).astype(object)
    trend_kinds = np.where(kinds == "rate", "count", kinds)
    out = {
        "change_from_baseline": rolling.change_from_baseline(f["current"], f["baseline"], kinds),
        "reduction_required": targets.reduction_required(f["current"], f["target"], kinds, direction),
        "trend_sufficient": trend.trend_sufficient(monthly, f["trend_target"], f["months_to_target"], trend_kinds,
                                                   direction, window),
        "comparative_12m": comparative,
        "past_month": status,
        "position": trajectory.position(f["current"], f["baseline"], f["target"], f["months_elapsed"],
                                        f["months_total"], band),
        "msg_distance": msg.msg_distance(f["msg_count"], f["msg_population"], f["msg_group_count"][..., None],
                                         f["msg_group_population"][..., None]),
        "msg_position": msg.msg_position(f["msg_count"], f["msg_population"], f["msg_group_count"][..., None],
                                         f["msg_group_population"][..., None], conf),
    }
    out["rag"] = rag.indicator_rag(out["position"], out["trend_sufficient"], direction)
    return out


def assess_series(values, denominators, first_month: int, *, measure, direction, baseline_end, baseline,
                  target_type, target_amount, target_value, target_date, rate_per, population,
                  current_override=None, current_denominator=None, baseline_denominator=None,
                  msg_count=None, msg_population=None, group_counts=None, group_populations=None,
                  band=0.1, method="xmr", window=24, conf=0.95, chart=True) -> dict[str, np.ndarray]:
    """Every measure for every series at once.

    ``values``/``denominators``: (S, T) monthly figures on the calendar months
    ``first_month`` … ``first_month + T − 1`` (NaN = no data). Each series is
    assessed at its own last month with data. Per-series arguments are arrays
    of length S (or scalars); ``group_*`` are (S, G) with NaN padding.
    Returns a dict of arrays: per-series results of shape (S,), and with
    ``chart`` the monthly chart series of shape (S, T).
    """
    v = series.as_series(values)
    s_count, t_count = v.shape
    per_series = lambda a, fill=np.nan: np.broadcast_to(np.asarray(fill if a is None else a, dtype=float), (s_count,))  # noqa: E731
    kinds = np.broadcast_to(choices("measure", measure, MEASURES, "count"), (s_count,))
    is_rate, is_pct = kinds == "rate", kinds == "percentage"
    pop, per = per_series(population), per_series(rate_per)
    base_end, tgt_date = per_series(baseline_end), per_series(target_date)

    # Denominators matter only for percentage measures; skip them entirely when there are none.
    with_d = denominators is not None and bool(is_pct.any())
    d = series.as_series(denominators) if with_d else None
    aligned, shift = series.align_right(v)
    aligned_d = series.shift_right(d, shift) if with_d else None
    has_data = ~np.isnan(v).all(axis=-1)
    last_index = np.where(has_data, t_count - 1 - shift, -1)
    assessed = np.where(has_data, first_month + last_index, np.nan)
    available = series.run_length(aligned)

    # Rolling 12-month figure in each measure's units, on the calendar axis.
    rolled = rolling.rolling_value(v, kinds, d, pop, per)
    current = _gather(rolled, last_index)
    override = per_series(current_override)
    current = np.where(np.isnan(override), current, override)
    base_given = per_series(baseline)
    base_index = np.where(np.isnan(base_end), -1, base_end - first_month).astype(int)
    base = np.where(np.isnan(base_given), _gather(rolled, base_index), base_given)

    computed_target = targets.target_value(base, target_type, per_series(target_amount), kinds)
    given_target = per_series(target_value)
    kind_of_target = np.broadcast_to(choices("target type", target_type, TARGET_TYPES, "none"), (s_count,))
    target = np.where(np.isnan(given_target), computed_target, given_target)
    target = np.where(kind_of_target == "none", np.nan, target)

    elapsed = assessed - base_end
    total = tgt_date - base_end
    to_target = tgt_date - assessed

    with np.errstate(divide="ignore", invalid="ignore"):
        # A rate target is a count target for the same population: the trend of
        # a rate is judged on its monthly counts against target · population / per.
        trend_target = np.where(is_rate, target * pop / per, target)

    out = {
        "assessed_month": assessed,
        "months_available": available,
        "baseline": base,
        "target": target,
        "current": current,
        "months_elapsed": elapsed,
        "months_total": total,
        "months_to_target": to_target,
        "trend_target": trend_target,
    }
    if msg_count is not None:
        gc, gp = np.asarray(group_counts, dtype=float), np.asarray(group_populations, dtype=float)
        out["msg_count"], out["msg_population"] = per_series(msg_count), per_series(msg_population)
        out["msg_group_count"] = np.where(np.isnan(gc).all(-1), np.nan, np.nansum(gc, axis=-1))
        out["msg_group_population"] = np.where(np.isnan(gp).all(-1), np.nan, np.nansum(gp, axis=-1))
    else:
        for key in ("msg_count", "msg_population", "msg_group_count", "msg_group_population"):
            out[key] = np.full(s_count, np.nan)
    out.update(judge(aligned, aligned_d, out, kinds, direction, band=band, method=method, window=window, conf=conf))

    # Significance of a percentage's change from its baseline (perception surveys).
    rolled_d = rolling.rolling12(d) if with_d else np.full((s_count, 1), np.nan)
    n_now = np.where(np.isnan(per_series(current_denominator)), _gather(rolled_d, last_index),
                     per_series(current_denominator))
    n_base = np.where(np.isnan(per_series(baseline_denominator)), _gather(rolled_d, base_index),
                      per_series(baseline_denominator))
    n_now, n_base = np.where(is_pct, n_now, np.nan), np.where(is_pct, n_base, np.nan)
    out["current_denominator"], out["baseline_denominator"] = n_now, n_base
    out["significant_change"] = np.where(
        is_pct, intervals.significant_change(current * n_now, n_now, base * n_base, n_base, conf), labels.NA)

    if chart:
        axis = first_month + np.arange(t_count)
        m_t = axis[None, :] - base_end[:, None]
        out["rolling"] = rolled
        out["trajectory"] = trajectory.trajectory(base[:, None], target[:, None], m_t, total[:, None])
        out["lower"], out["upper"] = trajectory.limits(base[:, None], target[:, None], m_t, total[:, None], band)
        # Codes, not labels: 10,000 series × 120 months of strings would dominate the run.
        codes = trajectory.position_code(rolled, base[:, None], target[:, None], m_t, total[:, None], band)
        # Before the baseline ends there is no trajectory to be on or off.
        out["monthly_position"] = np.where(m_t < 0, trajectory.UNKNOWN, codes).astype(np.int8)
        pct = np.full(v.shape, np.nan)
        above, below = pct.copy(), pct.copy()
        if with_d:
            rows = np.flatnonzero(is_pct)
            with np.errstate(divide="ignore", invalid="ignore"):
                pct[rows] = v[rows] / d[rows]
            lower, upper = intervals.wilson(v[rows], d[rows], conf)
            above[rows], below[rows] = upper - pct[rows], pct[rows] - lower
        out["monthly_percentage"], out["monthly_error_above"], out["monthly_error_below"] = pct, above, below
    return out


@dataclass(frozen=True)
class Assessment:
    """What every face writes: Results, per-indicator detail, outcomes and chart series."""

    inputs: Inputs
    results: pd.DataFrame          # exactly RESULTS_COLUMNS; "N/A" where a figure does not apply
    detail: pd.DataFrame           # one row per indicator: numbers and texts behind the blocks
    outcomes: pd.DataFrame         # theme, outcome, description, rag, summary, computed_rag, computed_summary
    month_axis: np.ndarray         # calendar months of the chart series
    charts: dict[str, np.ndarray]  # (indicators × months) arrays from assess_series
    warnings: tuple[str, ...]


def pivot(inputs: Inputs, axis: np.ndarray, column: str) -> np.ndarray:
    ids = inputs.targets["indicator"].to_numpy()
    grid = np.full((len(ids), len(axis)), np.nan)
    data = inputs.data
    if len(data):
        row = pd.Index(ids).get_indexer(data["indicator"])
        col = data["month"].to_numpy() - axis[0]
        grid[row, col] = data[column].to_numpy(dtype=float)
    return grid


def _msg_arrays(inputs: Inputs):
    """Own count/population and padded group arrays, one row per indicator."""
    targets_, table = inputs.targets, inputs.msg
    n = len(targets_)
    if table.empty:
        return None
    lower = np.vectorize(str.lower, otypes=[object])
    given = targets_["area"].to_numpy(dtype=object)
    own_area = lower(np.where(given != "", given, inputs.settings.partnership))
    row = pd.Index(targets_["indicator"]).get_indexer(table["indicator"])
    # Each MSG row's slot within its indicator's group, in sheet order (a stable sort, no groupby).
    order = np.argsort(row, kind="stable")
    starts = np.searchsorted(row[order], row[order], side="left")
    slot = np.empty(len(row), dtype=int)
    slot[order] = np.arange(len(row)) - starts
    size = int(slot.max()) + 1
    counts, pops = np.full((n, size), np.nan), np.full((n, size), np.nan)
    count, population = table["count"].to_numpy(dtype=float), table["population"].to_numpy(dtype=float)
    counts[row, slot], pops[row, slot] = count, population
    own = lower(table["area"].to_numpy(dtype=object)) == own_area[row]
    own_count, own_pop = np.full(n, np.nan), np.full(n, np.nan)
    own_count[row[own]], own_pop[row[own]] = count[own], population[own]
    return own_count, own_pop, counts, pops


def _reasons(out: dict, targets_: pd.DataFrame, window: int, partnership: str) -> list[list[str]]:
    """Why a measure shows N/A for lack of data, per indicator ("needs 24 months; 9 available")."""
    available = out["months_available"]
    has_target = targets_["target_type"].to_numpy() != "none"
    needs = [("Current position", NEEDS_CURRENT, np.isnan(targets_["current_override"].to_numpy())),
             ("Comparative 12 months", NEEDS_COMPARATIVE, np.ones(len(targets_), bool)),
             ("Trend sufficient", window, has_target),
             ("Past month", NEEDS_PAST_MONTH, np.ones(len(targets_), bool))]
    reasons = [[] for _ in range(len(targets_))]
    for name, months_needed, applies in needs:
        short = applies & (available < months_needed)
        for i in np.flatnonzero(short):
            reasons[i].append(f"{name} needs {months_needed} months; {int(available[i])} available")
    no_own_row = np.isnan(out["msg_count"]) & ~np.isnan(out["msg_group_count"])
    for i in np.flatnonzero(no_own_row):
        area = targets_["area"].iloc[i] or partnership
        reasons[i].append(f"MSG distance needs the MSG sheet to have a row for its own area '{area}'")
    zero_baseline = (out["baseline"] == 0) & (targets_["measure"].to_numpy() != "percentage")
    for i in np.flatnonzero(zero_baseline):
        reasons[i].append("Change from baseline needs a baseline above 0")
    no_baseline = np.isnan(out["baseline"]) & ~np.isnan(targets_["baseline_end"].to_numpy())
    for i in np.flatnonzero(no_baseline):
        reasons[i].append(f"Baseline needs 12 months of data to {months.iso(targets_['baseline_end'].iloc[i])}")
    return reasons


def _na(values) -> np.ndarray:
    """Numbers stay numbers; NaN becomes "N/A"."""
    arr = np.asarray(values, dtype=object)
    return np.where(pd.isna(arr), labels.NA, arr)


def _axis(inputs: Inputs) -> np.ndarray:
    """The bulletin's month axis: from the first month any measure needs to the latest target date."""
    s, t = inputs.settings, inputs.targets
    first = min(int(inputs.data["month"].min()) if len(inputs.data) else s.latest_month,
                int(np.nanmin(t["baseline_end"])) - rolling.WINDOW + 1 if len(t) else s.latest_month)
    # Chart series run on to the latest target date so trajectories can be drawn ahead.
    last_target = np.nanmax(t["target_date"]) if len(t) and t["target_date"].notna().any() else s.latest_month
    return months.axis(first, max(s.latest_month, int(last_target)))


# Targets columns handed to assess_series, one value per indicator.
_PER_SERIES = ("measure", "direction", "baseline_end", "baseline", "target_type", "target_amount", "target_value",
               "target_date", "rate_per", "population", "current_override", "current_denominator",
               "baseline_denominator")


def _engine_settings(inputs: Inputs) -> tuple:
    s = inputs.settings
    return s.band_fraction, s.expected_method, s.trend_window, s.confidence


def _stacked_pass(group: list[Inputs]) -> list[tuple[dict, np.ndarray]]:
    """One assess_series call for every indicator of every bulletin in ``group`` (same engine settings).

    Each bulletin's series are laid on a month axis covering all of them
    (NaN outside its own); its rows and its own months are cut back out
    afterwards, so a bulletin's figures do not depend on what it was stacked with.
    """
    axes = [_axis(inputs) for inputs in group]
    common = months.axis(min(int(a[0]) for a in axes), max(int(a[-1]) for a in axes))
    sizes = [len(inputs.targets) for inputs in group]
    msg_tables = [_msg_arrays(inputs) for inputs in group]
    width = max((m[2].shape[1] for m in msg_tables if m is not None), default=1)
    own_count, own_pop, group_counts, group_pops = [], [], [], []
    for n, found in zip(sizes, msg_tables):
        padded = np.full((2, n, width), np.nan)
        if found is not None:
            own_count.append(found[0]), own_pop.append(found[1])
            padded[0, :, :found[2].shape[1]], padded[1, :, :found[3].shape[1]] = found[2], found[3]
        else:
            own_count.append(np.full(n, np.nan)), own_pop.append(np.full(n, np.nan))
        group_counts.append(padded[0]), group_pops.append(padded[1])
    stack = lambda parts: np.concatenate(parts) if parts else np.array([])  # noqa: E731
    columns = {key: stack([inputs.targets[key].to_numpy() for inputs in group]) for key in _PER_SERIES}
    band, method, window, conf = _engine_settings(group[0])
    out = assess_series(
        np.concatenate([pivot(inputs, common, "value") for inputs in group]),
        np.concatenate([pivot(inputs, common, "denominator") for inputs in group]), int(common[0]),
        **columns, msg_count=stack(own_count), msg_population=stack(own_pop),
        group_counts=np.concatenate(group_counts), group_populations=np.concatenate(group_pops),
        band=band, method=method, window=window, conf=conf)
    parts, start = [], 0
    for n, axis in zip(sizes, axes):
        rows, months_ = slice(start, start + n), slice(int(axis[0] - common[0]), int(axis[-1] - common[0]) + 1)
        parts.append(({k: (v[rows] if np.ndim(v) == 1 else v[rows, months_]) for k, v in out.items()}, axis))
        start += n
    return parts


def assess_many(bulletins: list[Inputs]) -> list[Assessment]:
    """Assess several bulletins (partnerships) with one vectorised engine pass per set of engine settings.

    The engine works on (series × months) arrays, so the indicators of many
    partnerships cost one call, not one each; the Assessments returned, in
    the order given, are exactly what :func:`assess` gives for each alone.
    """
    for inputs in bulletins:
        check_one_area(inputs)
    by_settings: dict[tuple, list[int]] = {}
    for i, inputs in enumerate(bulletins):
        by_settings.setdefault(_engine_settings(inputs), []).append(i)
    done: list[Assessment | None] = [None] * len(bulletins)
    for members in by_settings.values():
        for i, (out, axis) in zip(members, _stacked_pass([bulletins[i] for i in members])):
            done[i] = _assessment(bulletins[i], out, axis)
    return done


def assess(inputs: Inputs) -> Assessment:
    """Every measure of one bulletin."""
    return assess_many([inputs])[0]


def _assessment(inputs: Inputs, out: dict, axis: np.ndarray) -> Assessment:
    s, t = inputs.settings, inputs.targets
    col = lambda key: t[key].to_numpy()  # noqa: E731
    has_target = col("target_type") != "none"
    sentences = np.where(
        has_target,
        narrative.narrative(col("name"), out["position"], out["trend_sufficient"], out["past_month"], col("direction")),
        narrative.monitoring(col("name"), out["comparative_12m"]))

    results = pd.DataFrame({
        "Indicator": col("indicator"), "Name": col("name"), "Section": col("section"),
        "Baseline": _na(out["baseline"]), "Target": _na(out["target"]), "Current": _na(out["current"]),
        "Change from baseline": _na(out["change_from_baseline"]),
        "Reduction required": _na(out["reduction_required"]),
        "Trend sufficient": out["trend_sufficient"], "Past month": out["past_month"],
        "Comparative 12 months": _na(out["comparative_12m"]), "MSG distance": _na(out["msg_distance"]),
        "MSG position": out["msg_position"], "Position": out["position"], "RAG": out["rag"],
    }, columns=list(RESULTS_COLUMNS))

    reasons = _reasons(out, t, s.trend_window, s.partnership)
    per_indicator = {k: v for k, v in out.items() if np.ndim(v) == 1}
    detail = pd.DataFrame(per_indicator)
    detail.insert(0, "indicator", col("indicator"))
    detail["narrative"] = sentences
    detail["reasons"] = reasons
    warnings = tuple(f"{i}: " + "; ".join(r) for i, r in zip(col("indicator"), reasons) if r)

    charts = {k: v for k, v in out.items() if np.ndim(v) == 2}
    outcomes = _assess_outcomes(inputs, results, sentences)
    return Assessment(inputs, results, detail, outcomes, axis, charts, warnings + tuple(inputs.notes))


def _assess_outcomes(inputs: Inputs, results: pd.DataFrame, sentences: np.ndarray) -> pd.DataFrame:
    table = inputs.outcomes
    position = {ind: i for i, ind in enumerate(results["Indicator"])}
    width = max((len(g) for g in table["indicators"]), default=0) or 1
    index = np.full((len(table), width), -1)
    for row, group in enumerate(table["indicators"]):
        index[row, :len(group)] = [position[i] for i in group]
    rags = np.where(index >= 0, results["RAG"].to_numpy(dtype=object)[index], "")
    computed_rag = rag.outcome_rag(rags, inputs.settings.outcome_rule) if len(table) else np.array([], dtype=object)
    summaries = [" ".join(sentences[position[i]] for i in group) if group else
                 "Unable to assess performance: no indicators are linked to this outcome." for group in table["indicators"]]
    out = table[["theme", "outcome", "description"]].copy()
    out["computed_rag"] = computed_rag
    out["computed_summary"] = summaries
    out["rag"] = np.where(table["rag_override"] != "", table["rag_override"], computed_rag)
    out["summary"] = np.where(table["summary_override"] != "", table["summary_override"], summaries)
    out["indicators"] = table["indicators"]
    return out.reset_index(drop=True)
