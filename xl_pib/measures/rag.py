"""RAG ratings: for an indicator, and for an outcome from its indicators' ratings.

Indicator: the position is *bad* if it is "Above Target" for a reduction
(direction down) or "Below Target" for an increase (direction up).
- G: position not bad and the long-term trend is sufficient ("Yes")
- R: position bad and the trend is not sufficient ("No")
- A: otherwise (one good sign, one bad)
- N/A: either input missing or N/A

Outcome: blanks and N/A are ignored.
- worst: R before A before G
- majority: the most frequent rating; ties go to the worse
- N/A if no rating is left
"""

from __future__ import annotations

import numpy as np

from .. import labels
from ..options import DIRECTIONS, OUTCOME_RULES, choice, choices, normalise
from ..settings import DEFAULT


def indicator_rag(position, trend_sufficient, direction="down") -> np.ndarray:
    pos, trend = normalise(position), normalise(trend_sufficient)
    up = choices("direction", direction, DIRECTIONS, "down") == "up"
    bad_label = np.where(up, labels.BELOW_TARGET.lower(), labels.ABOVE_TARGET.lower())
    bad = pos == bad_label
    yes, no = trend == labels.YES.lower(), trend == labels.NO.lower()
    known_pos = np.isin(pos, [labels.ABOVE_TARGET.lower(), labels.BELOW_TARGET.lower(), labels.ON_TARGET.lower()])
    rag = np.select([~bad & yes, bad & no], [labels.GREEN, labels.RED], default=labels.AMBER).astype(object)
    rag[~known_pos | ~(yes | no)] = labels.NA
    return rag


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
