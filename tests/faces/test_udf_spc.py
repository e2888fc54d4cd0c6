"""=PIB_SPC and =PIB_MONTH_STATUS(values, "spc") against NHSRplotthedots' own output (issue 15): the 120 series of
nhsr_spc_point_types.csv, passed as Excel passes them (a column of values, a column of 0/1 rebases), give every
month's state exactly as the package's point types say (a special cause improvement is high when the improvement
direction is up, low when it is down)."""

from __future__ import annotations

import pytest

import pib_udfs
from conftest import spc_oracle_cases

from xl_pib import labels

CASES = spc_oracle_cases()
_STATE = {("special_cause_improvement", "up"): labels.ABOVE_EXPECTED,
          ("special_cause_improvement", "down"): labels.BELOW_EXPECTED,
          ("special_cause_concern", "up"): labels.BELOW_EXPECTED,
          ("special_cause_concern", "down"): labels.ABOVE_EXPECTED}


def _column(values) -> list[list]:
    return [[float(v)] for v in values]


@pytest.mark.parametrize("case", CASES, ids=[f"case{c['case']}-{c['kind']}" for c in CASES])
def test_every_month_state_is_the_packages(case):
    rebase = _column(case["rebase"]) if case["rebase"].any() else None
    got = pib_udfs.PIB_SPC(_column(case["y"]), case["direction"], case["fix"], rebase, "none")
    assert isinstance(got, list), got
    want = [_STATE.get((t, case["direction"]), labels.IN_LINE) for t in case["point_type"]]
    assert [row[0] for row in got] == want


@pytest.mark.parametrize("case", CASES[:40], ids=[f"case{c['case']}" for c in CASES[:40]])
def test_the_past_month_is_the_last_state_once_its_period_has_13_months(case):
    rebase = _column(case["rebase"]) if case["rebase"].any() else None
    last = pib_udfs.PIB_MONTH_STATUS(_column(case["y"]), "spc", case["fix"], rebase, "none")
    starts = [i for i, r in enumerate(case["rebase"]) if r == 1]
    period = len(case["y"]) - (starts[-1] if starts else 0)
    want = _STATE.get((case["point_type"][-1], case["direction"]), labels.IN_LINE) if period >= 13 else labels.NA
    assert last == want
