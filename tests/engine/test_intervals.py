"""Confidence intervals (xl_pib.measures.intervals) against PHEindicatormethods' own test data.

Oracles (../shared/reference/oracles, see SOURCES.md):
- phe_byars_wilson.csv: Byar's limits of a count (n blank) and Wilson limits of x/n;
- phe_rate_byars_exact.csv: crude rates = count limits / denominator * multiplier,
  exact Poisson below 10 events and Byar's from 10;
- phe_proportion_wilson.csv: Wilson limits of proportions (x1) and percentages (x100).
All at 95% and 99.8%, to 1e-9 relative. Blank rows are missing-data cases: NaN, no crash.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import chi2, norm

from conftest import CONF_LEVELS, assert_rel_close, column, read_oracle_csv
from xl_pib.measures import intervals

RTOL = 1e-9


def _conf(label: str) -> float:
    return {"95%": 0.95, "99.8%": 0.998}[label]


# --- z ------------------------------------------------------------------------------


@pytest.mark.parametrize("conf", [0.8, 0.9, 0.95, 0.99, 0.998, 0.9999])
def test_z_value_matches_scipy_norm_ppf(conf):
    assert intervals.z_value(conf) == pytest.approx(norm.ppf(1 - (1 - conf) / 2), rel=1e-12)


@pytest.mark.parametrize("spelling", [0.95, "95%", "0.95", " 0.95 "])
def test_z_value_reads_confidence_spellings(spelling):
    assert intervals.z_value(spelling) == pytest.approx(norm.ppf(0.975), rel=1e-12)


@pytest.mark.parametrize("level", [95, 1, 1.5, 0, -0.5, "95", float("inf")])
def test_a_confidence_level_outside_0_and_1_is_an_error_not_a_percentage(level):
    from xl_pib.errors import OptionError

    with pytest.raises(OptionError, match="between 0 and 1"):
        intervals.z_value(level)


# --- Byar's and Wilson: phe_byars_wilson.csv ----------------------------------------


def _byars_wilson_rows(method):
    return [r for r in read_oracle_csv("phe_byars_wilson.csv") if r["method"] == method]


def test_byars_matches_phe_oracle():
    rows = _byars_wilson_rows("Byars")
    assert len(rows) == 7
    for conf_label in ("95%", "99.8%"):
        sel = [r for r in rows if r["confidence"] == conf_label]
        lower, upper = intervals.byars(column(sel, "x"), _conf(conf_label))
        assert_rel_close(lower, column(sel, "lowercl"), RTOL, f"Byar's lower at {conf_label}")
        assert_rel_close(upper, column(sel, "uppercl"), RTOL, f"Byar's upper at {conf_label}")


def test_byars_negative_lower_limit_is_nan_as_phe_reports_na():
    # PHE: x = 1 at 99.8% has lower limit NA (the formula goes negative).
    rows = [r for r in _byars_wilson_rows("Byars") if math.isnan(r["lowercl"])]
    assert [(r["x"], r["confidence"]) for r in rows] == [(1.0, "99.8%")]
    z = norm.ppf(0.999)
    assert 1 * (1 - 1 / 9 - z / 3) ** 3 < 0  # the raw formula really is negative here
    lower, upper = intervals.byars(1, 0.998)
    assert np.isnan(lower)
    assert upper == pytest.approx(rows[0]["uppercl"], rel=RTOL)


def test_wilson_matches_phe_oracle():
    rows = _byars_wilson_rows("Wilson")
    assert len(rows) == 6
    for conf_label in ("95%", "99.8%"):
        sel = [r for r in rows if r["confidence"] == conf_label]
        lower, upper = intervals.wilson(column(sel, "x"), column(sel, "n"), _conf(conf_label))
        assert_rel_close(lower, column(sel, "lowercl"), RTOL, f"Wilson lower at {conf_label}")
        assert_rel_close(upper, column(sel, "uppercl"), RTOL, f"Wilson upper at {conf_label}")


# --- Rates: phe_rate_byars_exact.csv ------------------------------------------------


@pytest.mark.parametrize("conf", list(CONF_LEVELS))
def test_rate_interval_matches_phe_oracle(conf):
    rows = read_oracle_csv("phe_rate_byars_exact.csv")
    assert len(rows) == 20
    x, n, per = column(rows, "Numerator"), column(rows, "Denominator"), column(rows, "multiplier")
    suffix = CONF_LEVELS[conf]
    lower, upper = intervals.rate_interval(x, n, per, conf)
    assert_rel_close(lower, column(rows, "lower" + suffix), RTOL, f"rate lower at {conf}")
    assert_rel_close(upper, column(rows, "upper" + suffix), RTOL, f"rate upper at {conf}")


@pytest.mark.parametrize("conf", list(CONF_LEVELS))
def test_rate_oracle_method_switch_exact_below_10_byars_from_10(conf):
    """The oracle's own method column agrees with the engine's switch at 10 events."""
    rows = [r for r in read_oracle_csv("phe_rate_byars_exact.csv") if not math.isnan(r["Numerator"])
            and not math.isnan(r["Denominator"])]
    suffix = CONF_LEVELS[conf]
    for r in rows:
        x, scale = r["Numerator"], r["multiplier"] / r["Denominator"]
        method = intervals.exact_poisson if x < 10 else intervals.byars
        assert r["method"] == ("Exact" if x < 10 else "Byars")
        lower, upper = method(x, conf)
        assert float(lower) * scale == pytest.approx(r["lower" + suffix], rel=RTOL)
        assert float(upper) * scale == pytest.approx(r["upper" + suffix], rel=RTOL)


def test_rate_interval_missing_data_rows_are_nan():
    rows = read_oracle_csv("phe_rate_byars_exact.csv")
    missing = [r for r in rows if math.isnan(r["Numerator"]) or math.isnan(r["Denominator"])]
    assert len(missing) == 3
    for conf in CONF_LEVELS:
        lower, upper = intervals.rate_interval(column(missing, "Numerator"), column(missing, "Denominator"),
                                               column(missing, "multiplier"), conf)
        assert np.isnan(lower).all() and np.isnan(upper).all()


# --- Proportions: phe_proportion_wilson.csv -----------------------------------------


@pytest.mark.parametrize("conf", list(CONF_LEVELS))
def test_wilson_proportions_and_percentages_match_phe_oracle(conf):
    rows = read_oracle_csv("phe_proportion_wilson.csv")
    assert len(rows) == 19
    x, n, mult = column(rows, "Numerator"), column(rows, "Denominator"), column(rows, "multiplier")
    suffix = CONF_LEVELS[conf]
    lower, upper = intervals.wilson(x, n, conf)
    assert_rel_close(lower * mult, column(rows, "lower" + suffix), RTOL, f"Wilson lower at {conf}")
    assert_rel_close(upper * mult, column(rows, "upper" + suffix), RTOL, f"Wilson upper at {conf}")


def test_wilson_missing_data_is_nan_not_an_error():
    lower, upper = intervals.wilson([np.nan, 10, np.nan], [100, np.nan, np.nan])
    assert np.isnan(lower).all() and np.isnan(upper).all()


# --- Exact Poisson and the count switch -----------------------------------------------


@pytest.mark.parametrize("conf", [0.9, 0.95, 0.99, 0.998])
def test_exact_poisson_matches_scipy_chi2(conf):
    x = np.arange(1, 60, dtype=float)
    alpha = 1 - conf
    lower, upper = intervals.exact_poisson(x, conf)
    np.testing.assert_allclose(lower, chi2.ppf(alpha / 2, 2 * x) / 2, rtol=1e-9)
    np.testing.assert_allclose(upper, chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2, rtol=1e-9)


def test_exact_poisson_zero_events_lower_limit_is_zero():
    lower, upper = intervals.exact_poisson(0, 0.95)
    assert lower == 0
    assert upper == pytest.approx(chi2.ppf(0.975, 2) / 2, rel=1e-9)  # = -ln(0.025) = 3.689
    assert upper == pytest.approx(-math.log(0.025), rel=1e-9)


def test_exact_poisson_missing_is_nan():
    lower, upper = intervals.exact_poisson([np.nan], 0.95)
    assert np.isnan(lower).all() and np.isnan(upper).all()


@pytest.mark.parametrize("conf", [0.95, 0.998])
def test_count_interval_switches_from_exact_to_byars_at_10(conf):
    x = np.arange(0, 30, dtype=float)
    lower, upper = intervals.count_interval(x, conf)
    ex_l, ex_u = intervals.exact_poisson(x, conf)
    by_l, by_u = intervals.byars(x, conf)
    small = x < 10
    np.testing.assert_array_equal(lower[small], ex_l[small])
    np.testing.assert_array_equal(upper[small], ex_u[small])
    np.testing.assert_array_equal(lower[~small], by_l[~small])
    np.testing.assert_array_equal(upper[~small], by_u[~small])
    # The two methods really differ at 9, so the switch is observable.
    assert intervals.byars(9.0, conf)[1] != pytest.approx(float(ex_u[9]), rel=1e-6)


def test_count_interval_blank_is_nan():
    lower, upper = intervals.count_interval([np.nan, 5, 50], 0.95)
    assert np.isnan(lower[0]) and np.isnan(upper[0])
    assert not np.isnan(lower[1:]).any()


# --- Newcombe's hybrid score interval and significant_change ------------------------


def _wilson_by_hand(x, n, z):
    """SOURCES.md: (2x + z^2 -/+ z sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2))."""
    root = z * math.sqrt(z * z + 4 * x * (1 - x / n))
    return (2 * x + z * z - root) / (2 * (n + z * z)), (2 * x + z * z + root) / (2 * (n + z * z))


def _newcombe_by_hand(x1, n1, x2, n2, conf):
    z = float(norm.ppf(1 - (1 - conf) / 2))
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = _wilson_by_hand(x1, n1, z)
    l2, u2 = _wilson_by_hand(x2, n2, z)
    d = p1 - p2
    lower = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, lower, upper


NEWCOMBE_CASES = [
    # (x1, n1, x2, n2, conf)
    (56, 70, 48, 80, 0.95),     # Newcombe (1998) example (a)
    (9, 10, 3, 10, 0.95),       # Newcombe (1998) example (b)
    (6, 7, 2, 7, 0.95),         # Newcombe (1998) example (c)
    (5, 56, 0, 29, 0.95),       # Newcombe (1998) example (d)
    (226, 1000, 207, 1000, 0.95),   # 22.6% vs 20.7%: small change, large samples
    (220, 1000, 180, 1000, 0.95),   # 4 points on 1000 each
    (220, 1000, 180, 1000, 0.998),  # the same at 99.8%
    (40, 200, 60, 200, 0.95),       # a fall
]


@pytest.mark.parametrize("x1,n1,x2,n2,conf", NEWCOMBE_CASES)
def test_newcombe_difference_matches_hand_computation(x1, n1, x2, n2, conf):
    d, lower, upper = intervals.newcombe_difference(x1, n1, x2, n2, conf)
    hd, hl, hu = _newcombe_by_hand(x1, n1, x2, n2, conf)
    assert float(d) == pytest.approx(hd, rel=1e-12, abs=1e-15)
    assert float(lower) == pytest.approx(hl, rel=1e-9)
    assert float(upper) == pytest.approx(hu, rel=1e-9)


def test_newcombe_published_example_to_four_places():
    # Newcombe (1998), Stat Med 17:873, Table II, 56/70 - 48/80, method 10: 0.0524 to 0.3339.
    _, lower, upper = intervals.newcombe_difference(56, 70, 48, 80, 0.95)
    assert round(float(lower), 4) == 0.0524
    assert round(float(upper), 4) == 0.3339


@pytest.mark.parametrize("x1,n1,x2,n2,conf", NEWCOMBE_CASES)
def test_significant_change_agrees_with_hand_computed_interval(x1, n1, x2, n2, conf):
    _, lower, upper = _newcombe_by_hand(x1, n1, x2, n2, conf)
    expected = "Yes" if lower > 0 or upper < 0 else "No"
    assert intervals.significant_change(x1, n1, x2, n2, conf).item() == expected


def test_significant_change_hand_checked_verdicts():
    # Computed by hand from the Wilson formula (see _newcombe_by_hand):
    assert intervals.significant_change(56, 70, 48, 80).item() == "Yes"      # 0.0524 .. 0.3339
    assert intervals.significant_change(226, 1000, 207, 1000).item() == "No"  # 22.6% vs 20.7%
    assert intervals.significant_change(220, 1000, 180, 1000, 0.95).item() == "Yes"
    assert intervals.significant_change(220, 1000, 180, 1000, 0.998).item() == "No"
    assert intervals.significant_change(40, 200, 60, 200).item() == "Yes"    # a significant fall
    assert intervals.significant_change(48, 80, 56, 70).item() == "Yes"      # order does not matter


def test_significant_change_near_the_boundary():
    """Walk x1 up from x2 = 200/1000: the verdict flips exactly where the hand interval leaves 0."""
    x1 = np.arange(200, 260)
    got = intervals.significant_change(x1, 1000, 200, 1000, 0.95)
    expected = ["Yes" if _newcombe_by_hand(int(a), 1000, 200, 1000, 0.95)[1] > 0 else "No" for a in x1]
    assert list(got) == expected
    assert "Yes" in expected and "No" in expected


def test_significant_change_missing_is_na():
    got = intervals.significant_change([np.nan, 5, 5], [100, np.nan, 100], [5, 5, 5], [100, 100, 0])
    assert list(got) == ["N/A", "N/A", "N/A"]
