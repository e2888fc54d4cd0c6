"""Most similar group (MSG): distance from, and position against, the group average (Appendix E).

The group figures include the partnership's own row. The group average is
the pooled rate Σcounts / Σpopulations, so large areas weigh more, as in
iQuanta.

Position, classic: PHEindicatormethods' ``funnel_ratio_significance``: the
expected count is E = group rate · population; the observed count's limits
(exact Poisson below 10, Byar's from 10) are compared with E. Above if
lower/E > 1, below if upper/E < 1, otherwise in line.

Position, noise-aware: an overdispersed funnel (Spiegelhalter, "Funnel plots
for comparing institutional performance", *Statistics in Medicine* 24:1185,
2005; as FunnelPlotR's ``funnel_plot(data_type = "SR", sr_method = "CQC",
trim_by = 0.1)`` computes its dispersion). For the group's areas, O = each
area's count and E = (Σ counts / Σ populations) · its population; on the
square-root scale z = 2(√O − √E), winsorised at its 10th and 90th
percentiles (linear interpolation, R's type 7); φ = mean z²; with w = 4E,
τ² = 0 when kφ < k − 1, else max(0, (kφ − (k − 1)) / (Σw − Σw²/Σw)). The
limits of O/E are (1 ∓ z·√(1/(4E) + τ²))², the lower held at 0. FunnelPlotR
compares O/E with the unsquared limits (its open issue #33); this module
follows the paper and squares them. Tested against FunnelPlotR's own
output (``funnelplotr_od_funnels.csv``): φ and τ² to 1e-9, limits and
positions exactly.
"""

from __future__ import annotations

import warnings

import numpy as np

from .. import labels
from ..options import CLASSIC, JUDGEMENTS, choice
from ..settings import DEFAULT
from .intervals import count_interval, z_value

ABOVE_AVERAGE, BELOW_AVERAGE = "Above MSG average", "Below MSG average"
WINSOR = 0.1  # z is winsorised at these tail quantiles (Spiegelhalter 2005; FunnelPlotR trim_by = 0.1)


def group_rate(group_counts, group_populations) -> np.ndarray:
    """Pooled rate of the group along its last axis; blanks (NaN) are skipped."""
    c, p = np.asarray(group_counts, dtype=float), np.asarray(group_populations, dtype=float)
    both = ~(np.isnan(c) | np.isnan(p))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(both, c, 0).sum(-1) / np.where(both, p, 0).sum(-1)


def group_total(group) -> np.ndarray:
    """Σ over a group's areas (last axis), skipping blanks; NaN for a group with no areas."""
    g = np.asarray(group, dtype=float)
    return np.where(np.isnan(g).all(-1), np.nan, np.nansum(g, axis=-1))


def missing_own_row(count, group_count) -> np.ndarray:
    """A group with areas but no row for the indicator's own area."""
    return np.isnan(np.asarray(count, dtype=float)) & ~np.isnan(np.asarray(group_count, dtype=float))


def no_group(group_count) -> np.ndarray:
    """Indicators with no most similar group on the MSG sheet."""
    return np.isnan(np.asarray(np.nan if group_count is None else group_count, dtype=float))


def expected_count(population, group_count, group_population) -> np.ndarray:
    """E = (group count / group population) · population: the count the area would have at its group's rate."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(group_count, dtype=float) / np.asarray(group_population, dtype=float) * \
            np.asarray(population, dtype=float)


def distance(count, population, group_count, group_population) -> np.ndarray:
    """(count/population) / (group count/group population) − 1, from the group's totals."""
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.asarray(count, dtype=float) / np.asarray(population, dtype=float)
        return own / (np.asarray(group_count, dtype=float) / np.asarray(group_population, dtype=float)) - 1


def position(count, population, group_count, group_population, conf=DEFAULT.confidence) -> np.ndarray:
    """:func:`msg_position` from the group's totals."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.asarray(group_count, dtype=float) / np.asarray(group_population, dtype=float)
    return ratio_significance(count, rate * np.asarray(population, dtype=float), conf)


def msg_distance(count, population, group_counts, group_populations) -> np.ndarray:
    """(count/population) / (Σgroup counts/Σgroup populations) − 1."""
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.asarray(count, dtype=float) / np.asarray(population, dtype=float)
        return own / group_rate(group_counts, group_populations) - 1


def ratio_significance(observed, expected, conf=DEFAULT.confidence) -> np.ndarray:
    """Position of observed counts against expected counts (funnel plot for ratios)."""
    obs, exp = np.asarray(observed, dtype=float), np.asarray(expected, dtype=float)
    lower, upper = count_interval(obs, conf)
    lower = np.where(np.isnan(lower) & (obs >= 0), 0.0, lower)
    with np.errstate(divide="ignore", invalid="ignore"):
        above, below = lower / exp > 1, upper / exp < 1
    out = np.select([above, below], [labels.SIG_ABOVE, labels.SIG_BELOW], default=labels.IN_LINE).astype(object)
    out[np.isnan(obs) | np.isnan(exp) | (exp <= 0)] = labels.NA
    return out


def msg_position(count, population, group_counts, group_populations, conf=DEFAULT.confidence) -> np.ndarray:
    """"Significantly Above", "Significantly Below" or "In Line" the MSG average."""
    expected = group_rate(group_counts, group_populations) * np.asarray(population, dtype=float)
    return ratio_significance(count, expected, conf)


def side(distance) -> np.ndarray:
    """Which side of the group average the partnership's rate lies, in the seed's words."""
    d = np.asarray(distance, dtype=float)
    out = np.where(d > 0, ABOVE_AVERAGE, BELOW_AVERAGE).astype(object)
    out[np.isnan(d) | (d == 0)] = labels.NA
    return out


def _quantile(ordered: np.ndarray, k: np.ndarray, q: float) -> np.ndarray:
    """R's type-7 quantile (linear interpolation) of each row of ``ordered`` (sorted, NaN last, k values)."""
    h = (np.maximum(k, 1) - 1) * q
    below = np.floor(h).astype(int)
    above = np.minimum(below + 1, np.maximum(k - 1, 0))
    low = np.take_along_axis(ordered, below[..., None], axis=-1)[..., 0]
    high = np.take_along_axis(ordered, above[..., None], axis=-1)[..., 0]
    return low + (h - below) * (high - low)


def _winsorised(z: np.ndarray) -> np.ndarray:
    """z clipped to its own 10th and 90th percentiles along the last axis (NaN = no area), for every group at
    once (numpy's nanquantile loops over rows in Python)."""
    ordered = np.sort(z, axis=-1)  # NaN sort last
    k = (~np.isnan(z)).sum(-1)
    low, high = _quantile(ordered, k, WINSOR), _quantile(ordered, k, 1 - WINSOR)
    return np.clip(z, low[..., None], high[..., None])


def dispersion(group_counts, group_populations) -> tuple[np.ndarray, np.ndarray]:
    """(φ, τ²) of each group (last axis = areas, NaN padded): the overdispersion ratio and the
    between-area variance on the square-root scale (Spiegelhalter 2005)."""
    if group_counts is None or group_populations is None:  # no MSG table at all
        return np.array(np.nan), np.array(np.nan)
    o, pop = np.asarray(group_counts, dtype=float), np.asarray(group_populations, dtype=float)
    if o.shape[-1] == 0:  # groups with no areas
        return np.full(o.shape[:-1], np.nan), np.full(o.shape[:-1], np.nan)
    present = ~(np.isnan(o) | np.isnan(pop))
    o, pop = np.where(present, o, np.nan), np.where(present, pop, np.nan)
    k = present.sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.nansum(o, -1, keepdims=True) / np.nansum(pop, -1, keepdims=True)
        e = rate * pop
        z = _winsorised(2 * (np.sqrt(o) - np.sqrt(e)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a group with no areas has no mean
            phi = np.nanmean(z ** 2, -1) if o.size else np.full(o.shape[:-1], np.nan)
        w = 4 * e
        sw, sw2 = np.nansum(w, -1), np.nansum(w ** 2, -1)
        tau2 = np.where(k * phi < k - 1, 0.0, np.maximum(0.0, (k * phi - (k - 1)) / (sw - sw2 / sw)))
    unknown = k == 0
    return np.where(unknown, np.nan, phi), np.where(unknown, np.nan, tau2)


def between_area_variance(group_counts, group_populations) -> np.ndarray:
    """τ² of each group: the MSG figure an overdispersed funnel widens its limits by."""
    return dispersion(group_counts, group_populations)[1]


def between_area_variance_of(indicators, group_indicators, group_counts, group_populations) -> np.ndarray:
    """τ² of each of ``indicators``' groups, from one long table (the MSG sheet: each row's indicator, count and
    population): the rows are laid out as (indicators × areas) padded grids, as the bulletin's engine holds them,
    and :func:`between_area_variance` runs once over all. NaN for an indicator with no rows."""
    wanted = np.asarray(indicators, dtype=object).ravel()
    ids = np.asarray(group_indicators, dtype=object).ravel()
    counts, pops = np.asarray(group_counts, dtype=float).ravel(), np.asarray(group_populations, dtype=float).ravel()
    unique, row = np.unique(wanted.astype(str), return_inverse=True)
    group = np.searchsorted(unique, ids.astype(str))
    found = (group < len(unique)) & (unique[np.minimum(group, len(unique) - 1)] == ids.astype(str))
    found &= ~(np.isnan(counts) | np.isnan(pops))
    group, counts, pops = group[found], counts[found], pops[found]
    order = np.argsort(group, kind="stable")
    slot = np.empty(len(group), dtype=int)
    slot[order] = np.arange(len(group)) - np.searchsorted(group[order], group[order], side="left")
    width = int(slot.max()) + 1 if len(slot) else 1
    grid_c, grid_p = np.full((len(unique), width), np.nan), np.full((len(unique), width), np.nan)
    grid_c[group, slot], grid_p[group, slot] = counts, pops
    return between_area_variance(grid_c, grid_p)[row]


def funnel_limits(expected, tau2, conf=DEFAULT.confidence, z: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) overdispersed limits of O/E for an expected count E: (1 ∓ z·√(1/(4E) + τ²))²,
    the lower held at 0. ``z`` defaults to the normal quantile of ``conf``; FunnelPlotR hard-codes it to
    six decimals (1.959964, 3.090232), which the tests pass to compare with its output to 1e-12."""
    e, t = np.asarray(expected, dtype=float), np.asarray(tau2, dtype=float)
    z = z_value(conf) if z is None else z
    with np.errstate(invalid="ignore", divide="ignore"):
        half = z * np.sqrt(1 / (4 * e) + t)
    return np.maximum(1 - half, 0) ** 2, (1 + half) ** 2


def overdispersed_position(count, population, group_count, group_population, tau2,
                           conf=DEFAULT.confidence) -> np.ndarray:
    """Position of each area's O/E against the overdispersed funnel of its group (Spiegelhalter 2005)."""
    o, pop = np.asarray(count, dtype=float), np.asarray(population, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        e = np.asarray(group_count, dtype=float) / np.asarray(group_population, dtype=float) * pop
        ratio = o / e
    lower, upper = funnel_limits(e, tau2, conf)
    out = np.select([ratio > upper, ratio < lower], [labels.SIG_ABOVE, labels.SIG_BELOW],
                    default=labels.IN_LINE).astype(object)
    out[np.isnan(o) | np.isnan(e) | (e <= 0) | np.isnan(np.asarray(tau2, dtype=float))] = labels.NA
    return out


def judged_position(count, population, group_count, group_population, tau2, conf, judgements) -> np.ndarray:
    """Position against the MSG average: Poisson limits (classic) or the overdispersed funnel (noise-aware)."""
    if choice("judgements", judgements, JUDGEMENTS) == CLASSIC:
        return position(count, population, group_count, group_population, conf)
    return overdispersed_position(count, population, group_count, group_population, tau2, conf)
