"""Most similar group (xl_pib.measures.msg): distance from, and position against, the group average.

Position follows PHEindicatormethods' funnel_ratio_significance; its 300 test
cases (phe_funnel_ratio_inputs.csv) are classified at 95% and 99.8% at once.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import chi2, norm

from conftest import read_oracle_csv
from xl_pib.measures import msg

ABOVE, BELOW, IN_LINE = "Significantly Above", "Significantly Below", "In Line"

# The file's class -> (expected at 95%, expected at 99.8%).
EXPECTED_CLASS = {
    "High (0.001)": (ABOVE, ABOVE),
    "High (0.025)": (ABOVE, IN_LINE),
    "Low (0.001)": (BELOW, BELOW),
    "Low (0.025)": (BELOW, IN_LINE),
    "Not significant": (IN_LINE, IN_LINE),
}


@pytest.fixture(scope="module")
def funnel_cases():
    rows = read_oracle_csv("phe_funnel_ratio_inputs.csv")
    obs = np.array([r["obs"] for r in rows], dtype=float)
    exp = np.array([r["expected"] for r in rows], dtype=float)
    classes = [r["significance"] for r in rows]
    return obs, exp, classes


def test_funnel_file_has_300_cases_of_every_class(funnel_cases):
    obs, exp, classes = funnel_cases
    assert len(classes) == 300
    assert set(classes) == set(EXPECTED_CLASS)
    assert (obs < 10).any() and (obs >= 10).any()  # both the exact and the Byar's branch


@pytest.mark.parametrize("conf,which", [(0.95, 0), (0.998, 1)], ids=["95%", "99.8%"])
def test_ratio_significance_all_300_cases(funnel_cases, conf, which):
    obs, exp, classes = funnel_cases
    got = msg.ratio_significance(obs, exp, conf)  # vectorised: all 300 in one call
    assert got.shape == (300,)
    expected = np.array([EXPECTED_CLASS[c][which] for c in classes], dtype=object)
    wrong = [(int(o), float(e), c, g) for o, e, c, g, w in zip(obs, exp, classes, got, expected) if g != w]
    assert not wrong, f"{len(wrong)} of 300 misclassified at {conf}: {wrong[:10]}"


def test_ratio_significance_accepts_confidence_spellings(funnel_cases):
    obs, exp, _ = funnel_cases
    np.testing.assert_array_equal(msg.ratio_significance(obs, exp, 0.998),
                                  msg.ratio_significance(obs, exp, "99.8%"))


def test_ratio_significance_missing_or_zero_expected_is_na():
    got = msg.ratio_significance([np.nan, 5, 5], [5, np.nan, 0])
    assert list(got) == ["N/A", "N/A", "N/A"]


def test_ratio_significance_zero_events_uses_exact_lower_limit_zero():
    # 0 observed against 5 expected: exact upper limit 3.689 < 5 -> Significantly Below at 95%.
    assert chi2.ppf(0.975, 2) / 2 < 5
    assert msg.ratio_significance(0, 5, 0.95).item() == BELOW
    assert msg.ratio_significance(0, 3, 0.95).item() == IN_LINE


# --- msg_distance ---------------------------------------------------------------------


def test_msg_distance_worked_example_group_includes_own_row():
    # Own: 10 per 100 = 0.10. Group (own row included): (10 + 20 + 30) / (100 + 100 + 200) = 0.15.
    got = msg.msg_distance(10, 100, [10, 20, 30], [100, 100, 200])
    assert float(got) == pytest.approx(0.10 / 0.15 - 1, rel=1e-12)
    assert float(got) == pytest.approx(-1 / 3, rel=1e-12)


def test_msg_distance_uses_pooled_not_mean_rate():
    # Pooled: (1 + 90) / (10 + 1000) = 0.0901; the mean of the rates (0.1, 0.09) would be 0.095.
    got = float(msg.msg_distance(1, 10, [1, 90], [10, 1000]))
    assert got == pytest.approx(0.1 / (91 / 1010) - 1, rel=1e-12)
    assert got != pytest.approx(0.1 / 0.095 - 1, rel=1e-6)


def test_msg_distance_skips_blank_group_members():
    full = msg.msg_distance(10, 100, [10, 20], [100, 100])
    with_blanks = msg.msg_distance(10, 100, [10, np.nan, 20, 5, np.nan], [100, 50, 100, np.nan, np.nan])
    assert float(with_blanks) == pytest.approx(float(full), rel=1e-12)
    assert float(full) == pytest.approx(0.1 / 0.15 - 1, rel=1e-12)


def test_msg_distance_vectorised_over_partnerships():
    counts = np.array([10.0, 20.0, 30.0])
    pops = np.array([100.0, 100.0, 200.0])
    got = msg.msg_distance(counts, pops, counts, pops)
    np.testing.assert_allclose(got, counts / pops / (60 / 400) - 1, rtol=1e-12)


# --- msg_position ---------------------------------------------------------------------


def _byars_by_hand(x, conf):
    z = norm.ppf(1 - (1 - conf) / 2)
    lower = x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3
    upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3
    return lower, upper


def test_msg_position_worked_example():
    # Group (own row included): (30 + 70 + 100) / (1000 + 4000 + 5000) = 0.02, so E = 0.02 * 1000 = 20.
    group_c, group_p = [30, 70, 100], [1000, 4000, 5000]
    lower95, _ = _byars_by_hand(30, 0.95)
    lower998, _ = _byars_by_hand(30, 0.998)
    assert lower95 / 20 > 1 and lower998 / 20 < 1  # by hand: above at 95%, in line at 99.8%
    assert msg.msg_position(30, 1000, group_c, group_p, 0.95).item() == ABOVE
    assert msg.msg_position(30, 1000, group_c, group_p, 0.998).item() == IN_LINE


def test_msg_position_below_and_in_line():
    # Group rate (10 + 190) / (1000 + 9000) = 0.02, E = 20 for 1000 people.
    _, upper = _byars_by_hand(10, 0.95)
    assert upper / 20 < 1
    assert msg.msg_position(10, 1000, [10, 190], [1000, 9000]).item() == BELOW
    assert msg.msg_position(20, 1000, [20, 180], [1000, 9000]).item() == IN_LINE


def test_msg_position_small_counts_use_exact_limits_not_byars():
    # Cases where exact Poisson and Byar's disagree, so the branch below 10 is observable.
    # 1 event at 99.8%: exact upper 9.233 < 9.3 (Byar's upper would be 9.362 > 9.3).
    # Group (1 + 92) / (1000 + 9000) gives E = 9.3 for 1000 people.
    assert chi2.ppf(0.999, 4) / 2 < 9.3 < _byars_by_hand(1, 0.998)[1]
    assert msg.msg_position(1, 1000, [1, 92], [1000, 9000], 0.998).item() == BELOW
    # 2 events at 95%: exact lower 0.2422 > 0.23 (Byar's lower would be 0.2246 < 0.23).
    # Group (2 + 21) / (1000 + 99000) gives E = 0.23.
    assert _byars_by_hand(2, 0.95)[0] < 0.23 < chi2.ppf(0.025, 4) / 2
    assert msg.msg_position(2, 1000, [2, 21], [1000, 99000], 0.95).item() == ABOVE


def test_msg_position_skips_blank_group_members_and_matches_ratio_significance():
    counts = np.array([30.0, 70.0, np.nan, 100.0])
    pops = np.array([1000.0, 4000.0, 3000.0, 5000.0])
    got = msg.msg_position(30, 1000, counts, pops, 0.95)
    assert got.item() == msg.ratio_significance(30, 20, 0.95).item() == ABOVE
