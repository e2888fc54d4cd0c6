"""Performance over the past month as a Making Data Count SPC chart (issue 15, the ``noise-aware`` judgement).

Method: the XmR chart (Wheeler, *Understanding Variation*, 1993) with the
special-cause rules of NHS England's *Making Data Count* (2019), exactly as
NHSRplotthedots 0.2.2 computes them (nhs-r-community/NHSRplotthedots @050b07d:
``R/ptd_spc_standard.R`` and ``R/ptd_calculate_point_type.R``), called with
``screen_outliers = FALSE`` as the Making Data Count Excel tool works:

- **Limits.** Within each *period* (the whole chart, or the months from one
  rebase to the next) the mean and the mean moving range are taken over the
  first ``baseline_points`` points of the period (``fix_after_n_points``;
  None or 0: all its points) and then held fixed. Process limits are
  mean ± 2.66 × mean moving range, unscreened; the "2 sigma" lines are
  mean ± 2 × (2.66 / 3) × mean moving range. A moving range never spans a
  rebase. A period of one point has no limits (NaN), as in the package.
- **Percentages: a p-chart.** With ``denominators`` (the values are then the
  numerators), each month is p = numerator / denominator; p̄ is pooled over the
  baseline points (Σ numerators / Σ denominators) and the limits are
  p̄ ± 3√(p̄(1 − p̄)/n) with each month's own denominator n (2 sigma:
  p̄ ± 2√(p̄(1 − p̄)/n)), shown clipped to [0, 1]. The same rules apply.
  (Montgomery, *Introduction to Statistical Quality Control*, 7th ed., §7.2.)
- **Special causes**, each found within a period, in this order of
  precedence (a point takes the first that applies):

  1. ``OUTSIDE``: the point is above the upper or below the lower limit;
  2. ``TREND``: it is one of 7 consecutive points each higher (or each lower)
     than the one before; a tie breaks the run; a point where a rise turns into a
     fall takes the direction of the run to its right;
  3. ``TWO_IN_THREE``: 2 of 3 consecutive points lie beyond the 2-sigma line
     (and inside the limits) and all 3 are on the same side of the mean; only
     the points beyond the line are marked (the third may be anywhere on that side);
  4. ``SHIFT``: it is one of 7 consecutive points on the same side of the mean
     (a point on the mean breaks the run).

  Every point of a run is marked, not only the one that completes it. Each
  point's *side* is +1 (special cause high), −1 (low) or 0 (common cause);
  its *type* is the side times the improvement direction (``up`` +1, ``down``
  −1): +1 special cause improvement, −1 special cause concern, 0 common cause.
- **Which months are charted.** The unbroken run of months ending at the last
  month (as every past-month measure reads a series; see
  :func:`~xl_pib.measures.series.run_length`). Months before it are not
  charted (NaN limits, period −1); a zero denominator is a missing month.
- **Seasonal adjustment is the caller's.** Counts with seasonality are charted
  on values already divided by their fitted month-of-year factors.

The past month's status is "Above Expected Level" / "Below Expected Level"
when the last point is a special cause high / low, otherwise "In Line"; N/A
when the last period has fewer than :data:`MIN_POINTS` (13) months:
NHSRplotthedots draws limits from 2 points but calls a period of fewer than
13 points (its ``ptd_spc.warning_threshold``, default 13; its message says
"n < 12") a trial chart whose limits "will be revised with each additional
observation", and it refuses ``fix_after_n_points`` below 12
(:data:`MIN_BASELINE`).

A *suggested rebase* is not a rebase: where the last :data:`RUN` or more
months lie on one side of the mean (a sustained shift that persists to the
latest month), :func:`suggested_rebase` gives the first month of that run, so
the bulletin can warn; only a ``Rebase`` the analyst enters starts a period.

API (every function takes arrays of series on the last axis and works on all
series at once; ``rebase`` is 0/1 beside the values, 1 at the first month of a
new period, broadcast to the values' shape):

- ``chart(values, baseline_points, rebase, denominators, measure) -> Chart``:
  the arrays (values charted, mean, lower, upper, side, rule, period, run) and
  every judgement below as a method (``Chart.past_month()``, ...), so the
  registry can compute a bulletin's charts once and read them several ways;
  the functions below are ``chart(...)`` then the method of the same name;
- ``limits(...) -> (mean, lower, upper)``;
- ``point_types(values, direction, ...) -> int8`` codes +1 / −1 / 0;
- ``rule_fired(...) -> int8`` codes :data:`COMMON`, :data:`OUTSIDE`,
  :data:`TREND`, :data:`TWO_IN_THREE`, :data:`SHIFT` at every point;
- ``month_states(...)``: each month's label; ``past_month(...)``: the last month's;
- ``explanation(...)``: the rule that made the last month a special cause, in
  words ("7th month in a row above the average"); "" when it is common cause;
- ``suggested_rebase(...) -> index`` of the month a sustained shift began (−1: none);
- ``period_points(...)``: months in the last period (for "needs 13 months" reasons).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .. import labels
from ..errors import OptionError
from ..options import (CLASSIC, DIRECTIONS, JUDGEMENTS, MAX_WINDOW, MEASURES, REBASE, SPC_MIN_BASELINE, check, choice,
                       choices)
from .expected import XMR_CONSTANT
from .series import as_series, unaligned

RUN = 7  # points in a shift or a trend
NEAR = 2 * (XMR_CONSTANT / 3)  # the 2-sigma line in mean moving ranges, written as the package computes it
P_SIGMAS = 3.0
MIN_POINTS = 13
MIN_BASELINE = SPC_MIN_BASELINE

COMMON, OUTSIDE, TREND, TWO_IN_THREE, SHIFT = 0, 1, 2, 3, 4
# NHSRplotthedots' special_cause_type for each (rule, side), as its data frame spells it.
RULE_NAMES = {(COMMON, 0): "Common Cause", (OUTSIDE, 1): "Above UCL", (OUTSIDE, -1): "Below LCL",
              (TREND, 1): "7 Point Trend (Increasing)", (TREND, -1): "7 Point Trend (Decreasing)",
              (TWO_IN_THREE, 1): "2 in 3 Above CL", (TWO_IN_THREE, -1): "2 in 3 Below CL",
              (SHIFT, 1): "7 Points Above CL", (SHIFT, -1): "7 Points Below CL"}
# The package's point_type for each type code.
POINT_TYPE_NAMES = {1: "special_cause_improvement", -1: "special_cause_concern", 0: "common_cause"}

_WORDS = {(OUTSIDE, 1): labels.SPC_OUTSIDE_HIGH, (OUTSIDE, -1): labels.SPC_OUTSIDE_LOW,
          (TREND, 1): labels.SPC_TREND_UP, (TREND, -1): labels.SPC_TREND_DOWN,
          (TWO_IN_THREE, 1): labels.SPC_TWO_IN_THREE_HIGH, (TWO_IN_THREE, -1): labels.SPC_TWO_IN_THREE_LOW,
          (SHIFT, 1): labels.SPC_SHIFT_HIGH, (SHIFT, -1): labels.SPC_SHIFT_LOW}


def _trailing(flags) -> np.ndarray:
    """How many months in a row ``flags`` holds up to the last month."""
    t_len = flags.shape[-1]
    if t_len == 0:
        return np.zeros(flags.shape[:-1], int)
    stop = ~flags[..., ::-1]
    return np.where(stop.any(-1), np.argmax(stop, axis=-1), t_len)


def _run_length(continues) -> np.ndarray:
    """Length of the run ending at each point, where ``continues`` says a point extends the run before it."""
    t = np.arange(continues.shape[-1], dtype=np.int16)
    began = np.maximum.accumulate(np.where(continues, np.int16(0), t), axis=-1)
    return t - began + np.int16(1)


def _all_behind(flags, width: int) -> np.ndarray:
    """True where ``flags`` holds at this point and the ``width - 1`` points before it."""
    out = flags.copy()
    for k in range(1, width):  # a fixed window of shifts, not a loop over months
        out[..., k:] &= flags[..., :-k]
        out[..., :k] = False
    return out


def _any_ahead(ends, width: int) -> np.ndarray:
    """True where a run end lies at this point or up to ``width - 1`` points later (marks a whole run)."""
    out = ends.copy()
    for k in range(1, width):
        out[..., :-k] |= ends[..., k:]
    return out


def _later(a, fill) -> np.ndarray:
    """``a`` moved one month later (each month sees the month before it)."""
    out = np.empty_like(a)
    out[..., 1:] = a[..., :-1]
    out[..., :1] = fill
    return out


def _last(a, fill=0) -> np.ndarray:
    """The last month of each series (``fill`` for series with no months at all)."""
    return a[..., -1] if a.shape[-1] else np.full(a.shape[:-1], fill, dtype=a.dtype)


def _signs(d) -> np.ndarray:
    """−1, 0 or +1 as int8 (0 for NaN)."""
    return (d > 0).view(np.int8) - (d < 0).view(np.int8)


def _label(side, shown) -> np.ndarray:
    out = np.select([side > 0, side < 0], [labels.ABOVE_EXPECTED, labels.BELOW_EXPECTED],
                    labels.IN_LINE).astype(object)
    out[~shown] = labels.NA
    return out


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _improvement(direction, lead) -> np.ndarray:
    """+1 where higher is better (``up``), −1 where lower is (``down``)."""
    up = np.broadcast_to(choices("direction", direction, DIRECTIONS, DIRECTIONS[0]) == "up", lead)
    return np.where(up, 1, -1).astype(np.int8)


@dataclass(frozen=True)
class Chart:
    """The SPC charts of a set of series, as arrays of the values' shape (months not charted: NaN / 0 / False).

    The judgements read it (:meth:`past_month`, :meth:`explanation`, :meth:`suggested_rebase`, ...), so a
    bulletin computes its charts once; run lengths at every month are computed only when asked for.
    """

    values: np.ndarray  # what is charted: the values, or numerator / denominator for a p-chart
    mean: np.ndarray
    lower: np.ndarray   # process limits (a p-chart's shown clipped to [0, 1])
    upper: np.ndarray
    charted: np.ndarray  # the month is on the chart (the unbroken run of months ending at the last)
    first: np.ndarray    # the month starts a period: the chart's first month, or a rebase
    side: np.ndarray     # +1 special cause high, −1 low, 0 common cause (int8)
    rule: np.ndarray     # COMMON, OUTSIDE, TREND, TWO_IN_THREE or SHIFT: the rule that applied (int8)
    close: np.ndarray    # beyond the 2-sigma line, inside the limits
    same_as_before: np.ndarray  # on the same side of the mean as the month before, in the same period
    step_as_before: np.ndarray  # moved the same way (up or down) as the month before, in the same period
    off_mean: np.ndarray        # not exactly on the mean
    moved: np.ndarray           # differs from the month before, in the same period

    @cached_property
    def period(self) -> np.ndarray:
        """0 for each series' first period, 1 after its first rebase, ...; −1 where not charted."""
        return np.where(self.charted, np.cumsum(self.first, axis=-1) - 1, -1)

    @cached_property
    def same_side(self) -> np.ndarray:
        """Months in a row on this month's side of the mean, up to it (0 on the mean)."""
        return _run_length(self.same_as_before) * self.off_mean

    @cached_property
    def run(self) -> np.ndarray:
        """At each month, the size of the run that fired so far: the shift's or trend's months, the 2-of-3
        count, 1 for a point outside the limits, 0 for common cause."""
        trend = (_run_length(self.step_as_before) + 1) * self.moved
        close = self.close.astype(np.int16)
        last_3 = close.copy()
        last_3[..., 1:] += close[..., :-1] * ~self.first[..., 1:]
        last_3[..., 2:] += close[..., :-2] * ~(self.first[..., 2:] | self.first[..., 1:-1])
        return np.select([self.rule == OUTSIDE, self.rule == TREND, self.rule == TWO_IN_THREE, self.rule == SHIFT],
                         [1, trend, last_3, self.same_side], 0)

    def period_points(self) -> np.ndarray:
        """Months in each series' current period (since its last rebase, or the start of the chart)."""
        reverse = self.first[..., ::-1]
        return np.where(_last(self.charted, False), np.argmax(reverse, axis=-1) + 1, 0) if reverse.shape[-1] else \
            np.zeros(reverse.shape[:-1], int)

    def point_types(self, direction=DIRECTIONS[0]) -> np.ndarray:
        """+1 special cause improvement, −1 special cause concern, 0 common cause, at every month."""
        return (self.side * _improvement(direction, self.side.shape[:-1])[..., None]).astype(np.int8)

    def month_states(self) -> np.ndarray:
        """Each month's state: "Above Expected Level", "Below Expected Level" or "In Line"; N/A if not charted.
        Months of a period too short for :meth:`past_month` keep the package's (trial) answer."""
        return _label(self.side, self.charted)

    def past_month(self) -> np.ndarray:
        """The last month's state; N/A when its period has fewer than MIN_POINTS months."""
        return _label(_last(self.side), self.period_points() >= MIN_POINTS)

    def last_run(self) -> np.ndarray:
        """:attr:`run` at the last month only (no run lengths computed at other months)."""
        rule = _last(self.rule)
        same_side = (_trailing(self.same_as_before) + 1) * _last(self.off_mean, False)
        trend = (_trailing(self.step_as_before) + 2) * _last(self.moved, False)
        first = self.first[..., -3:]
        close = self.close[..., -3:]
        t_len = self.close.shape[-1]
        last_3 = _last(close, False).astype(int)
        if t_len >= 2:
            last_3 = last_3 + (close[..., -2] & ~first[..., -1])
        if t_len >= 3:
            last_3 = last_3 + (close[..., -3] & ~first[..., -1] & ~first[..., -2])
        return np.select([rule == OUTSIDE, rule == TREND, rule == TWO_IN_THREE, rule == SHIFT],
                         [1, trend, last_3, same_side], 0)

    def explanation(self) -> np.ndarray:
        """Why the last month is a special cause, in words ("7th month in a row above the average"); ""
        when it is common cause or its period is too short for :meth:`past_month`."""
        rule, side, run = _last(self.rule), _last(self.side), self.last_run()
        shown = (rule != COMMON) & (self.period_points() >= MIN_POINTS)
        # A handful of (rule, side, run) combinations recur across every series: word each once.
        width = self.rule.shape[-1] + 1
        key = np.where(shown, (rule.astype(np.int64) * 3 + side + 1) * width + run, 0).ravel()
        kinds, inverse = np.unique(key, return_inverse=True)
        words = np.array([_WORDS[(k // width // 3, k // width % 3 - 1)].format(nth=_ordinal(k % width),
                                                                               count=k % width) if k else ""
                          for k in kinds.tolist()], dtype=object)
        return words[inverse.ravel()].reshape(rule.shape)

    def suggested_rebase(self) -> np.ndarray:
        """Index of the month a sustained shift began: the first of RUN or more months on one side of the mean
        that last to the latest month, after the start of its period; −1 where nothing suggests a rebase."""
        t_len = self.side.shape[-1]
        run = (_trailing(self.same_as_before) + 1) * _last(self.off_mean, False)
        began = t_len - run
        return np.where((run >= RUN) & (began > t_len - self.period_points()), began, -1)


def _baseline(baseline_points) -> int | None:
    """None for all points (blank, 0 or None), else a whole number of at least MIN_BASELINE."""
    if baseline_points is None or (isinstance(baseline_points, str) and not baseline_points.strip()):
        return None
    try:
        b = float(baseline_points)
    except (TypeError, ValueError):
        b = -1.0  # not a number: refused below
    if isinstance(baseline_points, float) and math.isnan(b) or b == 0:
        return None
    if not (MIN_BASELINE <= b <= MAX_WINDOW and b == int(b)) or isinstance(baseline_points, bool):
        raise OptionError(f"baseline_points must be blank or 0 (all points) or a whole number from {MIN_BASELINE} "
                          f"to {MAX_WINDOW} (NHSRplotthedots fixes limits on at least {MIN_BASELINE}); "
                          f"got {baseline_points!r}")
    return int(b)


def _charted_values(values, denominators, measure):
    """(charted values, numerators, p-chart rows mask, denominators, shape) as 2-D (series × months) arrays."""
    v = as_series(values)
    shape = v.shape
    y = v.reshape(-1, shape[-1]) if v.ndim > 1 else v.reshape(1, -1)
    rows = y.shape[0]
    if denominators is None:
        return y, y, np.zeros(rows, bool), None, shape
    n = np.broadcast_to(as_series(denominators), shape).reshape(rows, shape[-1])
    if measure is None:
        p_rows = np.ones(rows, bool)
    else:
        kinds = np.broadcast_to(choices("measure", measure, MEASURES, "count"), shape[:-1]).reshape(rows)
        p_rows = kinds == "percentage"
    if not p_rows.any():
        return y, y, p_rows, None, shape
    p = y.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(y, n, out=p, where=p_rows[:, None])
    return p, y, p_rows, n, shape


def _rebase(rebase, shape) -> np.ndarray:
    """The 0/1 rebase column as a boolean (series × months) array (blank is 0)."""
    r = np.asarray(rebase, dtype=float)
    ok = (r == 0) | (r == 1) | np.isnan(r)
    if not ok.all():
        check("rebase", r[~ok], REBASE)
    return np.broadcast_to(r == 1, shape).reshape(-1, shape[-1])


def chart(values, baseline_points=None, rebase=None, denominators=None, measure=None) -> Chart:
    """The SPC chart of every series: limits, and each point's special cause (see the module docstring).

    ``denominators`` make p-charts of ``values`` / ``denominators`` for the series whose ``measure`` is
    ``percentage`` (every series when ``measure`` is None); the other series get XmR charts.
    """
    b = _baseline(baseline_points)
    y, numerators, p_rows, n, shape = _charted_values(values, denominators, measure)
    rows, t_len = y.shape
    t = np.arange(t_len)
    broken = ~np.isfinite(y)
    start = np.where(broken.any(-1), t_len - np.argmax(broken[:, ::-1], axis=-1), 0) if t_len else \
        np.zeros(rows, int)
    charted = t >= start[:, None]
    y0 = y if not broken.any() else np.where(charted, y, 0.0)
    first = charted & (t == start[:, None])
    if rebase is not None:
        first |= charted & _rebase(rebase, shape)
    has_previous = charted & ~first
    previous = _later(y0, 0.0)

    # Period figures in one pass: periods (and each row's uncharted months) are contiguous slices of the
    # flattened array, so np.add.reduceat sums them all; each month then reads its period's figures back.
    boundary = first.copy()
    boundary[:, :1] = True
    starts = np.flatnonzero(boundary)
    lengths = np.diff(np.append(starts, boundary.size))
    count = np.where(charted.ravel()[starts], np.minimum(lengths, b or t_len), 0)
    member = charted if b is None else (np.arange(boundary.size, dtype=np.int32) <
                                        np.repeat((starts + count).astype(np.int32), lengths)).reshape(rows, t_len)

    def period_sum(a):
        return np.add.reduceat(a.ravel(), starts) if starts.size else np.zeros(0)

    def each_month(per_period):
        return np.repeat(per_period, lengths).reshape(rows, t_len)

    step = y0 - previous
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = period_sum(y0 * member) / count
        amr = each_month(period_sum(np.abs(step) * (member & has_previous)) / (count - 1))
        mean = each_month(mean)
        half, near = XMR_CONSTANT * amr, np.multiply(NEAR, amr, out=amr)
        if n is not None:  # the p-chart rows: pooled proportion per period, and each month's own standard error
            mine = p_rows[starts // t_len]  # the periods of p-chart rows: all of those rows' months, in order
            pbar = period_sum(np.where(member, numerators, 0.0))[mine] / period_sum(np.where(member, n, 0.0))[mine]
            pbar = np.repeat(pbar, lengths[mine]).reshape(-1, t_len)
            sigma = np.sqrt(pbar * (1 - pbar) / n[p_rows])
            mean[p_rows], half[p_rows], near[p_rows] = pbar, P_SIGMAS * sigma, 2 * sigma
        # As the package writes them: limits first, then the comparisons (all False where not charted: NaN).
        lower, upper = mean - half, mean + half
        outside = (y0 > upper) | (y0 < lower)
        line = np.subtract(mean, near, out=half)  # the 2-sigma lines, in a spent buffer
        close = y0 < line
        close |= y0 > np.add(mean, near, out=line)
        close &= ~outside
        rtm = _signs(np.subtract(y0, mean, out=line))
        moves = _signs(step) * has_previous

    # 7 points on one side of the mean: 6 months in a row each on the same side as the month before.
    off_mean = rtm != 0
    same_as_before = has_previous & off_mean & (rtm == _later(rtm, 0))
    part_shift = _any_ahead(_all_behind(same_as_before, RUN - 1), RUN)
    # 7 points increasing or decreasing: 6 differences of one sign, i.e. 5 months each moving as the one before.
    moved = moves != 0
    step_as_before = moved & (moves == _later(moves, 0))
    part_trend = _any_ahead(_all_behind(step_as_before, RUN - 2), RUN)
    # 2 of 3 beyond the 2-sigma line, all 3 on one side of the mean and in one period: windows of 3 by start.
    window = np.zeros_like(close)
    close_3 = close[:, :-2].view(np.int8) + close[:, 1:-1].view(np.int8) + close[:, 2:].view(np.int8)
    side_3 = rtm[:, :-2] + rtm[:, 1:-1] + rtm[:, 2:]
    window[:, :-2] = charted[:, :-2] & ~first[:, 1:-1] & ~first[:, 2:] & (close_3 >= 2) & \
        ((side_3 == 3) | (side_3 == -3))
    part_two = close & _any_ahead(window[:, ::-1], 3)[:, ::-1]

    # Precedence: outside the limits, then a trend, then 2 of 3, then a shift.
    rule = np.where(part_shift, np.int8(SHIFT), np.int8(COMMON))
    rule = np.where(part_two, np.int8(TWO_IN_THREE), rule)
    rule = np.where(part_trend, np.int8(TREND), rule)
    rule = np.where(outside, np.int8(OUTSIDE), rule)
    # A trend point's side is its run's: the run to its right when it and the next point are both in a trend.
    right = part_trend[:, :-1] & part_trend[:, 1:] & ~first[:, 1:]
    trend_moves = moves.copy()
    trend_moves[:, :-1] = np.where(right, moves[:, 1:], moves[:, :-1])
    above = (rtm > 0).view(np.int8) * np.int8(2) - np.int8(1)
    rising = (trend_moves == 1).view(np.int8) * np.int8(2) - np.int8(1)
    side = np.where(rule == TREND, rising, above) * (rule != COMMON)

    if n is not None:  # a proportion's limits are shown within 0 and 1 (the points' types do not change)
        lower[p_rows] = np.maximum(lower[p_rows], 0.0)
        upper[p_rows] = np.minimum(upper[p_rows], 1.0)
    r = lambda a: a.reshape(shape)  # noqa: E731 - back to the caller's (series × months) shape
    return Chart(values=r(y if y0 is y else np.where(charted, y, np.nan)), mean=r(mean), lower=r(lower),
                 upper=r(upper), charted=r(charted), first=r(first), side=r(side), rule=r(rule), close=r(close),
                 same_as_before=r(same_as_before), step_as_before=r(step_as_before), off_mean=r(off_mean),
                 moved=r(moved))


def limits(values, baseline_points=None, rebase=None, denominators=None, measure=None):
    """(mean, lower, upper) process limits at every month (NaN where not charted)."""
    c = chart(values, baseline_points, rebase, denominators, measure)
    return c.mean, c.lower, c.upper


def point_types(values, direction=DIRECTIONS[0], baseline_points=None, rebase=None, denominators=None,
                measure=None) -> np.ndarray:
    """Each point's type: +1 special cause improvement, −1 special cause concern, 0 common cause."""
    return chart(values, baseline_points, rebase, denominators, measure).point_types(direction)


def rule_fired(values, baseline_points=None, rebase=None, denominators=None, measure=None) -> np.ndarray:
    """The rule that made each point a special cause (COMMON, OUTSIDE, TREND, TWO_IN_THREE, SHIFT)."""
    return chart(values, baseline_points, rebase, denominators, measure).rule


def month_states(values, baseline_points=None, rebase=None, denominators=None, measure=None) -> np.ndarray:
    """Each month's state (see :meth:`Chart.month_states`)."""
    return chart(values, baseline_points, rebase, denominators, measure).month_states()


def past_month(values, baseline_points=None, rebase=None, denominators=None, measure=None) -> np.ndarray:
    """The last month's state; N/A when its period has fewer than MIN_POINTS months."""
    return chart(values, baseline_points, rebase, denominators, measure).past_month()


def explanation(values, baseline_points=None, rebase=None, denominators=None, measure=None) -> np.ndarray:
    """Why the last month is a special cause, in words (see :meth:`Chart.explanation`)."""
    return chart(values, baseline_points, rebase, denominators, measure).explanation()


def suggested_rebase(values, baseline_points=None, rebase=None, denominators=None, measure=None) -> np.ndarray:
    """Index of the month a sustained shift began; −1 where nothing suggests a rebase."""
    return chart(values, baseline_points, rebase, denominators, measure).suggested_rebase()


def period_points(values, rebase=None, denominators=None, measure=None) -> np.ndarray:
    """Months in each series' current period (since its last rebase, in the unbroken run to the last month)."""
    return chart(values, None, rebase, denominators, measure).period_points()


# --- in the bulletin (the figure registry's steps) ------------------------------------------------------
# The bulletin charts each series aligned to end at its own last month with data (series.aligned_to); under
# classic judgements there is no chart (None) and every figure read from it is N/A.

def chart_for(judgements, values, baseline_points, rebase=None, denominators=None, measure=None) -> Chart | None:
    """:func:`chart` under noise-aware judgements (``baseline_points`` 0: all points); None under classic."""
    if choice("judgements", judgements, JUDGEMENTS) == CLASSIC:
        return None
    return chart(values, baseline_points, rebase, denominators, measure)


def judged_past_month(classic, spc_chart: Chart | None) -> np.ndarray:
    """The past month: the SPC chart's last month under noise-aware judgements, else the classic band's."""
    return np.asarray(classic, dtype=object) if spc_chart is None else spc_chart.past_month()


def rule_words(spc_chart: Chart | None, count) -> np.ndarray:
    """Why the past month is a special cause, in words; "" where it is not (and under classic judgements)."""
    if spc_chart is None:
        return np.full(np.shape(count), "", dtype=object)
    return spc_chart.explanation()


def short_period(spc_chart: Chart | None, months_available) -> np.ndarray:
    """Series with data enough for a chart whose current period (since its last rebase) is still too short."""
    if spc_chart is None:
        return np.zeros(np.shape(months_available), dtype=bool)
    return (spc_chart.period_points() < MIN_POINTS) & (np.asarray(months_available) >= MIN_POINTS)


def suggested_rebase_month(spc_chart: Chart | None, first_month, last_index) -> np.ndarray:
    """The calendar month a sustained shift began (:meth:`Chart.suggested_rebase`); NaN where none."""
    last = np.asarray(last_index)
    if spc_chart is None:
        return np.full(last.shape, np.nan)
    began = spc_chart.suggested_rebase()
    t = spc_chart.side.shape[-1]
    return np.where(began >= 0, first_month + began - (t - 1) + last, np.nan)


def chart_series(spc_chart: Chart | None, last_index, part: str, direction=DIRECTIONS[0]) -> np.ndarray | None:
    """One line of the chart on the month axis: ``values`` (what is charted), ``mean``, ``lower``, ``upper``, or
    the markers ``concern`` / ``improvement`` (the value at special-cause months of that kind, NaN elsewhere)."""
    if spc_chart is None:
        return None
    if part in ("concern", "improvement"):
        kind = spc_chart.point_types(direction)
        shown = np.where(kind == (-1 if part == "concern" else 1), spc_chart.values, np.nan)
    else:
        shown = np.where(spc_chart.charted, getattr(spc_chart, part), np.nan)
    return unaligned(shown, last_index)


def month_states_on_axis(spc_chart: Chart, last_index) -> np.ndarray:
    """:meth:`Chart.month_states` of series charted aligned (each ending at its ``last_index``), moved back onto
    their own months: N/A for months not charted and after the last."""
    side = unaligned(np.where(spc_chart.charted, spc_chart.side, np.nan), last_index)
    return _label(np.nan_to_num(side).astype(np.int8), ~np.isnan(side))
