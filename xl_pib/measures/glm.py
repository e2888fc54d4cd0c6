"""Batched IRLS for the projection model: quasi-Poisson (log link) and quasi-binomial (logit link) GLMs.

The model of each series, over the ``W`` months of its window (t = 0 … W−1):

    η_t = intercept + slope · t [+ γ_month(t)]          (11 month-of-year effects, January the reference)
    counts:       E y_t = μ_t = exp η_t,                 Var y_t = φ · μ_t
    percentages:  E k_t = μ_t = n_t · expit η_t,         Var k_t = φ · n_t p_t (1 − p_t)

fitted by iteratively reweighted least squares, with the dispersion φ estimated
by Pearson's χ² / (W − p) (McCullagh & Nelder, *Generalized Linear Models*,
2nd ed., Chapman & Hall 1989: ch. 2 for IRLS, ch. 9 for quasi-likelihood and
the moment estimate of φ from Pearson's statistic). Both links are canonical, so IRLS is
Newton–Raphson and the working weight is w = dμ/dη = V(μ): μ for Poisson,
n p (1 − p) for the binomial. The projection model floors φ at 1
(:attr:`GLMFit.dispersion`): data less variable than Poisson are not taken as
more certain than Poisson.

**One pass for every series.** The seasonal model's 13 columns span the same
space as 12 month-of-year levels plus the slope, so it is fitted in that form:
its normal equations are an arrowhead matrix [[diag(A), B], [Bᵀ, C]] (A_j, B_j
the weights and weighted times of the months of phase j, C = Σ w t²), solved in
closed form through the Schur complement on the slope. An iteration is a
dozen elementwise operations on (series × months) arrays and 12 sums per
series: no matrix factorisation and no loop over series or months. A
non-seasonal series is the same arithmetic with one level. The window is
padded at its start to whole years (padded months weigh 0), so a month's phase
is its position modulo 12 and the sums are reshapes. Months lie along the first
axis, series along the second, so each sum over months adds contiguous rows
(numpy's own reductions: no BLAS call, whose threads only contend on a busy
machine).

Oracle: statsmodels 0.15, ``sm.GLM(y, X, family=sm.families.Poisson()).fit(scale="X2")``
(``Binomial()`` on the proportions with the denominators as ``var_weights``; with a
(successes, failures) response its X2 scale leaves the trials out) for the
coefficients, their standard errors and the fitted values, in
``tests/engine/test_projection.py``.
statsmodels is a test dependency only: the runtime never imports it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PERIOD = 12
MAX_ITERATIONS = 50
# The largest change of a coefficient (log or logit scale) at which a series has converged. IRLS converges
# quadratically, so the step before was about the square root of this; series stop iterating one by one.
TOLERANCE = 1e-10


@dataclass(frozen=True)
class GLMFit:
    """The fitted GLMs of S series. Monthly arrays are (Wp, S): months of the padded window first."""

    y: np.ndarray            # (Wp, S) counts or numerators (0 where padded)
    n: np.ndarray            # (Wp, S) binomial trials (1 for counts and where padded)
    t: np.ndarray            # (Wp,) months from the window's first month (negative where padded)
    pad: int                 # padded months before the window
    binomial: np.ndarray     # (S,) quasi-binomial (percentages) rather than quasi-Poisson
    seasonal: np.ndarray     # (S,) month-of-year effects fitted
    level: np.ndarray        # (12, S) linear predictor at t = 0 of each phase (padded position mod 12)
    slope: np.ndarray        # (S,) change of η per month
    A: np.ndarray            # (12, S) Σ w per level (one level for non-seasonal series; unused levels hold 1)
    B: np.ndarray            # (12, S) Σ w t per level (0 for unused levels)
    schur: np.ndarray        # (S,) C − Σ B²/A: the slope's precision per unit scale
    mu: np.ndarray           # (Wp, S) fitted means (counts, or expected numerators)
    scale: np.ndarray        # (S,) Pearson χ² / (W − p), as statsmodels' scale="X2"
    df_resid: np.ndarray     # (S,) W − p
    converged: np.ndarray    # (S,)
    iterations: int

    @property
    def dispersion(self) -> np.ndarray:
        """φ of the projection model: the Pearson estimate, at least 1."""
        return np.maximum(self.scale, 1.0)

    @property
    def params(self) -> np.ndarray:
        """Number of coefficients of each series' model: 13 seasonal, 2 otherwise."""
        return np.where(self.seasonal, PERIOD + 1, 2)


def padding(window: int) -> int:
    """Months added before the window so that it covers whole years."""
    return -window % PERIOD


def column_sums(x) -> np.ndarray:
    """Sums over the first axis (months), added in order: numpy's own sum adds a single column pairwise but
    several columns in order, so a series fitted alone (a =PIB_ function) would differ in its last bits from
    the same series fitted with others (a bulletin, a batch). A running sum adds in order whatever the width."""
    x = np.asarray(x)
    return np.cumsum(x, axis=0)[-1] if x.shape[0] else np.zeros(x.shape[1:])


def _by_phase(x) -> np.ndarray:
    """(Wp, S) -> (12, S): sums over the months of each phase."""
    return column_sums(x.reshape(-1, PERIOD, x.shape[-1]))


def _levels(x, seasonal) -> np.ndarray:
    """(12, S) sums per phase, collapsed into the first level for non-seasonal series."""
    if seasonal.all():
        return x
    collapsed = np.zeros_like(x)
    collapsed[0] = column_sums(x)
    return collapsed if not seasonal.any() else np.where(seasonal, x, collapsed)


def _mean_weight(eta, n, binomial):
    """Fitted mean and working weight dμ/dη (= the variance function, both links being canonical)."""
    with np.errstate(over="ignore"):
        if not binomial.any():
            mu = np.exp(eta)
            return mu, mu
        p = 1.0 / (1.0 + np.exp(-eta))
        if binomial.all():
            mu = n * p
            return mu, mu * (1.0 - p)
        mu = np.where(binomial, n * p, np.exp(eta))
        return mu, np.where(binomial, mu * (1.0 - p), mu)


def _solve(w, wz, t, seasonal):
    """The weighted least-squares step for every series: levels, slope and the normal equations' parts.

    ``w`` the working weights (0 where padded), ``wz`` the weights times the working response z (None: only
    the normal equations' parts are wanted).
    """
    # Sums over months: by phase through reshapes, against t and t² as column sums (not BLAS products, whose
    # rounding can depend on how many series are fitted together).
    A, B, C = _levels(_by_phase(w), seasonal), _levels(_by_phase(w * t[:, None]), seasonal), column_sums(w * (t * t)[:, None])
    if not seasonal.all():
        used = seasonal | (np.arange(PERIOD) == 0)[:, None]
        A = np.where(used, A, 1.0)  # an unused level: a decoupled unknown that solves to 0
    schur = C - column_sums(B * B / A)
    if wz is None:
        return None, None, A, B, schur
    R, E = _levels(_by_phase(wz), seasonal), column_sums(wz * t[:, None])
    slope = (E - column_sums(B * R / A)) / schur
    level = (R - B * slope) / A
    if not seasonal.all():
        level = np.where(seasonal, level, level[:1])
    return level, slope, A, B, schur


def _predictor(level, slope, t) -> np.ndarray:
    """η (Wp, S) from the levels (12, S) and slopes (S,): each month's phase level plus slope × t."""
    trend = t[:, None] * slope
    return (trend.reshape(-1, PERIOD, trend.shape[-1]) + level).reshape(trend.shape)


def fit(y, n, binomial, seasonal, window: int) -> GLMFit:
    """Fit every series' GLM at once.

    ``y`` and ``n`` are (S, W) arrays of the window's counts (numerators) and
    trials (ignored for counts), with no missing month: the caller screens
    unusable series and passes placeholders for them. ``binomial`` and
    ``seasonal`` are (S,) booleans.
    """
    y = np.asarray(y, dtype=float)
    s = y.shape[0]
    binomial = np.broadcast_to(np.asarray(binomial, dtype=bool), (s,))
    seasonal = np.broadcast_to(np.asarray(seasonal, dtype=bool), (s,))
    if binomial.any() and not binomial.all():
        # Each family in its own pass: one set of formulas per pass, no per-element choice between them.
        parts = [(np.flatnonzero(binomial == b), b) for b in (False, True)]
        fits = [_fit(y[i], np.asarray(n, dtype=float)[i] if b else None, np.full(i.size, b), seasonal[i], window)
                for i, b in parts]
        return _merged(fits, [i for i, _ in parts], s)
    return _fit(y, n, binomial, seasonal, window)


def _merged(fits: list[GLMFit], columns: list[np.ndarray], s: int) -> GLMFit:
    """One GLMFit of S series from fits of subsets (every per-series array has the series last)."""
    merged = {}
    for name in ("y", "n", "binomial", "seasonal", "level", "slope", "A", "B", "schur", "mu", "scale", "df_resid",
                 "converged"):
        first = getattr(fits[0], name)
        out = np.empty(first.shape[:-1] + (s,), dtype=first.dtype)
        for part, cols in zip(fits, columns):
            out[..., cols] = getattr(part, name)
        merged[name] = out
    return GLMFit(t=fits[0].t, pad=fits[0].pad, iterations=max(f.iterations for f in fits), **merged)


def _fit(y, n, binomial, seasonal, window: int) -> GLMFit:
    s = y.shape[0]
    pad = padding(window)
    wp = window + pad
    t = np.arange(wp, dtype=float) - pad
    yt = np.zeros((wp, s))
    yt[pad:] = y.T
    nt = np.ones((wp, s))
    if binomial.any():
        nt[pad:] = np.where(binomial, np.asarray(n, dtype=float).T, 1.0)

    # Starting values as statsmodels takes them: μ = (y + ȳ)/2 for counts, p = (k + ½)/(n + 1) for proportions.
    eta = np.log((yt + column_sums(yt[pad:]) / window) / 2) if not binomial.all() else np.zeros_like(yt)
    if binomial.any():
        start_p = (yt + 0.5) / (nt + 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):  # the proportions' formula means nothing for counts
            eta = np.where(binomial, np.log(start_p / (1 - start_p)), eta)
    eta[:pad] = 0.0
    mu, w = _mean_weight(eta, nt, binomial)
    level = np.zeros((PERIOD, s))
    slope = np.zeros(s)
    converged = np.zeros(s, dtype=bool)
    iterations = 0
    active = np.arange(s)
    for iterations in range(1, MAX_ITERATIONS + 1):
        # Once most series have converged, only those still moving take another step. While they are many,
        # every series is stepped (cheaper than picking them out) but a converged one keeps its values, so a
        # series' fit never depends on the others it is fitted with (a batch equals each bulletin alone).
        cols = slice(None) if active.size > s // 4 else active
        y_a, n_a, b_a, s_a = yt[:, cols], nt[:, cols], binomial[cols], seasonal[cols]
        w_a = w[:, cols]
        wz = w_a * eta[:, cols] + (y_a - mu[:, cols])   # w · z, with the working response z = η + (y − μ)/w
        if pad:
            w_a = w_a.copy()
            w_a[:pad] = 0.0  # padded months weigh nothing
            wz[:pad] = 0.0
        lv, sl, A_a, _, _ = _solve(w_a, wz, t, s_a)
        eta_a = _predictor(lv, sl, t)
        mu_a, w_a = _mean_weight(eta_a, n_a, b_a)
        # Converged: no coefficient moves by more than TOLERANCE (the slope over the whole window). A
        # month-of-year level whose months are all 0 heads for -inf without mattering: it is not waited for.
        matters = A_a > 1e-12 * column_sums(A_a)
        moved = np.maximum(np.where(matters, np.abs(lv - level[:, cols]), 0.0).max(0),
                           np.abs(sl - slope[cols]) * window)
        done = moved <= TOLERANCE
        if active.size == s:
            level, slope, eta, mu, w = lv, sl, eta_a, mu_a, w_a
            converged = done
        elif isinstance(cols, slice):
            frozen = converged
            level, slope = np.where(frozen, level, lv), np.where(frozen, slope, sl)
            eta, mu, w = np.where(frozen, eta, eta_a), np.where(frozen, mu, mu_a), np.where(frozen, w, w_a)
            converged = frozen | done
        else:
            level[:, cols], slope[cols], eta[:, cols], mu[:, cols], w[:, cols] = lv, sl, eta_a, mu_a, w_a
            converged[cols] = done
        active = np.flatnonzero(~converged)
        if active.size == 0:
            break

    if pad:
        w = w.copy()  # (for counts w is μ itself)
        w[:pad] = 0.0
    pearson = column_sums((yt[pad:] - mu[pad:]) ** 2 / w[pad:])
    df_resid = window - np.where(seasonal, PERIOD + 1, 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = pearson / df_resid
    # The covariance is taken at the final weights (statsmodels uses the last step's, identical at convergence).
    _, _, A, B, schur = _solve(w, None, t, seasonal)
    return GLMFit(y=yt, n=nt, t=t, pad=pad, binomial=binomial, seasonal=seasonal, level=level, slope=slope,
                  A=A, B=B, schur=schur, mu=mu, scale=scale, df_resid=df_resid, converged=converged,
                  iterations=iterations)


def predict(g: GLMFit, position, trials) -> tuple[np.ndarray, np.ndarray]:
    """Mean and working weight of each series at months ``position`` (k, S) of its window (t = 0 its first
    month; beyond it for a projection), with ``trials`` (k, S) binomial trials there (ignored for counts)."""
    position = np.asarray(position)
    eta = np.take_along_axis(g.level, phase_of(g, position), axis=0) + g.slope * position
    return _mean_weight(eta, np.asarray(trials, dtype=float), g.binomial)


def phase_of(g: GLMFit, position) -> np.ndarray:
    """The phase (0 … 11) of months ``position`` of the window."""
    return (np.asarray(position).astype(np.int64) + g.pad) % PERIOD


def quadratic_form(g: GLMFit, by_phase, on_slope) -> np.ndarray:
    """gᵀ (XᵀWX)⁻¹ g for gradients g given per phase (12, S) and on the slope (S,), in closed form.

    With M = [[diag(A), B], [Bᵀ, C]] and s = C − Σ B²/A: gᵀM⁻¹g = Σ g_j²/A_j + (g_b − Σ B_j g_j/A_j)² / s.
    """
    levels = _levels(np.asarray(by_phase, dtype=float), g.seasonal)
    return column_sums(levels ** 2 / g.A) + (on_slope - column_sums(g.B * levels / g.A)) ** 2 / g.schur


def coefficients(g: GLMFit, first_phase_month) -> tuple[np.ndarray, np.ndarray]:
    """(coefficients, unscaled variances) in the published parameterisation, (S, 13) each:
    intercept, slope, then the effects of February … December against January (NaN when not seasonal).

    ``first_phase_month`` (S,): the calendar month (0 = January) of phase 0 of the padded window.
    """
    s = g.slope.shape[0]
    level, A, B = g.level.T, g.A.T, g.B.T  # (S, 12)
    month_phase = (np.arange(PERIOD) - np.asarray(first_phase_month)[:, None]) % PERIOD  # (S, 12) by calendar month
    rows = np.arange(s)[:, None]
    jan = np.where(g.seasonal, month_phase[:, 0], 0)
    a_j, b_j = A[np.arange(s), jan], B[np.arange(s), jan]
    intercept = level[np.arange(s), jan]
    var_intercept = 1 / a_j + b_j ** 2 / (a_j ** 2 * g.schur)
    effects = level[rows, month_phase[:, 1:]] - intercept[:, None]
    a_m, b_m = A[rows, month_phase[:, 1:]], B[rows, month_phase[:, 1:]]
    var_effects = 1 / a_m + 1 / a_j[:, None] + (b_m / a_m - (b_j / a_j)[:, None]) ** 2 / g.schur[:, None]
    coef = np.column_stack([intercept, g.slope, np.where(g.seasonal[:, None], effects, np.nan)])
    var = np.column_stack([var_intercept, 1 / g.schur, np.where(g.seasonal[:, None], var_effects, np.nan)])
    return coef, var
