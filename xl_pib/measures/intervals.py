"""Confidence intervals for counts, rates and proportions, and the significance of a change.

Formulas follow PHEindicatormethods (UKHSA) and are tested against its own
reference data (``../shared/reference/oracles``). ``z`` is the standard
normal quantile 1 − α/2 for confidence level 1 − α.

- Byar's approximation for a count x (Breslow & Day, 1987):
  lower = x · (1 − 1/(9x) − z/(3√x))³,
  upper = (x+1) · (1 − 1/(9(x+1)) + z/(3√(x+1)))³
- Exact Poisson limits (Garwood, 1936):
  lower = χ²(α/2; 2x)/2, upper = χ²(1−α/2; 2x+2)/2
- Wilson score interval for x out of n (Wilson, 1927):
  (2x + z² ∓ z·√(z² + 4x(1 − x/n))) / (2(n + z²))
- Newcombe's hybrid score interval for p1 − p2 (Newcombe, 1998, method 10):
  d − √((p1−l1)² + (u2−p2)²)  to  d + √((u1−p1)² + (p2−l2)²)
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from ..options import MEASURES, choices
from ..options import confidence as _confidence
from ..settings import DEFAULT

# PHE switch from exact to Byar's limits at 10 events.
BYARS_FROM = 10


def z_value(conf=DEFAULT.confidence) -> float:
    """Two-sided standard normal quantile for a confidence level."""
    # statistics.NormalDist (Wichura's AS241) avoids importing scipy.stats,
    # which costs over a second here, for the one quantile every CI needs.
    return NormalDist().inv_cdf(1 - (1 - _confidence(conf)) / 2)


def byars(count, conf=DEFAULT.confidence) -> tuple[np.ndarray, np.ndarray]:
    """Byar's (lower, upper) limits of a count; a negative lower limit is NaN, as in PHE."""
    x = np.asarray(count, dtype=float)
    z = z_value(conf)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
    upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * np.sqrt(x + 1))) ** 3
    lower = np.where(lower < 0, np.nan, lower)
    return lower, upper


def exact_poisson(count, conf=DEFAULT.confidence) -> tuple[np.ndarray, np.ndarray]:
    """Exact (chi-square) Poisson limits of a count; the lower limit of 0 events is 0."""
    from scipy.special import gammaincinv  # χ²(q; 2k)/2 is the gamma(k) quantile

    x = np.asarray(count, dtype=float)
    alpha = 1 - _confidence(conf)
    with np.errstate(invalid="ignore"):
        lower = np.where(x > 0, gammaincinv(np.where(x > 0, x, 1), alpha / 2), 0.0)
        upper = gammaincinv(x + 1, 1 - alpha / 2)
    lower = np.where(np.isnan(x), np.nan, lower)
    return lower, upper


def count_interval(count, conf=DEFAULT.confidence) -> tuple[np.ndarray, np.ndarray]:
    """Limits of a count: exact Poisson below 10 events, Byar's from 10."""
    x = np.asarray(count, dtype=float)
    lower, upper = byars(x, conf)
    small = x < BYARS_FROM
    if small.any():
        exact_lower, exact_upper = exact_poisson(np.where(small, x, 0), conf)
        lower, upper = np.where(small, exact_lower, lower), np.where(small, exact_upper, upper)
    return lower, upper


def rate_interval(count, population, per=100000, conf=DEFAULT.confidence) -> tuple[np.ndarray, np.ndarray]:
    """Limits of a crude rate: :func:`count_interval` / population · per."""
    lower, upper = count_interval(count, conf)
    scale = np.asarray(per, dtype=float) / np.asarray(population, dtype=float)
    return lower * scale, upper * scale


def wilson(numerator, denominator, conf=DEFAULT.confidence) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score (lower, upper) limits of a proportion x/n, as fractions."""
    x, n = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    z = z_value(conf)
    with np.errstate(divide="ignore", invalid="ignore"):
        root = z * np.sqrt(z ** 2 + 4 * x * (1 - x / n))
        lower = (2 * x + z ** 2 - root) / (2 * (n + z ** 2))
        upper = (2 * x + z ** 2 + root) / (2 * (n + z ** 2))
    return lower, upper


def newcombe_difference(x1, n1, x2, n2, conf=DEFAULT.confidence) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(difference, lower, upper) of p1 − p2 by Newcombe's hybrid score method."""
    x1, n1, x2, n2 = (np.asarray(a, dtype=float) for a in (x1, n1, x2, n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1, conf)
    l2, u2 = wilson(x2, n2, conf)
    d = p1 - p2
    lower = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, lower, upper


def significant_change(x1, n1, x2, n2, conf=DEFAULT.confidence) -> np.ndarray:
    """"Yes" where Newcombe's interval for p1 − p2 excludes 0, "No" where it includes it, "N/A" if unknown."""
    from .. import labels

    _, lower, upper = newcombe_difference(x1, n1, x2, n2, conf)
    out = np.where((lower > 0) | (upper < 0), labels.YES, labels.NO).astype(object)
    out[np.isnan(lower) | np.isnan(upper)] = labels.NA
    return out


def survey_change(current, current_denominator, baseline, baseline_denominator, measure,
                  conf=DEFAULT.confidence) -> np.ndarray:
    """*Significant change from baseline* of each indicator: :func:`significant_change` of its pooled
    percentages (numerators = percentage · sample size); N/A for counts and rates."""
    from .. import labels

    is_pct = choices("measure", measure, MEASURES, "count") == "percentage"
    cur, n_now = np.asarray(current, dtype=float), np.asarray(current_denominator, dtype=float)
    base, n_base = np.asarray(baseline, dtype=float), np.asarray(baseline_denominator, dtype=float)
    return np.where(is_pct, significant_change(cur * n_now, n_now, base * n_base, n_base, conf), labels.NA)


def monthly_percentage(values, denominators, measure) -> np.ndarray:
    """Each month's percentage (value / denominator) of percentage measures; NaN for the rest."""
    v = np.asarray(values, dtype=float)
    out = np.full(v.shape, np.nan)
    if denominators is None:  # no percentage measure at all
        return out
    rows = np.flatnonzero(np.broadcast_to(choices("measure", measure, MEASURES, "count") == "percentage",
                                          v.shape[:-1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        out[rows] = v[rows] / np.asarray(denominators, dtype=float)[rows]
    return out


def monthly_error(values, denominators, measure, side: str, conf=DEFAULT.confidence) -> np.ndarray:
    """Each month's Wilson interval as error-bar lengths: ``side`` "above" (upper − p) or "below"
    (p − lower); NaN for counts and rates."""
    v = np.asarray(values, dtype=float)
    out = np.full(v.shape, np.nan)
    if denominators is None:
        return out
    rows = np.flatnonzero(np.broadcast_to(choices("measure", measure, MEASURES, "count") == "percentage",
                                          v.shape[:-1]))
    d = np.asarray(denominators, dtype=float)[rows]
    lower, upper = wilson(v[rows], d, conf)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = v[rows] / d
    out[rows] = upper - p if side == "above" else p - lower
    return out
