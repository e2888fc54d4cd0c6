"""The "Summary of Performance" sentence for an indicator, in the bulletin's register.

Built from the three assessments the Performance Table shows: position
against the trajectory, whether the long-term trend is sufficient, and the
past month against its expected band. For example:

    The current position for Vehicle Crime is below the target trajectory
    and if current performance is maintained levels are projected to
    continue downwards and the target will be met.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import labels, months, wording
from ..options import DIRECTIONS, MEASURES, choices, normalise


def _text(values) -> np.ndarray:
    """Label cells stripped, with blanks and non-text as "" (original case kept)."""
    arr = np.asarray(values, dtype=object)
    blank = np.equal(arr, None) | np.not_equal(arr, arr)
    return np.char.strip(np.where(blank, "", arr).astype(str))


_LABELS = {label.lower(): label for label in (
    labels.ABOVE_TARGET, labels.BELOW_TARGET, labels.ON_TARGET, labels.YES, labels.NO, labels.TOO_CLOSE,
    labels.ABOVE_EXPECTED, labels.BELOW_EXPECTED, labels.IN_LINE)}


def _canonical(values) -> np.ndarray:
    """Label cells in the bulletin's own spelling, whatever their case (as PIB_RAG reads them)."""
    norm = normalise(values)
    out = norm.copy()
    for value in set(norm.ravel().tolist()):
        out[norm == value] = _LABELS.get(value, value)
    return out


_NAME = "\ue000"  # where the name goes in a sentence template (a private-use character: never typed, never padding)


def narrative(name, position, trend_sufficient, month_status, direction=DIRECTIONS[0]) -> np.ndarray:
    names = _text(name).astype(object)
    pos, trend, month = (_canonical(a) for a in (position, trend_sufficient, month_status))
    up = choices("direction", direction, DIRECTIONS, DIRECTIONS[0]) == "up"
    names, pos, trend, month, up = np.broadcast_arrays(names, pos, trend, month, up)
    # A handful of label combinations recur across thousands of indicators: each sentence is written
    # once per combination, then every indicator's name is put in its place.
    parts = [pd.factorize(np.ravel(a))[0] for a in (pos, trend, month, up)]
    combined = np.ravel_multi_index(parts, [int(c.max()) + 1 if c.size else 1 for c in parts]) if names.size else \
        np.zeros(0, dtype=int)
    kinds, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    templates = _templates(*(np.ravel(a)[first] for a in (pos, trend, month, up)))
    prefix, suffix = zip(*(t.split(_NAME) for t in templates)) if len(kinds) else ((), ())
    prefix, suffix = np.array(prefix, dtype=object)[inverse], np.array(suffix, dtype=object)[inverse]
    return (prefix + np.ravel(names) + suffix).reshape(names.shape)


def _templates(pos, trend, month, up) -> list[str]:
    """The sentence for each combination of labels, with :data:`_NAME` where the name goes."""
    names = np.full(np.shape(pos), _NAME, dtype=object)
    onwards = np.where(up, "upwards", "downwards").astype(object)
    move = np.where(up, "increase", "reduce").astype(object)
    bad = np.where(up, pos == labels.BELOW_TARGET, pos == labels.ABOVE_TARGET)
    assessed = np.isin(pos, [labels.ABOVE_TARGET, labels.BELOW_TARGET, labels.ON_TARGET])
    close = trend == labels.TOO_CLOSE
    has_trend = np.isin(trend, [labels.YES, labels.NO, labels.TOO_CLOSE])
    yes = trend == labels.YES

    where = np.select(
        [pos == labels.ABOVE_TARGET, pos == labels.BELOW_TARGET, pos == labels.ON_TARGET],
        ["is above the target trajectory", "is below the target trajectory",
         "is in line with the target trajectory"], default="").astype(object)
    maintained = "if current performance is maintained "
    trend_text = np.select(
        [close, yes & ~bad, yes & bad, ~yes & bad],
        ["it is too close to call whether current performance will meet the target",
         maintained + "levels are projected to continue " + onwards + " and the target will be met",
         maintained + "levels are projected to " + move + " at a rate great enough to achieve the target",
         maintained + "the target will not be met"],
        default=maintained + "levels are not projected to remain on course to meet the target").astype(object)
    joiner = np.where(close, "; ", np.where(yes == ~bad, " and ", ", however ")).astype(object)
    # Kept inside the one sentence, as a closing clause.
    month_text = _month_clause(month)

    subject = "The current position for " + names + " "
    sentence = np.select(
        [assessed & has_trend, assessed],
        [subject + where + joiner + trend_text,
         subject + where + "; there is not yet enough data to project the long-term trend"],
        default=np.where(has_trend,
                         "There is no target trajectory for " + names + "; " + np.select(
                             [close, yes], ["it is too close to call whether the long-term trend will meet the "
                                            "target", "the long-term trend is sufficient to meet the target"],
                             "the long-term trend is not sufficient to meet the target"),
                         "Unable to assess performance for " + names + " as data is not yet available")
    ).astype(object)
    return list(sentence + month_text + ".")


def monitoring(name, comparative) -> np.ndarray:
    """Sentence for a monitoring indicator (no target): the change over the past 12 months.

    e.g. "All Crime has fallen by 6.3% over the past 12 months compared with the previous 12 months"
    ("have" after a plural name: :func:`xl_pib.wording.plural`).
    """
    names = _text(name).astype(object)
    change = np.asarray(comparative, dtype=float)
    names, change = np.broadcast_arrays(names, change)
    size = np.char.mod("%.1f%%", np.abs(np.nan_to_num(change)) * 100).astype(object)
    has = np.where(wording.plural(names), " have", " has").astype(object)
    verb = np.where(change < 0, " fallen by ", " risen by ").astype(object)
    period = " over the past 12 months compared with the previous 12 months."
    moved = np.where(change == 0, np.where(wording.plural(names), " are unchanged", " is unchanged"),
                     has + verb + size).astype(object)
    return np.where(np.isnan(change),
                    "There is not yet enough data to compare " + names + " with the previous 12 months.",
                    names + moved + period)


def target_reached(name, achieved, target, measure, direction, per, month_status=labels.NA,
                   target_date=np.nan) -> np.ndarray:
    """Sentence for an indicator whose data have reached its target date: was the target met, and by how much.

    ``achieved`` is the rolling 12-month figure at the target date (NaN before it: the ``at_target_date``
    figure). e.g. "The target date for Burglary (Mar 2024) has been reached and the target was met: the 12
    months to Mar 2024 recorded 602, 12.5% below the target of 688." The gap is achieved / target - 1 for
    counts and rates, achieved - target in percentage points for percentages (as Reduction required measures
    it); met is :func:`xl_pib.measures.targets.target_met`. "" where the date is not reached or a figure is
    missing (:func:`narrative` speaks for those).
    """
    from .targets import target_met

    names = _text(name).astype(object)
    got, tgt = (np.asarray(a, dtype=float) for a in (achieved, target))
    kinds = choices("measure", measure, MEASURES, "count")
    names, got, tgt, kinds, per, date = np.broadcast_arrays(names, got, tgt, kinds, np.asarray(per, dtype=float),
                                                            np.asarray(target_date, dtype=float))
    reached = ~np.isnan(got) & ~np.isnan(tgt) & ~np.isnan(date)
    out = np.full(reached.shape, "", dtype=object)
    if not reached.any():  # the usual bulletin, years before its target dates: no sentence to build
        return out
    direction = np.broadcast_to(np.asarray(direction, dtype=object), reached.shape)[reached]
    month_status = np.broadcast_to(np.asarray(month_status, dtype=object), reached.shape)[reached]
    names, got, tgt, kinds, per, date = (a[reached] for a in (names, got, tgt, kinds, per, date))
    met = target_met(got, tgt, direction)
    percentage = kinds == "percentage"
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.where(percentage, (got - tgt) * 100, (got / tgt - 1) * 100)
    size = np.char.mod("%.1f", np.abs(np.nan_to_num(gap))).astype(object)
    side = np.where(got < tgt, " below", " above").astype(object)
    by = np.where(percentage, " " + size + " percentage points", " " + size + "%").astype(object)
    how_far = np.select([got == tgt, np.isfinite(gap) & (size != "0.0")],
                        [", exactly the target of ", "," + by + side + " the target of "],
                        default="," + side + " the target of ").astype(object)
    when = months.labels(date)
    sentence = ("The target date for " + names + " (" + when + ") has been reached and the target was " +
                np.where(met, "met", "missed").astype(object) + ": the 12 months to " + when + " recorded " +
                wording.figures(got, kinds, per) + how_far + wording.figures(tgt, kinds, per) +
                _month_clause(month_status) + ".")
    out[reached] = sentence
    return out


def _month_clause(month) -> np.ndarray:
    month = _canonical(month)
    return np.select(
        [month == labels.ABOVE_EXPECTED, month == labels.BELOW_EXPECTED],
        ["; last month's figure was above the expected level, which may warrant further investigation",
         "; last month's figure was below the expected level"], default="").astype(object)


def break_clause(break_month, break_reason) -> np.ndarray:
    """" Figures are recorded on a new basis from Oct 2023 (Home Office Counting Rules change), so comparisons
    across that month are not made." where the series has a break in recording; "" where it has none."""
    month = np.asarray(break_month, dtype=float)
    when = months.labels(month)
    why = _text(break_reason).astype(object)
    reason = np.where(why != "", " (" + why + ")", "").astype(object)
    sentence = (" Figures are recorded on a new basis from " + when + reason +
                ", so comparisons across that month are not made.")
    return np.where(np.isnan(month), "", sentence).astype(object)


def summary(name, position, trend_sufficient, month_status, direction, target_type, comparative,
            achieved=np.nan, target=np.nan, measure="count", per=np.nan, target_date=np.nan, break_month=np.nan,
            break_reason="") -> np.ndarray:
    """Each indicator's "Summary of Performance" sentence: :func:`target_reached` once its data have reached
    its target date, :func:`narrative` before, and :func:`monitoring` for an indicator without a target;
    then :func:`break_clause` for a series with a break in recording."""
    from .targets import has_target

    reached = target_reached(name, achieved, target, measure, direction, per, month_status, target_date)
    targeted = np.where(reached != "", reached, narrative(name, position, trend_sufficient, month_status, direction))
    sentence = np.where(has_target(target_type), targeted, monitoring(name, comparative)).astype(object)
    clause = break_clause(np.broadcast_to(np.asarray(break_month, dtype=float), sentence.shape),
                          np.broadcast_to(np.asarray(break_reason, dtype=object), sentence.shape))
    return np.asarray(sentence + clause, dtype=object)
