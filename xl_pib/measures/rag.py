"""RAG ratings: for an indicator, and for an outcome from its indicators' ratings.

Indicator: the position is *bad* if it is "Above Target" for a reduction
(direction down) or "Below Target" for an increase (direction up).
- G: position not bad and the long-term trend is sufficient ("Yes")
- R: position bad and the trend is not sufficient ("No")
- A: otherwise (one good sign, one bad; or the trend "Too close to call", the noise-aware model's
  answer when P(target met) is between 0.2 and 0.8)
- N/A: either input missing or N/A

Outcome: blanks and N/A are ignored.
- worst: R before A before G
- majority: the most frequent rating; ties go to the worse
- N/A if no rating is left
"""

from __future__ import annotations

import numpy as np

from .. import labels
from ..options import CLASSIC, DIRECTIONS, JUDGEMENTS, OUTCOME_RULES, choice, choices, normalise
from ..settings import DEFAULT


def indicator_rag(position, trend_sufficient, direction="down") -> np.ndarray:
    pos, trend = normalise(position), normalise(trend_sufficient)
    up = choices("direction", direction, DIRECTIONS, "down") == "up"
    bad_label = np.where(up, labels.BELOW_TARGET.lower(), labels.ABOVE_TARGET.lower())
    bad = pos == bad_label
    yes, no = trend == labels.YES.lower(), trend == labels.NO.lower()
    close = trend == labels.TOO_CLOSE.lower()
    known_pos = np.isin(pos, [labels.ABOVE_TARGET.lower(), labels.BELOW_TARGET.lower(), labels.ON_TARGET.lower()])
    rag = np.select([~bad & yes, bad & no], [labels.GREEN, labels.RED], default=labels.AMBER).astype(object)
    rag[~known_pos | ~(yes | no | close)] = labels.NA
    return rag


def judged_rag(position, trend_sufficient, direction, small_numbers) -> np.ndarray:
    """:func:`indicator_rag`, but N/A for an indicator with too few events to judge (noise-aware)."""
    rag = indicator_rag(position, trend_sufficient, direction)
    return np.where(np.asarray(small_numbers, dtype=bool), labels.NA, rag).astype(object)


def too_few_events(events, minimum_events, judgements) -> np.ndarray:
    """Noise-aware only: fewer events in the 12 months than the *Minimum events* setting (a count of 3 in
    684,000 people cannot show whether a target is met). Unknown counts are not small numbers."""
    if choice("judgements", judgements, JUDGEMENTS) == CLASSIC:
        return np.zeros(np.shape(events), dtype=bool)
    with np.errstate(invalid="ignore"):
        return np.asarray(events, dtype=float) < minimum_events


def outcome_rag(rags, rule=DEFAULT.outcome_rule) -> np.ndarray:
    """Outcome RAG from the last axis of ``rags`` (one row of indicator ratings per outcome)."""
    kind = choice("rule", rule, OUTCOME_RULES, DEFAULT.outcome_rule)
    text = normalise(rags)
    if text.ndim == 0:
        text = text[None]
    n_red, n_amber, n_green = ((text == r.lower()).sum(-1) for r in labels.RAGS_WORST_FIRST)
    if kind == "worst":
        conditions = [n_red > 0, n_amber > 0, n_green > 0]
    else:
        conditions = [(n_red > 0) & (n_red >= n_amber) & (n_red >= n_green),
                      (n_amber > 0) & (n_amber >= n_green),
                      n_green > 0]
    return np.select(conditions, list(labels.RAGS_WORST_FIRST), default=labels.NA).astype(object)
