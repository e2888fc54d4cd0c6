"""RAG ratings (xl_pib.measures.rag): indicator RAG and outcome RAG, per the contract (issue 2)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from xl_pib.measures import rag

POSITIONS = ["Above Target", "On Target", "Below Target"]
TRENDS = ["Yes", "No"]


def _contract_rag(position, trend, direction):
    """The contract's table, written out independently."""
    if position not in POSITIONS or trend not in TRENDS:
        return "N/A"
    bad = position == ("Above Target" if direction == "down" else "Below Target")
    if not bad and trend == "Yes":
        return "G"
    if bad and trend == "No":
        return "R"
    return "A"


@pytest.mark.parametrize("position,trend,direction",
                         list(itertools.product(POSITIONS, TRENDS, ["down", "up"])))
def test_indicator_rag_contract_table(position, trend, direction):
    assert rag.indicator_rag(position, trend, direction).item() == _contract_rag(position, trend, direction)


def test_indicator_rag_worked_cases():
    # Domestic Burglary: above the trajectory, trend not sufficient -> R (reduction target).
    assert rag.indicator_rag("Above Target", "No").item() == "R"
    # Vehicle Crime: below the trajectory, trend sufficient -> G.
    assert rag.indicator_rag("Below Target", "Yes").item() == "G"
    # Repeat domestic crime: above, but projected to reduce enough -> A.
    assert rag.indicator_rag("Above Target", "Yes").item() == "A"
    # On target with an insufficient trend -> A.
    assert rag.indicator_rag("On Target", "No").item() == "A"
    # For an increase target, below is the bad side.
    assert rag.indicator_rag("Below Target", "No", "up").item() == "R"
    assert rag.indicator_rag("Above Target", "No", "up").item() == "A"


def test_indicator_rag_default_direction_is_down():
    assert rag.indicator_rag("Above Target", "No").item() == rag.indicator_rag("Above Target", "No", "down").item()


@pytest.mark.parametrize("position,trend", [
    ("N/A", "Yes"), ("On Target", "N/A"), ("", "Yes"), ("On Target", ""), (None, "No"),
    ("On Target", None), (np.nan, "Yes"), ("N/A", "N/A"), ("", ""),
])
def test_indicator_rag_missing_or_na_input_is_na(position, trend):
    assert rag.indicator_rag(np.array(position, dtype=object), np.array(trend, dtype=object)).item() == "N/A"


def test_indicator_rag_reads_cells_loosely():
    assert rag.indicator_rag(" on target ", "YES").item() == "G"
    assert rag.indicator_rag("Above Target", "no", " UP ").item() == "A"


def test_indicator_rag_vectorised_with_direction_column():
    pos = np.array(["Above Target", "Below Target", "On Target", "Below Target"], dtype=object)
    trn = np.array(["No", "No", "Yes", "Yes"], dtype=object)
    way = np.array(["down", "up", "up", "down"], dtype=object)
    assert list(rag.indicator_rag(pos, trn, way)) == ["R", "R", "G", "G"]


def test_indicator_rag_rejects_unknown_direction():
    with pytest.raises(ValueError, match="direction"):
        rag.indicator_rag("On Target", "Yes", "sideways")


# --- outcome RAG ---------------------------------------------------------------------


@pytest.mark.parametrize("ratings,expected", [
    (["G", "A", "R"], "R"),
    (["G", "A", "G"], "A"),
    (["G", "G"], "G"),
    (["A"], "A"),
    (["G", "R", "G", "G"], "R"),
])
def test_outcome_rag_worst(ratings, expected):
    assert rag.outcome_rag(np.array([ratings], dtype=object), "worst")[0] == expected
    assert rag.outcome_rag(np.array([ratings], dtype=object))[0] == expected   # worst is the default


@pytest.mark.parametrize("ratings,expected", [
    (["G", "G", "R"], "G"),           # most frequent
    (["R", "R", "G", "A"], "R"),
    (["A", "A", "G"], "A"),
    (["G", "A"], "A"),                # tie -> the worse
    (["G", "R"], "R"),
    (["R", "A"], "R"),
    (["R", "A", "G"], "R"),           # three-way tie -> the worst
    (["G", "G", "A", "A", "R"], "A"),  # tie between G and A; R is less frequent
    (["R", "G", "G", "A", "A"], "A"),
])
def test_outcome_rag_majority(ratings, expected):
    assert rag.outcome_rag(np.array([ratings], dtype=object), "majority")[0] == expected


@pytest.mark.parametrize("rule", ["worst", "majority"])
def test_outcome_rag_ignores_blanks_and_na(rule):
    row = np.array([["G", None, "N/A", "", "n/a", "G", "A", np.nan]], dtype=object)
    expected = {"worst": "A", "majority": "G"}[rule]
    assert rag.outcome_rag(row, rule)[0] == expected


@pytest.mark.parametrize("rule", ["worst", "majority"])
def test_outcome_rag_nothing_left_is_na(rule):
    row = np.array([[None, "N/A", ""]], dtype=object)
    assert rag.outcome_rag(row, rule)[0] == "N/A"


def test_outcome_rag_one_row_per_outcome():
    rows = np.array([["G", "A", "G"], ["G", "G", ""], ["R", None, "G"]], dtype=object)
    assert list(rag.outcome_rag(rows)) == ["A", "G", "R"]
    assert list(rag.outcome_rag(rows, "majority")) == ["G", "G", "R"]


def test_outcome_rag_rejects_unknown_rule():
    with pytest.raises(ValueError, match="rule"):
        rag.outcome_rag(np.array([["G"]], dtype=object), "average")
