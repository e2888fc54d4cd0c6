"""The "Summary of Performance" sentence (xl_pib.measures.narrative), per the contract (issue 2):
one sentence in the bulletin's register, e.g. the contract's Vehicle Crime example."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from xl_pib.measures import narrative

CONTRACT_EXAMPLE = ("The current position for Vehicle Crime offences is below the target trajectory and if "
                    "current performance is maintained levels are projected to continue downwards and the "
                    "target will be met.")

POSITIONS = ["Above Target", "On Target", "Below Target", "N/A"]
TRENDS = ["Yes", "No", "N/A"]
MONTHS = ["Above Expected Level", "In Line", "Below Expected Level", "N/A"]


def _say(name, position, trend, month="In Line", direction="down") -> str:
    return np.asarray(narrative.narrative(name, position, trend, month, direction), dtype=object).item()


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def test_contract_example_exactly():
    assert _say("Vehicle Crime offences", "Below Target", "Yes", "In Line") == CONTRACT_EXAMPLE


def test_above_target_but_trend_sufficient_reads_like_the_seed():
    # Seed: "... is above the target trajectory, however if current performance is maintained the
    # rate is projected to reduce at a rate great enough to achieve the target."
    text = _say("Repeat Domestic Crimes", "Above Target", "Yes")
    assert text.startswith("The current position for Repeat Domestic Crimes is above the target trajectory, however")
    assert "if current performance is maintained" in text
    assert "reduce at a rate great enough to achieve the target" in text


def test_above_target_and_trend_not_sufficient():
    text = _say("Domestic Burglary", "Above Target", "No")
    assert text.startswith("The current position for Domestic Burglary is above the target trajectory")
    assert "will not be met" in text
    assert "however" not in text


def test_on_target_and_sufficient():
    text = _say("Criminal Damage offences", "On Target", "Yes")
    assert text.startswith("The current position for Criminal Damage offences is in line with the target trajectory")
    assert "the target will be met" in text


def test_good_position_but_trend_not_sufficient_is_a_however():
    text = _say("Robbery", "Below Target", "No")
    assert "is below the target trajectory, however" in text
    assert "will be met" not in text


def test_direction_up_wording():
    text = _say("Residents feeling safe", "Above Target", "Yes", direction="up")
    assert "is above the target trajectory and" in text
    assert "continue upwards" in text and "downwards" not in text
    bad = _say("Residents feeling safe", "Below Target", "Yes", direction="up")
    assert "however" in bad and "increase at a rate great enough" in bad


def test_trend_not_available():
    text = _say("Robbery", "On Target", "N/A")
    assert "Robbery" in text and "is in line with the target trajectory" in text
    assert "enough data" in text
    assert "will be met" not in text


def test_nothing_available():
    text = _say("Robbery", "N/A", "N/A", "N/A")
    assert "Robbery" in text
    assert "not" in text and "available" in text
    assert "trajectory" not in text or "no target trajectory" in text


@pytest.mark.parametrize("position,trend,month,direction",
                         list(itertools.product(POSITIONS, TRENDS, ["In Line", "N/A"], ["down", "up"])))
def test_every_combination_is_one_sentence_naming_the_indicator(position, trend, month, direction):
    text = _say("Vehicle Crime", position, trend, month, direction)
    assert "Vehicle Crime" in text
    assert text.endswith(".")
    assert len(_sentences(text)) == 1, text
    assert "  " not in text


def test_month_status_is_mentioned_when_unusual():
    above = _say("Domestic Burglary", "Above Target", "No", "Above Expected Level")
    below = _say("Domestic Burglary", "Above Target", "No", "Below Expected Level")
    usual = _say("Domestic Burglary", "Above Target", "No", "In Line")
    assert "above the expected level" in above.lower()
    assert "below the expected level" in below.lower()
    assert "expected level" not in usual.lower()


@pytest.mark.parametrize("month", ["Above Expected Level", "Below Expected Level"])
def test_unusual_month_still_one_sentence(month):
    text = _say("Vehicle Crime offences", "Below Target", "Yes", month)
    assert len(_sentences(text)) == 1, text


def test_vectorised_and_broadcast():
    got = narrative.narrative(np.array(["A", "B"], dtype=object),
                              np.array(["Above Target", "Below Target"], dtype=object), "Yes", "In Line")
    assert got.shape == (2,)
    assert got[0] == _say("A", "Above Target", "Yes")
    assert got[1] == _say("B", "Below Target", "Yes")


def test_rejects_unknown_direction():
    with pytest.raises(ValueError, match="direction"):
        _say("X", "On Target", "Yes", direction="sideways")


def test_reads_cells_with_surrounding_spaces():
    assert _say("Vehicle Crime offences", " Below Target ", "Yes ", " In Line") == CONTRACT_EXAMPLE


def test_reads_labels_in_any_case_like_pib_rag():
    from xl_pib.measures import rag

    assert rag.indicator_rag("below target", "yes").item() == "G"
    assert _say("Vehicle Crime offences", "below target", "yes", "in line") == CONTRACT_EXAMPLE
