"""Rolling 12 months, the current position, comparative 12 months and change from baseline.

Counts in the bulletin are rolling 12-month totals: the figure for November
2009 is the sum of December 2008 to November 2009. Rates divide that total by
the population; percentages pool numerators and denominators over the same
12 months (sum of values / sum of denominators), which weights each month by
its sample size rather than averaging monthly percentages.
"""

from __future__ import annotations

import numpy as np

from ..options import MEASURES, choices
from .series import as_series, tail

WINDOW = 12


def rolling12(values) -> np.ndarray:
    """Rolling 12-month totals along the last axis.

    NaN for the first 11 months and for any window with a missing month, so a
    gap is never read as a month with no crime.
    """
    v = as_series(values)
    out = np.full(v.shape, np.nan)
    t = v.shape[-1]
    if t >= WINDOW:
        # Twelve whole-array adds (a loop over the window, not over months) beat a
        # strided sliding-window reduction several times over, and add in month order.
        total = v[..., : t - WINDOW + 1].copy()
        for k in range(1, WINDOW):
            total += v[..., k: t - WINDOW + 1 + k]
        out[..., WINDOW - 1:] = total
    return out


def rolling_value(values, measure="count", denominators=None, population=None, per=None) -> np.ndarray:
    """The rolling 12-month figure at every month, in the measure's own units.

    - count: Σ values
    - rate: Σ values / population · per
    - percentage: Σ values / Σ denominators (a fraction)
    """
    v = as_series(values)
    kinds = choices("measure", measure, MEASURES, "count")
    kinds = np.broadcast_to(kinds, v.shape[:-1])[..., None]
    totals = rolling12(v)
    out = totals.copy()
    if (kinds == "rate").any():
        pop = np.asarray(np.nan if population is None else population, dtype=float)
        scale = np.asarray(np.nan if per is None else per, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = totals / np.expand_dims(pop, -1) * np.expand_dims(scale, -1)
        out = np.where(kinds == "rate", rate, out)
    if (kinds == "percentage").any():
        d = as_series(np.nan if denominators is None else denominators)
        with np.errstate(divide="ignore", invalid="ignore"):
            pooled = totals / rolling12(np.broadcast_to(d, v.shape))
        out = np.where(kinds == "percentage", pooled, out)
    return out


def at_index(rolled, index) -> np.ndarray:
    """rolled[i, index[i]] for every series, NaN where the index is off the axis."""
    rolled, index = as_series(rolled), np.asarray(index)
    inside = (index >= 0) & (index < rolled.shape[-1])
    picked = np.take_along_axis(rolled, np.where(inside, index, 0)[..., None].astype(int), axis=-1)[..., 0]
    return np.where(inside, picked, np.nan)


def _given_or(given, computed) -> np.ndarray:
    given = np.broadcast_to(np.asarray(np.nan if given is None else given, dtype=float), np.shape(computed))
    return np.where(np.isnan(given), computed, given)


def not_given(given) -> np.ndarray:
    """Where the analyst left a cell blank (so the figure is computed from the data)."""
    return np.isnan(np.asarray(np.nan if given is None else given, dtype=float))


def missing_baseline(baseline, baseline_end) -> np.ndarray:
    """A baseline that could not be computed: Baseline end given, but no 12 months of data to it."""
    return np.isnan(np.asarray(baseline, dtype=float)) & ~np.isnan(np.asarray(baseline_end, dtype=float))


def zero_baseline(baseline, measure) -> np.ndarray:
    """A count or rate baseline of 0, from which no relative change can be measured."""
    return (np.asarray(baseline, dtype=float) == 0) & (choices("measure", measure, MEASURES, "count") != "percentage")


def current_position(rolled, last_index, override=None) -> np.ndarray:
    """The current position: the rolling 12-month figure at each series' last month with data,
    unless the analyst gave a *Current override* (a survey's own published figure)."""
    return _given_or(override, at_index(rolled, last_index))


def baseline_position(rolled, baseline_index, given=None) -> np.ndarray:
    """The baseline: the rolling 12-month figure at *Baseline end*, unless the analyst typed one."""
    return _given_or(given, at_index(rolled, baseline_index))


def rolling_denominators(denominators, measure) -> np.ndarray | None:
    """Rolling 12-month totals of percentages' denominators (None when no series is a percentage)."""
    if denominators is None or not (choices("measure", measure, MEASURES, "count") == "percentage").any():
        return None
    return rolling12(denominators)


def denominator_at(rolled_denominators, index, given, measure) -> np.ndarray:
    """A percentage's pooled denominator at a month (the survey's sample size), or the one the analyst gave;
    NaN for counts and rates."""
    is_pct = choices("measure", measure, MEASURES, "count") == "percentage"
    computed = np.full(np.shape(is_pct), np.nan) if rolled_denominators is None else \
        at_index(rolled_denominators, index)
    return np.where(is_pct, _given_or(given, computed), np.nan)


def at_target_date(rolled, target_index, current, months_to_target) -> np.ndarray:
    """The figure a target is judged by once its date is reached: the rolling 12-month figure at the target
    date, or the current position when the target date is the month assessed (a Current override honoured).
    NaN before the target date."""
    left = np.asarray(months_to_target, dtype=float)
    at_date = np.where(left == 0, np.asarray(current, dtype=float), at_index(rolled, target_index))
    return np.where(left <= 0, at_date, np.nan)


def baseline_index(first_month, baseline_end) -> np.ndarray:
    """Position of *Baseline end* on the axis starting at ``first_month`` (-1 when blank)."""
    end = np.asarray(baseline_end, dtype=float)
    return np.where(np.isnan(end), -1, end - first_month).astype(int)


def current(values, measure="count", denominators=None, population=None, per=None) -> np.ndarray:
    """The current position: the rolling 12-month figure at the last month."""
    v = as_series(values)
    d = None if denominators is None else tail(denominators, WINDOW)
    return rolling_value(tail(v, WINDOW), measure, d, population, per)[..., -1]


def comparative_12m(values, denominators=None) -> np.ndarray:
    """Comparative performance over the past 12 months.

    Σ(last 12) / Σ(previous 12) − 1. With denominators (percentage
    measures) it compares the pooled percentages instead:
    (Σv/Σd over the last 12) / (Σv/Σd over the previous 12) − 1.
    NaN when fewer than 24 months are available or the earlier year is zero.
    """
    v = tail(values, 2 * WINDOW)
    last, previous = v[..., WINDOW:].sum(-1), v[..., :WINDOW].sum(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if denominators is not None:
            d = tail(np.broadcast_to(as_series(denominators), np.shape(values)), 2 * WINDOW)
            last, previous = last / d[..., WINDOW:].sum(-1), previous / d[..., :WINDOW].sum(-1)
        change = last / previous - 1
    return np.where(np.isfinite(change), change, np.nan)


def comparative_12m_of(aligned, aligned_denominators, measure, across_break=None) -> np.ndarray:
    """:func:`comparative_12m` for each indicator: counts and rates compare their counts, percentages
    their pooled percentages; NaN where the two 12 months span a break in recording (``across_break``)."""
    from .breaks import unless

    change = comparative_12m(aligned)
    if aligned_denominators is not None:
        is_pct = choices("measure", measure, MEASURES, "count") == "percentage"
        if np.any(is_pct):
            change = np.where(is_pct, comparative_12m(aligned, aligned_denominators), change)
    return unless(change, across_break)


def change_from_baseline(current, baseline, measure="count", across_break=None) -> np.ndarray:
    """Change from the baseline: current/baseline − 1 for counts and rates.

    For percentages it is the difference, current − baseline, in percentage
    points kept as a fraction (0.013 displays as 1.3%), as the bulletin prints
    "A 1.3% increase has been recorded" for a rate moving 20.7% → 22.0%. NaN where the baseline's and the
    current 12 months span a break in recording (``across_break``).
    """
    from .breaks import unless

    cur, base = np.asarray(current, dtype=float), np.asarray(baseline, dtype=float)
    kinds = choices("measure", measure, MEASURES, "count")
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = cur / base - 1
    # A zero baseline has no relative change (the assessment says why).
    relative = np.where(np.isfinite(relative), relative, np.nan)
    return unless(np.where(kinds == "percentage", cur - base, relative), across_break)
