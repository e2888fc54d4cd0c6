"""Outcome RAGs and summaries for the Executive Summary, from the indicators' RAGs and sentences."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .figures import SPEC
from .measures import rag


def assess_outcomes(inputs, results: pd.DataFrame, sentences: np.ndarray) -> pd.DataFrame:
    """One row per outcome: theme, outcome, description, computed_rag, computed_summary, rag, summary, indicators.

    ``rag`` and ``summary`` are the analyst's overrides where set, else the computed ones: the outcome
    rule over its indicators' RAGs, and their sentences joined.
    """
    table = inputs.outcomes
    ids = inputs.targets["indicator"].tolist()
    position = {ind: i for i, ind in enumerate(ids)}
    width = max((len(g) for g in table["indicators"]), default=0) or 1
    index = np.full((len(table), width), -1)
    for row, group in enumerate(table["indicators"]):
        index[row, :len(group)] = [position[i] for i in group]
    rags = np.where(index >= 0, results[SPEC.rag.column].to_numpy(dtype=object)[index], "")
    computed_rag = rag.outcome_rag(rags, inputs.settings.outcome_rule) if len(table) else np.array([], dtype=object)
    summaries = [" ".join(sentences[position[i]] for i in group) if group else
                 "Unable to assess performance: no indicators are linked to this outcome." for group in table["indicators"]]
    out = table[["theme", "outcome", "description"]].copy()
    out["computed_rag"] = computed_rag
    out["computed_summary"] = summaries
    out["rag"] = np.where(table["rag_override"] != "", table["rag_override"], computed_rag)
    out["summary"] = np.where(table["summary_override"] != "", table["summary_override"], summaries)
    out["indicators"] = table["indicators"]
    return out.reset_index(drop=True)
