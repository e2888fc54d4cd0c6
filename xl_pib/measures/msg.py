"""Most similar group (MSG): distance from, and position against, the group average (Appendix E).

The group figures include the partnership's own row. The group average is
the pooled rate Σcounts / Σpopulations, so large areas weigh more, as in
iQuanta.

Position follows PHEindicatormethods' ``funnel_ratio_significance``: the
expected count is E = group rate · population; the observed count's limits
(exact Poisson below 10, Byar's from 10) are compared with E. Above if
lower/E > 1, below if upper/E < 1, otherwise in line.
"""

from __future__ import annotations

import numpy as np

from .. import labels
from ..settings import DEFAULT
from .intervals import count_interval


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
