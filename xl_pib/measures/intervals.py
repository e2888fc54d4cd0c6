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
    if x.size <= 1000:
        return _exact_poisson(x, conf)
    # A chart's monthly counts repeat (whole numbers, a few thousand distinct): one inversion each, looked up.
    known = ~np.isnan(x)
    whole = known & (x >= 0) & (x % 1 == 0)
    top = int(x[whole].max()) if whole.any() else 0
    if whole.sum() == known.sum() and top <= _LOOKUP_MAX:
        index = np.where(known, x, top + 1).astype(np.int64)
        present = np.zeros(top + 2, dtype=bool)
        present[index.ravel()] = True
        present[top + 1] = False
        values = np.flatnonzero(present).astype(float)
        lower, upper = np.full(top + 2, np.nan), np.full(top + 2, np.nan)
        lower[present], upper[present] = _exact_poisson(values, conf)
        return lower[index], upper[index]
    distinct, inverse = np.unique(x, return_inverse=True)
    lower, upper = _exact_poisson(distinct, conf)
    return lower[inverse].reshape(x.shape), upper[inverse].reshape(x.shape)


_LOOKUP_MAX = 2_000_000  # whole counts up to this are looked up in a table of limits (16 MB at most)


def _exact_poisson(x: np.ndarray, conf) -> tuple[np.ndarray, np.ndarray]:
    from scipy.special import gammaincinv

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


def significance(interval) -> np.ndarray:
    """"Yes" where an interval of a change excludes no change (0), "No" where it includes it, N/A if unknown."""
    from .. import labels

    low, high = (np.asarray(e, dtype=float) for e in interval)
    out = np.where((low > 0) | (high < 0), labels.YES, labels.NO).astype(object)
    out[np.isnan(low) | np.isnan(high)] = labels.NA
    return out


def survey_change(change_interval, measure) -> np.ndarray:
    """*Significant change from baseline* of a survey measure: :func:`significance` of its change's
    Newcombe interval (see :func:`change_interval`); N/A for counts and rates."""
    from .. import labels

    is_pct = choices("measure", measure, MEASURES, "count") == "percentage"
    return np.where(is_pct, significance(change_interval), labels.NA)


def change_interval(current_count, baseline_count, current, baseline, current_denominator, baseline_denominator,
                    design_effect, measure, windows_overlap=False, conf=DEFAULT.confidence, across_break=None):
    """The interval of *Change from baseline*, in its own units (as a change: −0.12 is −12%).

    Counts and rates: the exact interval of the ratio of the two 12-month counts (:func:`poisson_ratio`),
    less 1. Percentages: Newcombe's hybrid score interval for the difference in points (Newcombe 1998,
    method 10), on effective sample sizes n / design effect (Kish 1965). N/A where the two 12-month windows
    overlap (``windows_overlap``): they share months, so they are not independent samples; and where the
    two windows span a break in recording (``across_break``, :mod:`xl_pib.measures.breaks`).
    """
    kinds = choices("measure", measure, MEASURES, "count")
    low, high = poisson_ratio(current_count, baseline_count, conf)
    low, high = low - 1, high - 1
    if np.any(kinds == "percentage"):
        n1 = _effective(np.nan if current_denominator is None else current_denominator, design_effect)
        n2 = _effective(np.nan if baseline_denominator is None else baseline_denominator, design_effect)
        _, d_low, d_high = newcombe_difference(np.asarray(current, dtype=float) * n1, n1,
                                               np.asarray(baseline, dtype=float) * n2, n2, conf)
        low, high = np.where(kinds == "percentage", d_low, low), np.where(kinds == "percentage", d_high, high)
    overlap = np.asarray(windows_overlap, dtype=bool) | (False if across_break is None else across_break)
    return np.where(overlap, np.nan, low), np.where(overlap, np.nan, high)


def comparative_interval(aligned, aligned_denominators, measure, design_effect, conf=DEFAULT.confidence,
                         across_break=None):
    """The interval of *Comparative 12 months* (as a change).

    Counts and rates: the exact interval of the ratio of the last 12 months' count to the previous 12's
    (:func:`poisson_ratio`), less 1. Percentages: Newcombe's interval for the difference of the two pooled
    percentages on effective sample sizes, relative to the previous 12 months' percentage (held fixed).
    NaN with fewer than 24 months, and where the two 12 months span a break in recording (``across_break``).
    """
    from .breaks import unless
    from .series import tail

    kinds = choices("measure", measure, MEASURES, "count")
    v = tail(aligned, 24)
    last, previous = v[..., 12:].sum(-1), v[..., :12].sum(-1)
    low, high = poisson_ratio(last, previous, conf)
    low, high = low - 1, high - 1
    if aligned_denominators is not None and np.any(kinds == "percentage"):
        d = tail(aligned_denominators, 24)
        n1, n2 = _effective(d[..., 12:].sum(-1), design_effect), _effective(d[..., :12].sum(-1), design_effect)
        with np.errstate(invalid="ignore", divide="ignore"):
            p1, p2 = last / d[..., 12:].sum(-1), previous / d[..., :12].sum(-1)
            _, d_low, d_high = newcombe_difference(p1 * n1, n1, p2 * n2, n2, conf)
            low = np.where(kinds == "percentage", d_low / p2, low)
            high = np.where(kinds == "percentage", d_high / p2, high)
    return unless(low, across_break), unless(high, across_break)


def windows_overlap(months_elapsed, current_override, judgements) -> np.ndarray:
    """Noise-aware only: the current 12 months and the baseline's share months (fewer than 12 months
    between their ends), unless the current figure is another survey's (a Current override)."""
    from ..options import CLASSIC, JUDGEMENTS, choice

    if choice("judgements", judgements, JUDGEMENTS) == CLASSIC:
        return np.zeros(np.shape(months_elapsed), dtype=bool)
    override = np.asarray(np.nan if current_override is None else current_override, dtype=float)
    with np.errstate(invalid="ignore"):
        return (np.asarray(months_elapsed, dtype=float) < 12) & np.isnan(override)


def rolling_interval(values, denominators, measure, population, per, design_effect, judgements,
                     conf=DEFAULT.confidence):
    """Noise-aware only (None under classic): the interval of every month's rolling 12-month figure, for the
    chart's markers: :func:`figure_interval` of the rolling count (or numerator and denominator)."""
    from ..options import CLASSIC, JUDGEMENTS, choice
    from .rolling import rolling12

    if choice("judgements", judgements, JUDGEMENTS) == CLASSIC:
        return None
    col = lambda a: None if a is None else np.asarray(a, dtype=float)[..., None]  # noqa: E731
    counts = rolling12(values)
    rolled_denominators = None if denominators is None else rolling12(denominators)
    return figure_interval(counts, np.asarray(measure, dtype=object)[..., None], col(population), col(per),
                           rolled_denominators, col(design_effect), conf)


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


# --- intervals of the bulletin's figures (issue 14: noise-aware judgements) ------------------------------


def poisson_ratio(a, b, conf=DEFAULT.confidence) -> tuple[np.ndarray, np.ndarray]:
    """Exact interval of the ratio of two Poisson rates over equal exposures, λa/λb, from counts a and b.

    Conditional on a + b, a is binomial with p = λa/(λa + λb) (Przyborowski & Wilenski 1940); the
    Clopper–Pearson interval of p (Clopper & Pearson 1934), pL = B⁻¹(α/2; a, b+1) and
    pU = B⁻¹(1−α/2; a+1, b), maps to the ratio by p/(1 − p). Checked against scipy's
    ``binomtest(a, a + b).proportion_ci(method="exact")``. a = 0 gives a lower limit of 0; b = 0 an upper of inf.
    """
    from scipy.special import betaincinv

    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    alpha = 1 - _confidence(conf)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_low = np.where(a > 0, betaincinv(np.where(a > 0, a, 1), b + 1, alpha / 2), 0.0)
        p_high = np.where(b > 0, betaincinv(a + 1, np.where(b > 0, b, 1), 1 - alpha / 2), 1.0)
        low, high = p_low / (1 - p_low), np.where(p_high < 1, p_high / (1 - p_high), np.inf)
    unknown = np.isnan(a) | np.isnan(b) | ((a == 0) & (b == 0))
    return np.where(unknown, np.nan, low), np.where(unknown, np.nan, high)


def events(figure, measure, population, per, denominator) -> np.ndarray:
    """The events behind a 12-month figure: a count itself, a rate's count (rate · population / per), or a
    percentage's numerator (percentage · denominator)."""
    kinds = choices("measure", measure, MEASURES, "count")
    value = np.asarray(figure, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        as_count = value * np.asarray(np.nan if population is None else population, dtype=float) / \
            np.asarray(np.nan if per is None else per, dtype=float)
        numerator = value * np.asarray(np.nan if denominator is None else denominator, dtype=float)
    return np.select([kinds == "rate", kinds == "percentage"], [as_count, numerator], default=value)


def _effective(n, design_effect):
    """The effective sample size n / design effect (Kish 1965); a blank design effect is 1."""
    deff = np.asarray(1.0 if design_effect is None else design_effect, dtype=float)
    return np.asarray(n, dtype=float) / np.where(np.isnan(deff), 1.0, deff)


def figure_interval(count, measure, population, per, denominator, design_effect,
                    conf=DEFAULT.confidence) -> tuple[np.ndarray, np.ndarray]:
    """The confidence interval of a 12-month figure, in its own units.

    Counts: the exact Poisson limits of the count (Garwood 1936). Rates: the same limits scaled by
    per / population. Percentages: Wilson's interval (Wilson 1927) on the pooled numerator and the
    effective sample size n / design effect (Kish 1965), as PHEindicatormethods' ``phe_proportion``.
    """
    kinds = choices("measure", measure, MEASURES, "count")
    x = np.asarray(count, dtype=float)
    low, high = exact_poisson(np.where(np.isnan(x), np.nan, np.maximum(x, 0)), conf)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.where(kinds == "rate", np.asarray(np.nan if per is None else per, dtype=float) /
                         np.asarray(np.nan if population is None else population, dtype=float), 1.0)
    low, high = low * scale, high * scale
    if np.any(kinds == "percentage") and denominator is not None:
        d = np.asarray(denominator, dtype=float)
        n = _effective(d, design_effect)
        with np.errstate(invalid="ignore", divide="ignore"):
            w_low, w_high = wilson(x / d * n, n, conf)
        low, high = np.where(kinds == "percentage", w_low, low), np.where(kinds == "percentage", w_high, high)
    elif np.any(kinds == "percentage"):
        low, high = np.where(kinds == "percentage", np.nan, low), np.where(kinds == "percentage", np.nan, high)
    return low, high


def lower(interval) -> np.ndarray:
    """The lower end of an interval (low, high)."""
    return interval[0]


def upper(interval) -> np.ndarray:
    """The upper end of an interval (low, high)."""
    return interval[1]
