"""Outcome RAGs and summaries for the Executive Summary, from the indicators' RAGs and sentences."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import labels
from .explain import by_case, join, with_result
from .figures import SPEC, Clause, Explain
from .measures import rag

# Why an outcome has its RAG, declared like a figure's explanation (xl_pib.figures.Explain): by the outcome
# rule, or the analyst's override. {deciding} names the indicators whose rating is the outcome's, {rated}
# counts the rated indicators, {computed_rag} is the rule's own rating.
OVERRIDE = "override"
EXPLAIN = Explain({
    "worst": (Clause("the worst rating of its {rated} rated indicators, from {deciding}", when="several"),
              Clause("the rating of its only rated indicator, {deciding}", unless="several")),
    "majority": (Clause("the most common rating of its {rated} rated indicators, from {deciding}", when="several"),
                 Clause("the rating of its only rated indicator, {deciding}", unless="several")),
    OVERRIDE: ("set by the analyst (RAG override)",
               Clause("; its indicators give {computed_rag}, from {deciding}", when="rated")),
    labels.NA: (Clause("no indicators are linked to this outcome", unless="linked"),
                Clause("none of its indicators has a rating", when="linked")),
})


def assess_outcomes(inputs, results: pd.DataFrame, sentences: np.ndarray) -> pd.DataFrame:
    """One row per outcome: theme, outcome, description, computed_rag, computed_summary, rag, summary, why,
    indicators.

    ``rag`` and ``summary`` are the analyst's overrides where set, else the computed ones: the outcome
    rule over its indicators' RAGs, and their sentences joined. ``why`` says which indicators decided it.
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
    out["why"] = why(inputs, table, index, rags, computed_rag, out["rag"].to_numpy(dtype=object))
    out["indicators"] = table["indicators"]
    return out.reset_index(drop=True)


def why(inputs, table, index: np.ndarray, rags: np.ndarray, computed_rag: np.ndarray, shown: np.ndarray) -> np.ndarray:
    """Each outcome's RAG explained: "R: the worst rating of its 3 rated indicators, from Domestic Burglary"."""
    count = len(table)
    if count == 0:
        return np.array([], dtype=object)
    names = inputs.targets["name"].to_numpy(dtype=object)
    rated = np.isin(rags, labels.RAGS_WORST_FIRST)
    deciding = rated & (rags == np.asarray(computed_rag, dtype=object)[:, None])
    named = np.where(deciding, names[np.maximum(index, 0)], "")
    columns = {"deciding": join(list(named.T), ", ", count),
               "rated": np.char.mod("%d", rated.sum(-1)).astype(object),
               "computed_rag": np.asarray(computed_rag, dtype=object)}
    masks = {"rated": rated.any(-1), "several": rated.sum(-1) > 1, "linked": (index >= 0).any(-1)}
    overridden = table["rag_override"].to_numpy(dtype=object) != ""
    case = np.where(overridden, OVERRIDE, inputs.settings.outcome_rule).astype(object)
    result = np.asarray(shown, dtype=object)
    body = by_case(EXPLAIN, np.where(overridden, OVERRIDE, result), case,
                   lambda name, _why: (columns[name], columns[name] != ""),
                   lambda when, any_of=False: masks[when] if when is not None else np.ones(count, dtype=bool))
    return with_result(result, body)
