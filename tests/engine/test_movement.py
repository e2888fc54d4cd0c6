"""What moved since the last bulletin (xl_pib/movement.py): judgements, special causes, outcome RAGs with
their arrows, and revised data under the rounding rule documented in docs/explanations.md.

The previous bulletin here is the demo's own snapshot with chosen results changed, so every sentence and
arrow is checked against a change made on purpose.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from xl_pib import labels, months
from xl_pib.figures import SPEC
from xl_pib.movement import BETTER, WORSE, compare, revised, snapshot_of


@pytest.fixture(scope="module")
def same(demo_assessment):
    return snapshot_of(demo_assessment, "same.xlsx")


def changed(snapshot, **columns):
    """``snapshot`` whose Results have ``{indicator: {column: value}}`` changed."""
    results = snapshot.results.copy()
    ids = results.iloc[:, 0].astype(str)
    for indicator, values in columns.items():
        for column, value in values.items():
            results.loc[ids == indicator, column] = value
    return dataclasses.replace(snapshot, results=results)


def test_nothing_moved_against_itself(demo_assessment, same):
    movement = compare(same, demo_assessment)
    assert movement.changes == ()
    assert movement.arrows == {}
    assert movement.previous_month == demo_assessment.inputs.settings.latest_month


def _indicator(assessment, direction: str, rag: str) -> tuple[str, str]:
    """An indicator (id, name) of the given direction whose RAG is ``rag`` now."""
    t, r = assessment.inputs.targets, assessment.results
    pick = (t["direction"] == direction).to_numpy() & (r[SPEC.rag.column] == rag).to_numpy()
    i = int(np.flatnonzero(pick)[0])
    return str(t["indicator"].iloc[i]), str(t["name"].iloc[i])


def test_a_rag_that_moved_is_one_sentence_with_its_arrow(demo_assessment, same):
    ident, name = _indicator(demo_assessment, "down", labels.GREEN)
    movement = compare(changed(same, **{ident: {SPEC.rag.column: labels.RED}}), demo_assessment)
    (change,) = [c for c in movement.changes if c.subject == ident]
    assert change.kind == "judgement"
    assert change.sentence == f"{name}: RAG from R to G {BETTER}."
    assert change.arrow == BETTER


def test_position_better_or_worse_turns_round_for_an_increase_target(demo_assessment, same):
    """Above the trajectory is bad news for a reduction target and good news for an increase target."""
    t, r = demo_assessment.inputs.targets, demo_assessment.results
    column = SPEC.position.column
    order = (labels.ABOVE_TARGET, labels.ON_TARGET, labels.BELOW_TARGET)
    for direction in ("down", "up"):
        pick = (t["direction"] == direction).to_numpy() & r[column].isin(order).to_numpy()
        assert pick.any(), f"the demo has a {direction} indicator with a position"
        i = int(np.flatnonzero(pick)[0])
        ident, now = str(t["indicator"].iloc[i]), r[column].iloc[i]
        was = labels.ABOVE_TARGET if now != labels.ABOVE_TARGET else labels.BELOW_TARGET
        went_down = order.index(now) > order.index(was)  # from above towards below the trajectory
        expected = (BETTER if went_down else WORSE) if direction == "down" else (WORSE if went_down else BETTER)
        movement = compare(changed(same, **{ident: {column: was}}), demo_assessment)
        (change,) = [c for c in movement.changes if c.subject == ident]
        assert change.arrow == expected, (direction, was, now, change)
        assert f"position from {was} to {now}" in change.sentence


def test_new_and_cleared_special_causes(demo_assessment, same):
    r, t = demo_assessment.results, demo_assessment.inputs.targets
    column = SPEC.past_month.column
    in_line = np.flatnonzero((r[column] == labels.IN_LINE).to_numpy())
    special = np.flatnonzero(r[column].isin([labels.ABOVE_EXPECTED, labels.BELOW_EXPECTED]).to_numpy())
    assert len(in_line) and len(special), "the demo has both in-line and special-cause past months"
    cleared, new = str(t["indicator"].iloc[in_line[0]]), str(t["indicator"].iloc[special[0]])
    previous = changed(same, **{cleared: {column: labels.ABOVE_EXPECTED}, new: {column: labels.IN_LINE}})
    movement = compare(previous, demo_assessment)
    by = {c.subject: c for c in movement.changes}
    assert by[new].kind == by[cleared].kind == "special cause"
    month = months.label(demo_assessment.figures.assessed_month[special[0]])
    assert f"a new special cause: the past month ({month}) is {r[column].iloc[special[0]]}" in by[new].sentence
    assert "special cause cleared" in by[cleared].sentence
    assert f"({labels.ABOVE_EXPECTED} in the last bulletin)" in by[cleared].sentence


def test_outcome_rag_moved_gets_an_arrow_and_its_reason(demo_assessment, same):
    o = demo_assessment.outcomes
    i = int(np.flatnonzero((o["rag"] == labels.AMBER).to_numpy())[0])
    code = str(o["outcome"].iloc[i])
    outcomes = same.outcomes.copy()
    outcomes.loc[outcomes["outcome"] == code, "rag"] = labels.GREEN
    movement = compare(dataclasses.replace(same, outcomes=outcomes), demo_assessment)
    assert movement.arrows == {code: WORSE}
    assert movement.previous_rags[code] == labels.GREEN
    (change,) = movement.of("outcome")
    assert change.sentence.startswith(f"Outcome {code}")
    assert f"RAG from G to A {WORSE}; {o['why'].iloc[i]}" in change.sentence


def test_indicators_added_and_no_longer_reported(demo_assessment, same):
    results = same.results.copy()
    dropped = str(results.iloc[0, 0])
    results = results.iloc[1:]
    extra = same.results.iloc[[0]].copy()
    extra.iloc[0, 0], extra.iloc[0, 1] = "GONE", "Old indicator"
    previous = dataclasses.replace(same, results=pd.concat([results, extra], ignore_index=True))
    sentences = [c.sentence for c in compare(previous, demo_assessment).of("indicator")]
    assert any(s.startswith("New indicator: ") for s in sentences), sentences
    assert "No longer reported: Old indicator." in sentences
    assert not any(dropped in s and "No longer" in s for s in sentences)


# --- revisions: more than the rounding a previous bulletin held a value to --------------------------------


def _data(rows):
    return pd.DataFrame(rows, columns=["indicator", "month", "value", "denominator"])


def test_a_count_changed_by_one_is_revised_a_survey_value_within_its_rounding_is_not():
    m = months.parse("2009-06")
    before = _data([("A", m, 10.0, np.nan), ("A", m + 1, 11.0, np.nan), ("S", m, 12.35, 40.0), ("S", m + 1, 12.35, 40.0)])
    after = _data([("A", m, 11.0, np.nan), ("A", m + 1, 11.0, np.nan), ("S", m, 12.354, 40.0), ("S", m + 1, 12.36, 40.0)])
    table = revised(before, after, m + 1)
    assert table[["indicator", "month", "kind"]].values.tolist() == [["A", m, "revised"], ["S", m + 1, "revised"]]


def test_withdrawn_filled_and_new_months():
    m = months.parse("2009-06")
    before = _data([("A", m, 10.0, np.nan), ("A", m + 2, 12.0, np.nan)])
    # m: withdrawn; m + 1 (inside A's run, blank before): filled; m + 3: a new month, not a revision.
    after = _data([("A", m + 1, 9.0, np.nan), ("A", m + 2, 12.0, np.nan), ("A", m + 3, 15.0, np.nan)])
    table = revised(before, after, m + 2)
    assert table[["month", "kind"]].values.tolist() == [[m, "withdrawn"], [m + 1, "filled"]]


def test_a_denominator_revision_is_its_own_row():
    m = months.parse("2009-06")
    table = revised(_data([("S", m, 30.0, 100.0)]), _data([("S", m, 30.0, 104.0)]), m)
    assert table[["column", "before", "after"]].values.tolist() == [["denominator", 100.0, 104.0]]


def test_revision_sentences_from_the_demo(demo_assessment, same):
    """A published month revised in the new bulletin's data: one sentence naming the month, old and new."""
    data = same.data.copy()
    t = demo_assessment.inputs.targets
    ident, name = str(t["indicator"].iloc[0]), str(t["name"].iloc[0])
    row = data.index[(data["indicator"] == ident) & data["value"].notna()][-3]
    data.loc[row, "value"] -= 7
    movement = compare(dataclasses.replace(same, data=data), demo_assessment)
    (change,) = movement.of("revision")
    month = months.label(data.loc[row, "month"])
    new = same.data.loc[row, "value"]
    assert change.sentence == (f"Revised: {name}'s {month} value is now {new:,.0f} "
                               f"({new - 7:,.0f} in the last bulletin).")
