"""Performance over the past month: the last month against an expected band (Appendix E).

The expected level for the latest month comes from the 12 months before it
(the *base*). Three ways to set the band:

- ``xmr`` (default): the XmR chart's natural process limits,
  mean(base) ± 2.66 · mean(|diff(base)|), with no screening of large moving
  ranges, as in the NHS "Making Data Count" tool.
  Ref: Wheeler, *Understanding Variation* (1993); NHS England, *Making Data
  Count* (2019); NHSRplotthedots ``ptd_spc`` (screen_outliers = FALSE).
- ``poisson``: the 2.5% and 97.5% quantiles of a Poisson distribution with
  mean(base) as its mean; counts only.
- ``trend``: the least-squares line through the base, predicted one month on,
  with a 95% prediction interval, ŷ ± t(0.975, 10) · s · √(1 + 1/12 + (12 − x̄)²/Sxx).
"""

from __future__ import annotations

import numpy as np

from .. import labels
from ..options import CLASSIC, EXPECTED_METHODS, JUDGEMENTS, MEASURES, choice, choices
from ..settings import DEFAULT
from .series import as_series, run_length, tail
from .trend import ols

BASE = 12
XMR_CONSTANT = 2.66  # 3 / d2, with d2 = 1.128 for moving ranges of two


def xmr_limits(y) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lower, centre, upper) natural process limits of each series, unscreened."""
    y = as_series(y)
    centre = y.mean(-1)
    spread = XMR_CONSTANT * np.abs(np.diff(y, axis=-1)).mean(-1)
    return centre - spread, centre, centre + spread


def _poisson_band(base):
    from scipy.stats import poisson  # heavy import, only for this method

    mu = base.mean(-1)
    return poisson.ppf(0.025, mu), mu, poisson.ppf(0.975, mu)


def _trend_band(base):
    from scipy.special import stdtrit

    n = base.shape[-1]
    intercept, slope = ols(base)
    x = np.arange(n, dtype=float)
    fitted = intercept[..., None] + slope[..., None] * x
    s = np.sqrt(((base - fitted) ** 2).sum(-1) / (n - 2))
    sxx = ((x - x.mean()) ** 2).sum()
    half = stdtrit(n - 2, 0.975) * s * np.sqrt(1 + 1 / n + (n - x.mean()) ** 2 / sxx)
    expected = intercept + slope * n
    return expected - half, expected, expected + half


def expected_band(values, method=DEFAULT.expected_method) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lower, expected, upper) for the last month of each series, from the 12 months before it.

    NaN where fewer than 13 months of unbroken data are available.
    """
    kind = choice("method", method, EXPECTED_METHODS, DEFAULT.expected_method)
    v = as_series(values)
    base = tail(v, BASE + 1)[..., :BASE]
    if kind == "xmr":
        lower, centre, upper = xmr_limits(base)
    elif kind == "poisson":
        lower, centre, upper = _poisson_band(base)
    else:
        lower, centre, upper = _trend_band(base)
    enough = run_length(v) >= BASE + 1
    return tuple(np.where(enough, b, np.nan) for b in (lower, centre, upper))


def month_status(values, method=DEFAULT.expected_method) -> np.ndarray:
    """"Above Expected Level", "Below Expected Level" or "In Line"; "N/A" if unknown."""
    lower, _, upper = expected_band(values, method)
    last = tail(values, 1)[..., 0]
    out = np.select([last > upper, last < lower], [labels.ABOVE_EXPECTED, labels.BELOW_EXPECTED],
                    default=labels.IN_LINE).astype(object)
    out[np.isnan(lower) | np.isnan(upper) | np.isnan(last)] = labels.NA
    return out


def past_month(monthly, method, measure) -> np.ndarray:
    """Performance over the past month for each indicator: :func:`month_status` of its monthly figures;
    N/A for a percentage under the ``poisson`` band, which is for counts only."""
    status = month_status(monthly, method)
    if choice("method", method, EXPECTED_METHODS, DEFAULT.expected_method) == "poisson":
        status = np.where(choices("measure", measure, MEASURES, "count") == "percentage", labels.NA, status)
    return np.asarray(status, dtype=object)


def short_after_break(months_since_break, judgements) -> np.ndarray:
    """Classic judgements read the past month against the months since the series' last break: series whose
    break leaves fewer than BASE + 1 months (noise-aware ones restart the SPC chart at the break instead)."""
    if choice("judgements", judgements, JUDGEMENTS) != CLASSIC:
        return np.zeros(np.shape(months_since_break), dtype=bool)
    with np.errstate(invalid="ignore"):
        return np.asarray(months_since_break, dtype=float) < BASE + 1
