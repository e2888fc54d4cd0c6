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


def change_from_baseline(current, baseline, measure="count") -> np.ndarray:
    """Change from the baseline: current/baseline − 1 for counts and rates.

    For percentages it is the difference, current − baseline, in percentage
    points kept as a fraction (0.013 displays as 1.3%), as the bulletin prints
    "A 1.3% increase has been recorded" for a rate moving 20.7% → 22.0%.
    """
    cur, base = np.asarray(current, dtype=float), np.asarray(baseline, dtype=float)
    kinds = choices("measure", measure, MEASURES, "count")
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = cur / base - 1
    # A zero baseline has no relative change (the assessment says why).
    relative = np.where(np.isfinite(relative), relative, np.nan)
    return np.where(kinds == "percentage", cur - base, relative)
