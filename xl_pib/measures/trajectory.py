"""Target trajectory, its limits, and the position against them (Appendix D).

The trajectory is the straight line from the baseline (at the end of the
baseline period, m = 0) to the target (at the target date, m = N). Around it,
after the iQuanta method the bulletin adapts, an upper and a lower limit start
at ``band`` (10%) of the required change either side of the trajectory and
narrow linearly to zero at the target date. A month is "Above Target" above
the upper limit, "Below Target" below the lower limit, and "On Target" between.
"""

from __future__ import annotations

import numpy as np

from .. import labels
from ..options import CLASSIC, JUDGEMENTS, choice
from ..settings import DEFAULT


def _progress(months_elapsed, months_total) -> np.ndarray:
    """m/N with m clipped to [0, N]; 1 when the target date is the baseline end."""
    m = np.asarray(months_elapsed, dtype=float)
    n = np.asarray(months_total, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.clip(m, 0, n) / n
    return np.where(n == 0, 1.0, share)


def trajectory(baseline, target, months_elapsed, months_total) -> np.ndarray:
    """Trajectory value at m: baseline + (target − baseline) · m/N."""
    base, tgt = np.asarray(baseline, dtype=float), np.asarray(target, dtype=float)
    return base + (tgt - base) * _progress(months_elapsed, months_total)


def limits(baseline, target, months_elapsed, months_total, band=DEFAULT.band_fraction) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) = trajectory ∓ band · |baseline − target| · (1 − m/N)."""
    base, tgt = np.asarray(baseline, dtype=float), np.asarray(target, dtype=float)
    share = _progress(months_elapsed, months_total)
    line = base + (tgt - base) * share
    width = np.asarray(band, dtype=float) * np.abs(base - tgt) * (1 - share)
    return line - width, line + width


# Positions as small integer codes, for whole monthly grids (charts); labels at the edge.
BELOW, ON, ABOVE, UNKNOWN = -1, 0, 1, 2
LABELS = np.array([labels.ON_TARGET, labels.ABOVE_TARGET, labels.NA, labels.BELOW_TARGET], dtype=object)


def position_code(value, baseline, target, months_elapsed, months_total, band=DEFAULT.band_fraction) -> np.ndarray:
    """:func:`position` as int8 codes: ABOVE, ON, BELOW, or UNKNOWN where an input is missing."""
    val = np.asarray(value, dtype=float)
    lower, upper = limits(baseline, target, months_elapsed, months_total, band)
    code = np.where(val > upper, ABOVE, np.where(val < lower, BELOW, ON)).astype(np.int8)
    code[np.isnan(val) | np.isnan(lower) | np.isnan(upper)] = UNKNOWN
    return code


def labels_of(codes) -> np.ndarray:
    """Position labels for codes from :func:`position_code` (BELOW = -1 indexes the last slot)."""
    return np.asarray(LABELS[np.asarray(codes)], dtype=object)


def position(value, baseline, target, months_elapsed, months_total, band=DEFAULT.band_fraction) -> np.ndarray:
    """"Above Target", "Below Target" or "On Target"; "N/A" where an input is missing."""
    return labels_of(position_code(value, baseline, target, months_elapsed, months_total, band))


def interval_code(value, low, high, lower, upper) -> np.ndarray:
    """Position codes judged on a figure's confidence interval (low, high) against the limits (lower, upper):
    ABOVE only when the whole interval is above the upper limit, BELOW only when it is wholly below the
    lower limit, ON otherwise. Where the interval is unknown (no sample size), the figure itself is judged."""
    val = np.asarray(value, dtype=float)
    lo, hi = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    lo, hi = np.where(np.isnan(lo), val, lo), np.where(np.isnan(hi), val, hi)
    code = np.where(lo > upper, ABOVE, np.where(hi < lower, BELOW, ON)).astype(np.int8)
    code[np.isnan(val) | np.isnan(lower) | np.isnan(upper)] = UNKNOWN
    return code


def judged_position(value, low, high, baseline, target, months_elapsed, months_total, band, judgements) -> np.ndarray:
    """Position against the target trajectory under a set of judgements.

    ``classic`` (the 2009 bulletin, Appendix D): the figure against the limits. ``noise-aware``: the
    figure's confidence interval against them (:func:`interval_code`), so a figure a handful of events off
    the trajectory, within its own noise, is On Target.
    """
    if choice("judgements", judgements, JUDGEMENTS) == CLASSIC:
        return position(value, baseline, target, months_elapsed, months_total, band)
    lower, upper = limits(baseline, target, months_elapsed, months_total, band)
    return labels_of(interval_code(value, low, high, lower, upper))


# Why a position is what it is: the cases its explanation is declared by (xl_pib.figures, SPEC.position).
CASE_ABOVE, CASE_BELOW, CASE_WITHIN = "above", "below", "within"
CASE_ABOVE_WITHIN_NOISE, CASE_BELOW_WITHIN_NOISE = "above, within noise", "below, within noise"


def position_case(value, low, high, lower, upper, judgements) -> np.ndarray:
    """The case of each indicator's position, for its explanation: ``above`` or ``below`` (judged off the
    trajectory's limits), ``within`` (the figure between the limits) or, noise-aware, ``above, within noise``
    and ``below, within noise``: the figure is beyond a limit but its confidence interval reaches it, so
    the position is On Target. "" where the position is unknown. The same rules as :func:`judged_position`."""
    val = np.asarray(value, dtype=float)
    lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    alone = np.where(val > upper, ABOVE, np.where(val < lower, BELOW, ON))
    judged = alone if choice("judgements", judgements, JUDGEMENTS) == CLASSIC else \
        interval_code(val, low, high, lower, upper)
    case = np.select([judged == ABOVE, judged == BELOW, alone == ABOVE, alone == BELOW],
                     [CASE_ABOVE, CASE_BELOW, CASE_ABOVE_WITHIN_NOISE, CASE_BELOW_WITHIN_NOISE],
                     default=CASE_WITHIN).astype(object)
    case[np.isnan(val) | np.isnan(lower) | np.isnan(upper)] = ""
    return case


# --- the chart: every month of each series ------------------------------------------------------


def elapsed_by_month(first_month, months_count: int, baseline_end) -> np.ndarray:
    """m for every month of the axis starting at ``first_month``: (series × months)."""
    axis = first_month + np.arange(months_count)
    return axis[None, :] - np.asarray(baseline_end, dtype=float)[:, None]


def monthly_trajectory(baseline, target, elapsed, months_total) -> np.ndarray:
    """:func:`trajectory` at every month (``elapsed`` from :func:`elapsed_by_month`)."""
    col = lambda a: np.asarray(a, dtype=float)[:, None]  # noqa: E731 - one value per series, along months
    return trajectory(col(baseline), col(target), elapsed, col(months_total))


def monthly_limits(baseline, target, elapsed, months_total, band) -> tuple[np.ndarray, np.ndarray]:
    """:func:`limits` at every month: (lower, upper), each (series × months)."""
    col = lambda a: np.asarray(a, dtype=float)[:, None]  # noqa: E731
    return limits(col(baseline), col(target), elapsed, col(months_total), band)


def lower_limit(limits_by_month) -> np.ndarray:
    """The lower limit of :func:`monthly_limits`."""
    return limits_by_month[0]


def upper_limit(limits_by_month) -> np.ndarray:
    """The upper limit of :func:`monthly_limits`."""
    return limits_by_month[1]


def monthly_position(rolled, limits_by_month, elapsed, rolling_interval=None) -> np.ndarray:
    """Position codes of every month's rolling figure against its limits (int8: the chart's markers), by the
    same rule as the position (its interval when ``rolling_interval`` is given: noise-aware); UNKNOWN before
    the baseline ends, where there is no trajectory to be on or off."""
    # Codes, not labels: 10,000 series × 120 months of strings would dominate the run.
    lower, upper = limits_by_month
    val = np.asarray(rolled, dtype=float)
    if rolling_interval is None:
        code = np.where(val > upper, ABOVE, np.where(val < lower, BELOW, ON)).astype(np.int8)
        code[np.isnan(val) | np.isnan(lower) | np.isnan(upper)] = UNKNOWN
    else:
        code = interval_code(val, rolling_interval[0], rolling_interval[1], lower, upper)
    code[np.broadcast_to(elapsed < 0, code.shape)] = UNKNOWN
    return code
