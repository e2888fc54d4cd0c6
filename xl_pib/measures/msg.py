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
from .intervals import count_interval


def group_rate(group_counts, group_populations) -> np.ndarray:
    """Pooled rate of the group along its last axis; blanks (NaN) are skipped."""
    c, p = np.asarray(group_counts, dtype=float), np.asarray(group_populations, dtype=float)
    both = ~(np.isnan(c) | np.isnan(p))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(both, c, 0).sum(-1) / np.where(both, p, 0).sum(-1)


def msg_distance(count, population, group_counts, group_populations) -> np.ndarray:
    """(count/population) / (Σgroup counts/Σgroup populations) − 1."""
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.asarray(count, dtype=float) / np.asarray(population, dtype=float)
        return own / group_rate(group_counts, group_populations) - 1


def ratio_significance(observed, expected, conf=0.95) -> np.ndarray:
    """Position of observed counts against expected counts (funnel plot for ratios)."""
    obs, exp = np.asarray(observed, dtype=float), np.asarray(expected, dtype=float)
    lower, upper = count_interval(obs, conf)
    lower = np.where(np.isnan(lower) & (obs >= 0), 0.0, lower)
    with np.errstate(divide="ignore", invalid="ignore"):
        above, below = lower / exp > 1, upper / exp < 1
    out = np.select([above, below], [labels.SIG_ABOVE, labels.SIG_BELOW], default=labels.IN_LINE).astype(object)
    out[np.isnan(obs) | np.isnan(exp) | (exp <= 0)] = labels.NA
    return out


def msg_position(count, population, group_counts, group_populations, conf=0.95) -> np.ndarray:
    """"Significantly Above", "Significantly Below" or "In Line" the MSG average."""
    expected = group_rate(group_counts, group_populations) * np.asarray(population, dtype=float)
    return ratio_significance(count, expected, conf)
