"""Long-term trend sufficient to meet target (Appendix E).

1. Fit ordinary least squares (x = 0 … W−1) to the last W monthly values
   (W ≥ 12, so the projected year never reaches back before the fit).
2. Project the next ``months_to_target`` months (counts cannot go below 0).
3. Append the projections to the observed values; take the last 12 values.
4. Sum them (counts: the rolling 12-month total at the target date) or
   average them (rates and percentages).
5. "Yes" if that meets the target (≤ for down, ≥ for up), otherwise "No".

When the target date has passed (months_to_target ≤ 0) nothing is projected
and the last 12 observed months decide. The bulletin judges a rate target on
its monthly counts against the equivalent count (target · population / per);
"rate" here averages values that are already rates, for analysts who keep
them so.
"""

from __future__ import annotations

import numpy as np

from .. import labels
from ..errors import OptionError
from ..options import DIRECTIONS, MEASURES, choices
from ..settings import DEFAULT
from .rolling import WINDOW
from .series import as_series, run_length, tail


def ols(y) -> tuple[np.ndarray, np.ndarray]:
    """Intercept and slope of least squares on x = 0 … n−1, for every series at once."""
    y = as_series(y)
    n = y.shape[-1]
    x = np.arange(n, dtype=float)
    xc = x - x.mean()
    slope = (y * xc).sum(-1) / (xc ** 2).sum()
    intercept = y.mean(-1) - slope * x.mean()
    return intercept, slope


def projected_year(values, months_to_target, measure="count", window=DEFAULT.trend_window) -> np.ndarray:
    """Sum (count) or mean (rate, percentage) of the last 12 months of the projected path.

    NaN where fewer than ``window`` months of unbroken data are available.
    """
    if window < WINDOW:
        # Shorter windows would need observed months from before the fit.
        raise OptionError(f"trend window must be at least {WINDOW} months; got {window}")
    v = as_series(values)
    y = tail(v, window)
    lead = y.shape[:-1]
    intercept, slope = ols(y)
    horizon = np.broadcast_to(np.asarray(months_to_target, dtype=float), lead)
    h = np.where(np.isnan(horizon), 0, np.maximum(np.floor(horizon), 0)).astype(int)
    kinds = np.broadcast_to(choices("measure", measure, MEASURES, "count"), lead)
    # Positions on the path (observed 0..W-1, then projections W, W+1, …) of
    # the last 12 values: one gather for every series, whatever its horizon.
    pos = (window + h)[..., None] - WINDOW + np.arange(WINDOW)
    fitted = intercept[..., None] + slope[..., None] * pos
    fitted = np.where(kinds[..., None] == "count", np.maximum(fitted, 0), fitted)
    observed = np.take_along_axis(y, np.clip(pos, 0, window - 1), axis=-1)
    path = np.where(pos < window, observed, fitted)
    year = np.where(kinds == "count", path.sum(-1), path.mean(-1))
    enough = (run_length(v) >= window) & ~np.isnan(horizon)
    return np.where(enough, year, np.nan)


def trend_target(target, measure, population, per) -> np.ndarray:
    """The target the trend is judged against: a rate's target as the equivalent count,
    target · population / per, since a rate indicator's monthly values are counts."""
    tgt = np.asarray(target, dtype=float)
    is_rate = choices("measure", measure, MEASURES, "count") == "rate"
    with np.errstate(divide="ignore", invalid="ignore"):
        as_count = tgt * np.asarray(population, dtype=float) / np.asarray(per, dtype=float)
    return np.where(is_rate, as_count, tgt)


def trend_sufficient(values, target, months_to_target, measure="count", direction="down",
                     window=DEFAULT.trend_window) -> np.ndarray:
    """"Yes" if the projected 12 months meet the target, "No" if not, "N/A" if unknown."""
    year = projected_year(values, months_to_target, measure, window)
    tgt = np.broadcast_to(np.asarray(target, dtype=float), year.shape)
    up = np.broadcast_to(choices("direction", direction, DIRECTIONS, "down") == "up", year.shape)
    meets = np.where(up, year >= tgt, year <= tgt)
    out = np.where(meets, labels.YES, labels.NO).astype(object)
    out[np.isnan(year) | np.isnan(tgt)] = labels.NA
    return out


def judged_trend_sufficient(classic, probability, judgements) -> np.ndarray:
    """Long-term trend sufficient: the straight line's "Yes"/"No" under classic judgements; under noise-aware
    ones the projection model's verdict on P(target met) ("Yes" ≥ 0.8, "No" ≤ 0.2, else "Too close to call";
    :func:`xl_pib.measures.projection.verdict`)."""
    from ..options import CLASSIC, JUDGEMENTS, choice
    from .projection import verdict

    if choice("judgements", judgements, JUDGEMENTS) == CLASSIC:
        return np.asarray(classic, dtype=object)
    return verdict(probability)
