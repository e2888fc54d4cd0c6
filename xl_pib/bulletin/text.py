"""Sentences printed above each Performance Table: headline, description, data note."""

from __future__ import annotations

import math

from .. import months
from ..measures.projection import LEVELS, LIKELY, UNLIKELY
from ..wording import article, figure

_NAN = float("nan")
NO_CHANGE = "No change has been recorded from the baseline"


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def bulletin_month(settings) -> int:
    """The month the bulletin is headed with: the Bulletin month setting, else the month after Latest month."""
    return settings.latest_month + 1 if settings.bulletin_month == "" else settings.bulletin_month


def headline(change, measure: str) -> str:
    """"An 11.2% reduction has been recorded from the baseline": the seed's sentence, in correct English.

    The seed printed the sign as well ("A -11.2% reduction"); the size is printed without it, since the
    word says which way, with "a" or "an" as the number is read aloud. A change that prints as 0.0 is
    no change.
    """
    if _missing(change):
        return ""
    kind = "reduction" if change < 0 else "increase"
    size = f"{abs(change) * 100:.1f}"
    if size == "0.0":
        return NO_CHANGE
    unit = " percentage point" if measure == "percentage" else "%"
    return f"{article(size).capitalize()} {size}{unit} {kind} has been recorded from the baseline"


def target_reached(figures) -> bool:
    """The indicator's data have reached its target date (the month assessed is on or after it)."""
    return not _missing(figures.months_to_target) and figures.months_to_target <= 0


def _change(value, points: bool = False) -> str:
    """A change as printed: +4.7%, or +6.1 points for a percentage's change in percentage points."""
    return f"{value * 100:+.1f} points" if points else f"{value:+.1%}"


def intervals(figures, settings, measure: str) -> str:
    """The confidence intervals of the block's changes, in one sentence ("" when none can be computed)."""
    conf = f"{settings.confidence:.1%}".replace(".0%", "%")
    points = measure == "percentage"
    parts = []
    for name, value, low, high, significant, in_points in (
            ("Change from baseline", figures.change_from_baseline, figures.change_from_baseline_low,
             figures.change_from_baseline_high, figures.change_from_baseline_significant, points),
            ("comparative 12 months", figures.comparative_12m, figures.comparative_12m_low,
             figures.comparative_12m_high, figures.comparative_12m_significant, False)):
        if any(_missing(x) for x in (value, low, high)) or significant not in ("Yes", "No"):
            continue
        verdict = "significant" if significant == "Yes" else "not significant"
        parts.append(f"{name} {_change(value, in_points)} ({conf} interval {_change(low, in_points)} to "
                     f"{_change(high, in_points)}, {verdict})")
    if not parts:
        return ""
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _likelihood(probability: float) -> str:
    if probability >= LIKELY:
        return "likely to be met"
    if probability <= UNLIKELY:
        return "unlikely to be met"
    return "too close to call"


def projection(figures, measure: str, per) -> str:
    """The noise-aware trend in plain words: "Projected 1,214 (80% range 1,150–1,281) against a target of 1,238:
    likely to be met, 74%." ("" without a projection)."""
    values = (figures.projected, figures.projected_low, figures.projected_high, figures.target_probability)
    if any(_missing(x) for x in values) or _missing(figures.target):
        return ""
    projected, low, high, p = values
    level = f"{LEVELS[0]:.0%}"
    return (f"Projected {figure(projected, measure, per)} ({level} range {figure(low, measure, per)}–"
            f"{figure(high, measure, per)}) against a target of {figure(figures.target, measure, per)}: "
            f"{_likelihood(p)}, {p:.0%}.")


def past_month_rule(figures) -> str:
    """"Past month: 7th month in a row above the average (SPC chart)." ("" when no rule fired)."""
    rule = figures.past_month_rule
    if not isinstance(rule, str) or not rule:
        return ""
    return f"Past month: {rule} (SPC chart)."


def series_break(breaks) -> str:
    """The series' breaks, as the block prints them under its table ("" for none): "Series break Oct 2023
    (Home Office Counting Rules change): comparisons across it are not made." ``breaks``: the indicator's rows
    of the Breaks sheet on the chart (month, reason, rebase)."""
    if breaks is None or not len(breaks):
        return ""
    from ..options import BREAK_CHART

    parts = []
    for month, reason, rebase in breaks:  # an indicator's few breaks
        what = "SPC chart rebased" if rebase == BREAK_CHART else "Series break"
        parts.append(f"{what} {months.label(month)}" + (f" ({reason})" if reason else ""))
    recording = any(rebase != BREAK_CHART for _, _, rebase in breaks)
    tail = ": comparisons across a break are not made." if recording else "."
    return "; ".join(parts) + tail


def not_yet_assessable(reasons) -> str:
    """The note under a block when some of its figures need more data (blank when none do)."""
    return ("Not yet assessable: " + "; ".join(reasons) + ".") if reasons else ""


def description(row, figures) -> str:
    """"The 2007/08 baseline for Vehicle Crime was 913 recorded crimes. The target is a reduction of 5.0% (46)."""
    measure, per = row["measure"], row.get("rate_per")
    base, target = figures.baseline, figures.target
    period = f"{row['baseline_period']} " if row.get("baseline_period") else ""
    unit = f" {row['unit']}" if row.get("unit") else ""
    first = f"The {period}baseline for {row['name']} was {figure(base, measure, per)}{unit}."
    if _missing(base):
        first = f"The {period}baseline for {row['name']} is not yet available."
    kind = row["target_type"]
    when = f" by {months.label(row['target_date'])}" if not _missing(row.get("target_date")) else ""
    was = "was" if target_reached(figures) else "is"
    if kind == "none":
        second = "There is no target for this indicator; it is monitored for context."
    elif kind == "maintenance":
        second = f"A maintenance target {'was' if target_reached(figures) else 'has been'} adopted " \
                 f"({figure(target, measure, per)}{when})."
    elif kind in ("reduction_pct", "increase_pct"):
        word = "a reduction" if kind == "reduction_pct" else "an increase"
        amount = row["target_amount"]
        share = f" of {amount:.1%}" if not _missing(amount) else ""
        if measure == "count" and not (_missing(base) or _missing(target)):
            size = f" ({abs(base - target):,.0f})"
        else:
            size = f" (to {figure(target, measure, per)})"
        second = f"The target {was} {word}{share}{size}{when}."
    else:  # level
        up = row["direction"] == "up"
        if not _missing(base) and not _missing(target) and ((target > base) == up) and target != base:
            lead = "an increase to" if up else "a reduction to"
        else:
            lead = "at least" if up else "no more than"
        second = f"The target {was} {lead} {figure(target, measure, per)}{when}."
    return f"{first} {second}"


def data_note(figures, latest: int) -> str:
    """Which month the figures run to, and why when it is not the bulletin's latest month."""
    assessed = figures.assessed_month
    if _missing(assessed):
        return "No data is available yet for this indicator."
    note = f"Figures for the 12 months to {months.label(assessed)}"
    if int(assessed) < latest:
        note += f" (the latest data available; this bulletin runs to {months.label(latest)})"
    return note + "."
