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


# --- board-ready wording (issue 13, deliverable 4) ------------------------------------------------


def test_monitoring_agrees_with_the_name():
    """An indicator's name is a singular noun unless it reads as a plural: "All Crime has fallen"."""
    said = narrative.monitoring(["All Crime", "ASB incidents", "Burglary"], [-0.063, 0.021, 0.0])
    assert said[0] == ("All Crime has fallen by 6.3% over the past 12 months compared with the previous 12 "
                       "months.")
    assert said[1].startswith("ASB incidents have risen by 2.1%")
    assert said[2].startswith("Burglary is unchanged over the past 12 months")


def _reached(name, achieved, target, measure="count", direction="down", per=np.nan, date=24134,
             month="In Line"):
    return narrative.target_reached(name, achieved, target, measure, direction, per, month, date).item()


def test_a_target_date_reached_says_met_and_by_how_much():
    assert _reached("Burglary", 661, 688) == ("The target date for Burglary (Mar 2011) has been reached and the "
                                              "target was met: the 12 months to Mar 2011 recorded 661, 3.9% below "
                                              "the target of 688.")


def test_a_target_date_reached_says_missed_and_by_how_much():
    said = _reached("Vehicle Crime", 1020, 800)
    assert "the target was missed" in said and "recorded 1,020, 27.5% above the target of 800" in said


def test_an_increase_target_is_met_above_it():
    said = _reached("Residents feeling safe", 0.62, 0.60, "percentage", "up")
    assert "was met" in said and "62.0%, 2.0 percentage points above the target of 60.0%" in said
    assert "was missed" in _reached("Residents feeling safe", 0.58, 0.60, "percentage", "up")


def test_rates_exact_targets_and_unusual_months():
    said = _reached("Primary fires", 6.14, 6.5, "rate", per=100000, month="Above Expected Level")
    assert "recorded 6.14 per 100,000, 5.5% below the target of 6.5 per 100,000" in said
    assert said.endswith("which may warrant further investigation.")
    assert "exactly the target of 857" in _reached("Vehicle Crime", 857, 857)


def test_before_the_target_date_nothing_is_said_here():
    assert _reached("Vehicle Crime", np.nan, 857) == ""  # no figure at the target date yet


def test_the_summary_says_met_instead_of_projected_once_the_date_is_reached():
    kwargs = dict(name="Burglary", position="Below Target", trend_sufficient="Yes", month_status="In Line",
                  direction="down", target_type="reduction_pct", comparative=-0.1, target=688, measure="count",
                  per=np.nan, target_date=24134)
    before = narrative.summary(achieved=np.nan, **kwargs).item()
    after = narrative.summary(achieved=661, **kwargs).item()
    assert "projected" in before and "will be met" in before
    assert "projected" not in after and "was met" in after
