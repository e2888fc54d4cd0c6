"""Long-term trend as a probability: the noise-aware projection model (issue 15).

The classic trend (:mod:`xl_pib.measures.trend`) extends a straight line and
answers "Yes" or "No", which on Poisson-noisy monthly counts is close to a coin
toss, and is biased by seasons. This model says how sure it is:

1. **Fit** (:func:`fit`): a quasi-Poisson GLM with a log link to the last
   ``window`` months of each series (a quasi-binomial GLM with a logit link on
   numerators and denominators for percentages): intercept, linear time and,
   where seasonal, 11 month-of-year effects by *calendar* month, so the result
   does not depend on the month the window ends in. Dispersion
   φ = Pearson χ² / (W − p), at least 1. Fitted by batched IRLS for every series
   at once (:mod:`xl_pib.measures.glm`).
   Ref: McCullagh & Nelder, *Generalized Linear Models*, 2nd ed. (1989),
   ch. 9 (quasi-likelihood, and the moment estimate of φ from Pearson's statistic).
2. **Project** (:func:`project`): the 12 months ending at the target date,
   observed where observed and fitted (μ̂) beyond. Its variance is the
   months' own noise, φ · Σ V(μ̂) over the projected months (V = μ̂ for counts,
   n̄ p̂ (1 − p̂) for percentages), plus the parameter variance of Σ μ̂ by the
   delta method: gᵀ · φ (XᵀWX)⁻¹ · g with g = Σ V(μ̂) · x over the projected months
   (dμ/dη = V for canonical links). When the target date has passed
   (``months_to_target`` ≤ 0) the last 12 observed months decide, with no
   uncertainty. Horizons differ per series.
   Ref: the delta method, e.g. Oehlert, "A note on the delta method",
   *The American Statistician* 46 (1992) 27–29.
   - counts: the 12-month total; ``rate``: the mean of the 12 months, for
     values that are already rates (the bulletin judges a rate indicator on
     its monthly counts against target × population / per, as
     :func:`xl_pib.measures.trend.trend_target` gives it, so it passes the
     counts as ``count``);
   - percentages: the pooled percentage Σk / Σn of the 12 months, where each
     month beyond the data has the mean of the window's denominators;
     its variance is that of Σk divided by (Σn)².
3. **Judge** (:func:`probability_met`, :func:`verdict`): P(target met) from the
   normal approximation, P(year ≤ target) for ``down``, P(year ≥ target) for
   ``up``; "Yes" when P ≥ 0.8, "No" when P ≤ 0.2, otherwise "Too close to call".

Seasonal: ``auto`` fits month effects when the window has at least 36 months,
``on`` whenever the window has at least 24 (each calendar month seen twice),
``none`` never. :func:`seasonal_factors` gives the fitted month-of-year factors
(mean 1 over the year) and :func:`seasonally_adjusted` divides values by them,
for the SPC chart of seasonal counts.

A series gets NaN (with a reason from :func:`reasons`) when its window has a
missing month or too few months, every month is 0 (or, for a percentage,
every month is 0% or 100%), a count is negative, or a percentage lacks a
denominator or has a numerator above it.

The oracle is statsmodels 0.15, ``sm.GLM(y, X, family=sm.families.Poisson()).fit(scale="X2")``
(and ``Binomial()`` with ``var_weights``): coefficients, standard errors and fitted values agree to 1e-6
(tests/engine/test_projection.py). Calibration by simulation, against the classic
method: docs/projection-calibration.md (``python tools/projection_calibration.py``).

API, every function vectorised over series (leading axes anything, months last):

- ``fit(values, first_month, window, seasonal, denominators=None, measure="count") -> Fit``
- ``project(fit, months_to_target) -> Projection``; ``path(fit, months_to_target, months)``: the same at
  every month to the target date (the chart's projection and band)
- ``projected_year(projection)``, ``standard_error(projection)``,
  ``lower_bound(projection, level)``, ``upper_bound(projection, level)``
- ``probability_met(projection, target, direction)`` and ``verdict(p)``
- ``seasonal_factors(fit)`` (…, 12) by calendar month, ``seasonally_adjusted(fit, values, first_month)``
- ``dispersion(fit)``, ``seasonal_used(fit)``, ``reasons(fit)``, ``coefficients(fit)``,
  ``coefficient_se(fit, scale)``, ``fitted(fit)``
- one call each for the =PIB_ functions: ``projection_row``, ``target_probability``, ``trend_sufficient``.

In the figure registry the fit and the projection are two steps (``fit`` on the engine's raw ``values``,
``first_month`` and ``denominators``, which it aligns itself; ``project`` on the fit and
``months_to_target``), and every figure the bulletin shows reads one of them, so all series are fitted once.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from .. import labels
from ..errors import OptionError
from ..options import CLASSIC, DIRECTIONS, JUDGEMENTS, MEASURES, SEASONAL, choice, choices
from . import glm
from .rolling import WINDOW
from .series import as_series, last_valid_index, run_length

# ``auto`` fits month-of-year effects from this many months in the window (three of each calendar month).
AUTO_SEASONAL_MONTHS = 36
# ``on`` needs each calendar month at least twice, or its effect would fit its one month exactly.
SEASONAL_MIN_MONTHS = 2 * glm.PERIOD
LIKELY, UNLIKELY = 0.8, 0.2            # P(target met) for "Yes" and for "No"
LEVELS = (0.8, 0.95)                   # the intervals the bulletin prints (80%) and PIB_PROJECTION returns


@dataclass(frozen=True)
class Fit:
    """The projection model of every series (see :func:`fit`); read it through this module's functions."""

    shape: tuple                 # the series' leading shape
    window: int
    model: glm.GLMFit            # flat over series
    ok: np.ndarray               # (S,) the model was fitted
    why: np.ndarray              # (S,) object: "" or why not
    kind: np.ndarray             # (S,) object: count, rate or percentage
    first_phase_month: np.ndarray  # (S,) calendar month (0 = January) of the padded window's phase 0
    trials_ahead: np.ndarray     # (S,) denominator of a month beyond the data: the window's mean (1 for counts)
    short: np.ndarray = None     # (S,) too few months of unbroken data for the window (the bulletin says so itself)


@dataclass(frozen=True)
class Projection:
    """The projected 12-month figure of every series, its standard error and its physical bounds."""

    shape: tuple
    year: np.ndarray   # (S,)
    se: np.ndarray     # (S,)
    least: np.ndarray  # (S,) the figure if every projected month were 0 (the observed part alone)
    most: np.ndarray   # (S,) the figure if every projected month were 100% (inf for counts)


def _flat(x, s: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(x), (s,)) if np.ndim(x) == 0 else np.asarray(x).reshape(s)


def _window_of(values, last, window):
    """(S, W) the ``window`` months ending at each series' ``last`` index (NaN before the axis starts)."""
    t = values.shape[-1]
    if t >= window and (last == t - 1).all():  # every series ends in the last month: a slice
        return values[:, t - window:].copy()
    idx = last[:, None] - window + 1 + np.arange(window)
    out = np.take_along_axis(values, np.clip(idx, 0, t - 1), axis=-1)
    out[idx < 0] = np.nan
    return out


def fit(values, first_month, window: int, seasonal, denominators=None, measure="count") -> Fit:
    """Fit the projection model to the last ``window`` months of every series.

    ``values``: counts (for percentages, the numerators), series × months,
    oldest first, NaN where there is no data; each series is taken to its own
    last month with data. ``first_month``: the calendar month index
    (:mod:`xl_pib.months`) of the first column, one for all or one per series;
    ``None`` counts months from the first column, which fits the same
    projection (only :func:`seasonal_factors` needs the calendar).
    ``seasonal``: ``auto``, ``on`` or ``none`` (one or per series).
    ``denominators``: the percentages' denominators, same shape as ``values``.
    """
    window = int(window)
    if window < WINDOW:
        raise OptionError(f"trend window must be at least {WINDOW} months; got {window}")
    v = as_series(values)
    lead = v.shape[:-1]
    s = int(np.prod(lead, dtype=int))
    v2 = v.reshape(s, v.shape[-1])
    kind = _flat(choices("measure", measure, MEASURES, "count"), s).astype(object)
    wanted = _flat(choices("seasonal", seasonal, SEASONAL, "auto"), s)
    binomial = kind == "percentage"
    last = last_valid_index(v2)
    y = _window_of(v2, np.maximum(last, 0), window)
    y[last < 0] = np.nan
    if denominators is not None:
        d2 = as_series(denominators).reshape(s, v.shape[-1])
        n = _window_of(d2, np.maximum(last, 0), window)
    else:
        n = np.full((s, window), np.nan)
    n = np.where(binomial[:, None], n, 1.0)
    seasonal_on = (wanted == "on") | ((wanted == "auto") & (window >= AUTO_SEASONAL_MONTHS))

    why = np.full(s, "", dtype=object)
    available = run_length(y)

    def because(mask, text):
        mask = mask & (why == "")
        if mask.any():
            why[mask] = [text.format(available=a) for a in available[mask]] if "{" in text else text

    with np.errstate(invalid="ignore"):
        because(available < window, f"the trend needs {window} months of unbroken data; {{available}} available")
        because(seasonal_on & (window < SEASONAL_MIN_MONTHS),
                f"month-of-year effects need a trend window of at least {SEASONAL_MIN_MONTHS} months; "
                f"the window is {window}")
        because((y < 0).any(-1), "a month in the trend window is below 0")
        because(binomial & (np.isnan(n) | (n <= 0)).any(-1),
                "a percentage needs a denominator above 0 for every month in the trend window")
        because(binomial & (y > n).any(-1), "a numerator in the trend window is above its denominator")
        because((y == 0).all(-1), "every month in the trend window is 0: no trend can be fitted")
        because(binomial & (y == n).all(-1), "every month in the trend window is 100%: no trend can be fitted")
    ok = why == ""

    # Series that cannot be fitted ride along on placeholder data (1 event, or 1 in 2), then show NaN.
    y_fit = np.where(ok[:, None], y, 1.0)
    n_fit = np.where(ok[:, None], n, 2.0)
    model = glm.fit(y_fit, n_fit, binomial, seasonal_on, window)
    first = 0 if first_month is None else first_month
    start = _flat(np.asarray(first, dtype=float), s) + np.maximum(last, 0) - window + 1  # first month of the window
    first_phase_month = np.where(np.isnan(start), 0, start - glm.padding(window)).astype(np.int64) % glm.PERIOD
    trials_ahead = np.where(binomial, np.where(ok[:, None], n, 2.0).mean(-1), 1.0)
    return Fit(shape=lead, window=window, model=model, ok=ok, why=why, kind=kind,
               first_phase_month=first_phase_month, trials_ahead=trials_ahead, short=available < window)


def project(f: Fit, months_to_target) -> Projection:
    """The projected 12-month figure at each series' target date, ``months_to_target`` months after its
    last month (fractions of a month are dropped; ≤ 0: the last 12 observed months)."""
    m = f.model
    s = m.slope.shape[0]
    horizon = _flat(np.asarray(months_to_target, dtype=float), s)
    h = np.where(np.isnan(horizon), 0, np.maximum(np.floor(horizon), 0)).astype(np.int64)
    w = f.window
    pos = np.arange(WINDOW)[:, None] + (w + h - WINDOW)   # (12, S) months of the projected year, window clock
    observed = pos < w
    at = np.clip(pos, 0, w - 1) + m.pad
    y_obs = np.where(observed, np.take_along_axis(m.y, at, axis=0), 0.0)
    n_obs = np.where(observed, np.take_along_axis(m.n, at, axis=0), 0.0)
    trials = np.where(observed, 0.0, f.trials_ahead)     # each projected month's denominator (1 for counts)
    mu, v = glm.predict(m, pos, np.broadcast_to(f.trials_ahead, pos.shape))
    mu, v = np.where(observed, 0.0, mu), np.where(observed, 0.0, v)

    # Delta method: the gradient of Σμ̂ over the projected months is Σ V(μ̂)·x, per phase level and on the slope.
    by_phase = np.zeros((glm.PERIOD, s))
    np.add.at(by_phase, (glm.phase_of(m, pos), np.arange(s)), v)
    on_slope = glm.column_sums(v * pos)
    variance = m.dispersion * (glm.column_sums(v) + glm.quadratic_form(m, by_phase, on_slope))

    least = glm.column_sums(y_obs)
    total, spread = least + glm.column_sums(mu), np.sqrt(variance)
    is_rate, is_pct = f.kind == "rate", f.kind == "percentage"
    denominator = np.where(is_pct, glm.column_sums(n_obs) + glm.column_sums(trials), np.where(is_rate, float(WINDOW), 1.0))
    most = np.where(is_pct, (least + glm.column_sums(trials)) / denominator, np.inf)
    year, se, least = total / denominator, spread / denominator, least / denominator
    known = f.ok & ~np.isnan(horizon)
    return Projection(shape=f.shape, year=np.where(known, year, np.nan), se=np.where(known, se, np.nan),
                      least=np.where(known, least, np.nan), most=np.where(known, most, np.nan))


def path(f: Fit, months_to_target, months: int | None = None) -> Projection:
    """The projected 12-month figure at every month from the series' last month to its target date, for the
    chart: a :class:`Projection` of shape (…, months) whose column k − 1 is :func:`project` at horizon k
    (k = 1 … months; ``months`` defaults to the longest horizon), NaN beyond each series' own target date.

    Computed for every horizon at once from running sums over the projected months: a window of 12
    consecutive months holds each month-of-year once, so the delta method's quadratic form splits into sums
    over the months (Σ V²/A_phase and Σ V·B_phase/A_phase) that running sums give for every window.
    """
    m = f.model
    s = m.slope.shape[0]
    horizon = _flat(np.asarray(months_to_target, dtype=float), s)
    if months is None:
        months = int(np.nanmax(np.r_[horizon, 1.0]))
    months = max(int(months), 1)
    w = f.window
    t = (w + np.arange(months))[:, None] * np.ones((1, s), dtype=np.int64)     # (K, S) the projected months
    mu, v = glm.predict(m, t, np.broadcast_to(f.trials_ahead, t.shape))
    phase = glm.phase_of(m, t[:, 0])                                            # the same for every series
    a, b = m.A[phase], m.B[phase]                                               # (K, S) their level's sums
    if not m.seasonal.all():
        a = np.where(m.seasonal, a, m.A[0])
        b = np.where(m.seasonal, b, m.B[0])

    def window_sums(x):
        """(K, S): for k = 1 … K, the sum of x over the projected months of the 12 months ending at k."""
        run = np.concatenate([np.zeros((1, s)), np.cumsum(x, axis=0)])
        k = np.arange(1, months + 1)
        return run[k] - run[np.maximum(k - WINDOW, 0)]

    total_mu, total_v, trials = window_sums(mu), window_sums(v), window_sums(np.broadcast_to(f.trials_ahead, t.shape))
    on_slope = window_sums(v * t)
    seasonal_part = window_sums(v * v / a) + (on_slope - window_sums(v * b / a)) ** 2 / m.schur
    pooled = total_v ** 2 / m.A[0] + (on_slope - m.B[0] * total_v / m.A[0]) ** 2 / m.schur
    variance = m.dispersion * (total_v + np.where(m.seasonal, seasonal_part, pooled))

    # The observed part: the last 12 − k observed months (none from k = 12 on).
    tail_sum = lambda x: np.concatenate([np.zeros((1, s)), np.cumsum(x[::-1], axis=0)])  # noqa: E731
    keep = np.maximum(WINDOW - np.arange(1, months + 1), 0)
    observed = tail_sum(m.y[m.pad:][-WINDOW:])[keep]
    observed_trials = tail_sum(m.n[m.pad:][-WINDOW:])[keep]
    is_rate, is_pct = f.kind == "rate", f.kind == "percentage"
    denominator = np.where(is_pct, observed_trials + trials, np.where(is_rate, float(WINDOW), 1.0))
    year, se = (observed + total_mu) / denominator, np.sqrt(variance) / denominator
    least = observed / denominator
    most = np.where(is_pct, (observed + trials) / denominator, np.inf)
    known = f.ok & (np.arange(1, months + 1)[:, None] <= horizon)
    cut = lambda x: np.where(known, x, np.nan).T  # noqa: E731  (series first, as every other output)
    return Projection(shape=f.shape + (months,), year=cut(year), se=cut(se), least=cut(least),
                      most=cut(np.broadcast_to(most, year.shape)))


# --- what the bulletin shows -----------------------------------------------------------------------


def projected_year(p: Projection) -> np.ndarray:
    """The projected 12-month figure at the target date (counts: total; rates: mean; percentages: pooled)."""
    return p.year.reshape(p.shape)


def standard_error(p: Projection) -> np.ndarray:
    """Standard error of the projected figure (0 once the target date has passed)."""
    return p.se.reshape(p.shape)


def _z(level) -> float:
    level = float(level)
    if not 0 < level < 1:
        raise OptionError(f"interval level must be between 0 and 1; got {level!r}")
    return NormalDist().inv_cdf(0.5 + level / 2)


def lower_bound(p: Projection, level) -> np.ndarray:
    """Lower end of the central normal interval at ``level`` (0.8: the 80% range), never below the
    observed part of the year."""
    return np.maximum(p.year - _z(level) * p.se, p.least).reshape(p.shape)


def upper_bound(p: Projection, level) -> np.ndarray:
    """Upper end of the central normal interval at ``level``; a percentage's never above 100%."""
    return np.minimum(p.year + _z(level) * p.se, p.most).reshape(p.shape)


def probability_met(p: Projection, target, direction="down") -> np.ndarray:
    """P(target met) from the normal approximation: P(year ≤ target) for ``down``, P(year ≥ target) for
    ``up``. Once the target date has passed (no uncertainty) it is 1 or 0."""
    from scipy.special import ndtr

    s = p.year.shape[0]
    tgt = _flat(np.asarray(target, dtype=float), s)
    up = _flat(choices("direction", direction, DIRECTIONS, "down") == "up", s)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (tgt - p.year) / p.se
    below = np.where(p.se > 0, ndtr(z), np.where(p.year <= tgt, 1.0, 0.0))
    above = np.where(p.se > 0, ndtr(-z), np.where(p.year >= tgt, 1.0, 0.0))
    out = np.where(up, above, below)
    return np.where(np.isnan(p.year) | np.isnan(tgt), np.nan, out).reshape(p.shape)


def verdict(probability) -> np.ndarray:
    """"Yes" when P(target met) ≥ 0.8, "No" when ≤ 0.2, "Too close to call" between, "N/A" when unknown."""
    prob = np.asarray(probability, dtype=float)
    out = np.where(prob >= LIKELY, labels.YES, np.where(prob <= UNLIKELY, labels.NO, labels.TOO_CLOSE))
    out = out.astype(object)
    out[np.isnan(prob)] = labels.NA
    return out


def dispersion(f: Fit) -> np.ndarray:
    """φ: Pearson χ² / (W − p), at least 1 (NaN where not fitted)."""
    return np.where(f.ok, f.model.dispersion, np.nan).reshape(f.shape)


def pearson_scale(f: Fit) -> np.ndarray:
    """Pearson χ² / (W − p) before the floor at 1 (statsmodels' ``scale="X2"``)."""
    return np.where(f.ok, f.model.scale, np.nan).reshape(f.shape)


def seasonal_used(f: Fit) -> np.ndarray:
    """Whether month-of-year effects were fitted."""
    return (f.ok & f.model.seasonal).reshape(f.shape)


def reasons(f: Fit) -> np.ndarray:
    """Why a series has no projection ("" where it has one), one line each."""
    return f.why.reshape(f.shape)


def coefficients(f: Fit) -> np.ndarray:
    """(…, 13): intercept, slope per month (t = 0 at the window's first month), and the log effects
    (logit for percentages) of February … December against January; NaN where not fitted or not seasonal."""
    coef, _ = glm.coefficients(f.model, f.first_phase_month)
    return np.where(f.ok[:, None], coef, np.nan).reshape(f.shape + (glm.PERIOD + 1,))


def coefficient_se(f: Fit, scale=None) -> np.ndarray:
    """Standard errors of :func:`coefficients`, with the model's φ (floored at 1) or a given ``scale``
    (``pearson_scale(fit)`` gives statsmodels' scale="X2")."""
    _, var = glm.coefficients(f.model, f.first_phase_month)
    phi = f.model.dispersion if scale is None else _flat(np.asarray(scale, dtype=float), var.shape[0])
    se = np.sqrt(var * phi[:, None])
    return np.where(f.ok[:, None], se, np.nan).reshape(f.shape + (glm.PERIOD + 1,))


def fitted(f: Fit) -> np.ndarray:
    """(…, W) the fitted monthly values over the window (counts, or percentages for percentages)."""
    m = f.model
    mu = np.where(m.binomial, m.mu / m.n, m.mu)[m.pad:].T
    return np.where(f.ok[:, None], mu, np.nan).reshape(f.shape + (f.window,))


def seasonal_factors(f: Fit) -> np.ndarray:
    """(…, 12) multiplicative month-of-year factors by calendar month (January first), averaging 1 over the
    year: exp(γ_month) / mean(exp(γ)). 1 for series without month effects; NaN where not fitted.
    (For percentages the factors are of the odds.)"""
    coef, _ = glm.coefficients(f.model, f.first_phase_month)
    effects = np.column_stack([np.zeros(coef.shape[0]), np.nan_to_num(coef[:, 2:])])
    factors = np.exp(effects - effects.max(-1, keepdims=True))
    factors /= factors.mean(-1, keepdims=True)
    return np.where(f.ok[:, None], factors, np.nan).reshape(f.shape + (glm.PERIOD,))


def seasonally_adjusted(f: Fit, values, first_month) -> np.ndarray:
    """``values`` (same layout as given to :func:`fit`) divided by each month's seasonal factor; series
    without month effects (or without a fit) are returned as they are."""
    v = as_series(values)
    s = int(np.prod(f.shape, dtype=int))
    v2 = v.reshape(s, v.shape[-1])
    first = _flat(np.asarray(0 if first_month is None else first_month, dtype=np.int64), s)
    month = (first[:, None] + np.arange(v.shape[-1])) % glm.PERIOD
    factors = np.where(seasonal_used(f).reshape(s, 1), seasonal_factors(f).reshape(s, glm.PERIOD), 1.0)
    return (v2 / np.take_along_axis(factors, month, axis=1)).reshape(v.shape)


# --- one call per =PIB_ function ---------------------------------------------------------------------


def projection_row(values, months_to_target, window: int, seasonal, measure="count", first_month=None,
                   denominators=None) -> np.ndarray:
    """(…, 5): projected figure, 80% lower, 80% upper, 95% lower, 95% upper (``PIB_PROJECTION``)."""
    p = project(fit(values, first_month, window, seasonal, denominators, measure), months_to_target)
    parts = [projected_year(p)] + [bound(p, level) for level in LEVELS for bound in (lower_bound, upper_bound)]
    return np.stack(parts, axis=-1)


def target_probability(values, target, months_to_target, direction, window: int, seasonal, measure="count",
                       first_month=None, denominators=None) -> np.ndarray:
    """P(target met) (``PIB_TARGET_PROBABILITY``)."""
    p = project(fit(values, first_month, window, seasonal, denominators, measure), months_to_target)
    return probability_met(p, target, direction)


def trend_sufficient(values, target, months_to_target, measure, direction, window: int, seasonal,
                     first_month=None, denominators=None) -> np.ndarray:
    """"Yes", "No", "Too close to call" or "N/A" (``PIB_TREND_SUFFICIENT(..., method="glm")``)."""
    return verdict(target_probability(values, target, months_to_target, direction, window, seasonal, measure,
                                      first_month, denominators))


# --- in the bulletin (the figure registry's steps) ------------------------------------------------------
# Under classic judgements nothing is fitted: the fit is None and every figure read from it is N/A.

def fit_for(judgements, values, first_month, window, seasonal, denominators=None, measure="count") -> Fit | None:
    """:func:`fit` under noise-aware judgements; None under classic ones (the classic trend fits no model)."""
    if choice("judgements", judgements, JUDGEMENTS) == CLASSIC:
        return None
    return fit(values, first_month, window, seasonal, denominators, measure)


def project_for(f: Fit | None, months_to_target) -> Projection | None:
    return None if f is None else project(f, months_to_target)


def path_for(f: Fit | None, months_to_target, months_count: int) -> Projection | None:
    """The chart's path to each target date, never past the month axis (``months_count`` months) and never
    past the furthest target date: a bulletin with years of axis but targets a year ahead projects a year."""
    if f is None:
        return None
    horizon = np.asarray(months_to_target, dtype=float)
    furthest = np.nanmax(np.r_[horizon.ravel(), 1.0])
    return path(f, months_to_target, int(min(months_count, np.ceil(furthest))))


def _in_units(x, measure, population, per) -> np.ndarray:
    """A projected 12-month count in the indicator's own units: a rate indicator's count per ``per`` people
    (``x`` one value per series, or series × months)."""
    x = np.asarray(x, dtype=float)
    is_rate = choices("measure", measure, MEASURES, "count") == "rate"
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(is_rate, np.asarray(per, dtype=float) / np.asarray(population, dtype=float), 1.0)
    return x * factor.reshape(factor.shape + (1,) * (x.ndim - factor.ndim))


def _bound(p: Projection, level, side) -> np.ndarray:
    if side is None:
        return projected_year(p)
    return (lower_bound if side == "low" else upper_bound)(p, level)


def projected_figure(projection: Projection | None, measure, population, per, level=None, side=None) -> np.ndarray:
    """The projected 12-month figure at the target date in the indicator's units (``side`` "low"/"high": the
    ends of its central ``level`` interval); N/A without a projection."""
    if projection is None:
        return np.full(np.shape(measure), np.nan)
    return _in_units(_bound(projection, level, side), measure, population, per)


def probability_for(projection: Projection | None, target, direction) -> np.ndarray:
    """:func:`probability_met` against the trend's target (a rate's as a count); N/A without a projection."""
    if projection is None:
        return np.full(np.shape(direction), np.nan)
    return probability_met(projection, target, direction)


def path_on_axis(path_: Projection | None, last_index, current, measure, population, per, months_count: int,
                 level=None, side=None) -> np.ndarray:
    """The chart's projection: (series × months) on the month axis of ``months_count`` months, the current
    figure at each series' last month (so the line leaves the actual), then the projected 12-month figure at
    every month to the target date (``side``: the ends of its ``level`` interval); NaN elsewhere, and
    everywhere without a projection."""
    last = np.asarray(last_index)
    if path_ is None:
        return None
    width, ahead_months = int(months_count), path_.year.shape[-1]
    ahead = _in_units(_bound(path_, level, side).reshape(-1, ahead_months), measure, population, per)
    out = np.full((len(last), width), np.nan)
    cols = last[:, None] + 1 + np.arange(ahead_months)
    inside = (cols < width) & (last[:, None] >= 0)
    out[np.nonzero(inside)[0], cols[inside]] = ahead[inside]
    started = (last >= 0) & ~np.isnan(out[np.arange(len(last)), np.clip(last + 1, 0, width - 1)])
    out[np.flatnonzero(started), last[started]] = np.asarray(current, dtype=float)[started]
    return out


def other_reasons(f: Fit | None, like) -> np.ndarray:
    """Why a series has no projection, except too few months (which the bulletin words itself): "" where none
    (``like``: any figure with one value per series, for the shape under classic judgements)."""
    if f is None:
        return np.full(np.shape(like), "", dtype=object)
    return np.where(f.short, "", f.why).astype(object).reshape(f.shape)


def seasonally_adjusted_counts(f: Fit | None, values, first_month, measure) -> np.ndarray:
    """The counts the SPC chart shows: divided by their fitted month-of-year factors where the model has them
    (:func:`seasonally_adjusted`); percentages (p-charts) and classic judgements unadjusted."""
    if f is None:
        return values
    adjusted = seasonally_adjusted(f, values, first_month)
    is_pct = choices("measure", measure, MEASURES, "count") == "percentage"
    return np.where(is_pct[..., None], values, adjusted)


def adjusted_for_season(f: Fit | None, measure) -> np.ndarray:
    """Whether the SPC chart shows a series seasonally adjusted: a count with fitted month-of-year effects."""
    if f is None:
        return np.zeros(np.shape(measure), dtype=bool)
    return seasonal_used(f) & (choices("measure", measure, MEASURES, "count") != "percentage")
