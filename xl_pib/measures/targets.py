"""The target, and the reduction required from the current position to meet it (Appendix E)."""

from __future__ import annotations

import numpy as np

from ..options import DIRECTIONS, MEASURES, TARGET_TYPES, choices

# Floating-point slack when rounding counts to whole crimes: 1000 * 0.95 must
# give 950 allowed, not 949.
_EPS = 1e-9


def target_value(baseline, target_type, amount, measure=None) -> np.ndarray:
    """The value the target asks for.

    - reduction_pct: baseline · (1 − amount)
    - increase_pct: baseline · (1 + amount)
    - level: amount
    - maintenance: baseline
    - none: no target (NaN), for monitoring indicators

    With ``measure="count"`` a percentage target is held to whole crimes in
    the target's favour, as the bulletin does: a 4.0% reduction on 303 is
    printed "(13)" and the target is 290, not 290.88. Without a measure the
    formula is applied exactly.
    """
    base = np.asarray(baseline, dtype=float)
    amt = np.asarray(np.nan if amount is None else amount, dtype=float)
    kind = choices("target type", target_type, TARGET_TYPES, "none")
    change = base * amt
    if measure is not None:
        # Per cell: "count" rounds to whole crimes, a blank cell applies the formula exactly.
        whole = choices("measure", measure, MEASURES, "") == "count"
        change = np.where(whole, np.ceil(change - _EPS), change)
    base, amt, change, kind = np.broadcast_arrays(base, amt, change, kind)
    conditions = [kind == "reduction_pct", kind == "increase_pct", kind == "level", kind == "maintenance"]
    return np.select(conditions, [base - change, base + change, amt, base], default=np.nan)


def target(baseline, target_type, target_amount, published, measure) -> np.ndarray:
    """The indicator's target: the *published* Target value when given, else :func:`target_value`
    from the baseline; NaN for a monitoring indicator (target type none)."""
    computed = target_value(baseline, target_type, target_amount, measure)
    given = np.broadcast_to(np.asarray(np.nan if published is None else published, dtype=float),
                            np.shape(computed))
    out = np.where(np.isnan(given), computed, given)
    return np.where(choices("target type", target_type, TARGET_TYPES, "none") == "none", np.nan, out)


def has_target(target_type) -> np.ndarray:
    """Indicators with a target (every type but none: monitoring indicators)."""
    return choices("target type", target_type, TARGET_TYPES, "none") != "none"


def date_reached(months_to_target) -> np.ndarray:
    """The data reach the target date (the month assessed is on or after it)."""
    return np.asarray(months_to_target, dtype=float) <= 0


def reduction_required(current, target, measure="count", direction="down") -> np.ndarray:
    """Reduction required from the current position to meet the target.

    gap = current − target (down) or target − current (up). NaN ("N/A") when
    the gap is ≤ 0, i.e. the target is already met. Otherwise gap/current for
    counts and rates, or the gap itself in percentage points for percentages.
    """
    cur, tgt = np.asarray(current, dtype=float), np.asarray(target, dtype=float)
    kinds = choices("measure", measure, MEASURES, "count")
    up = choices("direction", direction, DIRECTIONS, "down") == "up"
    gap = np.where(up, tgt - cur, cur - tgt)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = gap / cur
    required = np.where(kinds == "percentage", gap, relative)
    return np.where(gap > 0, required, np.nan)


def target_met(current, target, direction="down") -> np.ndarray:
    """True where the current position already meets the target."""
    cur, tgt = np.asarray(current, dtype=float), np.asarray(target, dtype=float)
    up = choices("direction", direction, DIRECTIONS, "down") == "up"
    return np.where(up, cur >= tgt, cur <= tgt)
