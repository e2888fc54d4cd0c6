"""Performance over the past month (xl_pib.measures.expected): XmR limits and the expected band.

XmR limits are checked against NHSRplotthedots' snapshots (nhsr_xmr_oracle.json)
for the cases *without* moving-range screening, which is how the NHS "Making
Data Count" Excel tool (and the contract) computes them.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import poisson, t

from conftest import read_oracle_json
from xl_pib.measures import expected

RNG = np.random.default_rng(20091130)


# --- XmR against the NHS-R oracle -------------------------------------------------------


def _unscreened_cases():
    oracle = read_oracle_json("nhsr_xmr_oracle.json")
    by_name = {case["name"]: case for case in oracle["cases"]}
    cases = []
    for case in oracle["cases"]:
        if case["screen_outliers"]:
            continue
        y = case.get("y")
        if y is None:
            # "rnorm20_y15_eq_10_unscreened": y from rnorm20_screened with y[15] (1-based) = 10.
            assert case["name"].startswith("rnorm20_y15_eq_10")
            y = list(by_name["rnorm20_screened"]["y"])
            y[15 - 1] = 10
        cases.append((case["name"], np.array(y, dtype=float), case["expect"]))
    return cases


def _decimals(number: float) -> int:
    text = repr(float(number))
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def test_oracle_has_the_two_unscreened_cases():
    names = [name for name, _, _ in _unscreened_cases()]
    assert len(names) == 2
    assert any(n.startswith("rnorm20_y15_eq_10_unscreened") for n in names)
    assert "deviations_vignette_unscreened" in names


@pytest.mark.parametrize("index", [0, 1], ids=["rnorm20_y15_eq_10_unscreened", "deviations_vignette_unscreened"])
def test_xmr_limits_match_nhsr_unscreened(index):
    # Loaded inside the test so that a missing oracle skips the test rather than breaking collection.
    name, y, expect = _unscreened_cases()[index]
    lpl, mean, upl = (float(v) for v in expected.xmr_limits(y))
    for key, got in (("mean", mean), ("lpl", lpl), ("upl", upl)):
        want = expect[key]
        if "round" in expect:
            assert round(got, expect["round"]) == pytest.approx(want, abs=1e-12), f"{name} {key}: {got}"
        else:
            # Printed precision: within half a unit of the last printed digit.
            half_unit = 0.5 * 10 ** -_decimals(want)
            assert abs(got - want) <= half_unit * (1 + 1e-9), f"{name} {key}: {got} vs {want}"


def test_xmr_limits_are_not_screened():
    """Screening (NHSRplotthedots' default) would narrow the limits for the y[15] = 10 case."""
    oracle = read_oracle_json("nhsr_xmr_oracle.json")
    screened = next(c for c in oracle["cases"] if c["name"] == "rnorm20_y15_eq_10_screened")["expect"]
    y = np.array(next(c for c in oracle["cases"] if c["name"] == "rnorm20_screened")["y"], dtype=float)
    y[14] = 10
    lpl, _, upl = expected.xmr_limits(y)
    assert float(upl) > screened["upl"] + 1
    assert float(lpl) < screened["lpl"] - 1


def test_xmr_limits_formula_and_vectorised():
    y = RNG.normal(50, 5, size=(4, 3, 12))
    lower, centre, upper = expected.xmr_limits(y)
    assert lower.shape == centre.shape == upper.shape == (4, 3)
    mr = np.abs(np.diff(y, axis=-1)).mean(-1)
    np.testing.assert_allclose(centre, y.mean(-1), rtol=1e-12)
    np.testing.assert_allclose(upper, y.mean(-1) + 2.66 * mr, rtol=1e-12)
    np.testing.assert_allclose(lower, y.mean(-1) - 2.66 * mr, rtol=1e-12)


# --- Expected band: the last value against the 12 before it -----------------------------


def _series(n=20, seed=0):
    return np.random.default_rng(seed).poisson(30, size=n).astype(float)


def test_xmr_band_uses_the_12_values_before_the_last():
    v = _series(20)
    lower, centre, upper = expected.expected_band(v, "xmr")
    base = v[-13:-1]
    assert len(base) == 12
    exp_l, exp_c, exp_u = expected.xmr_limits(base)
    assert float(centre) == pytest.approx(base.mean(), rel=1e-12)
    assert float(lower) == pytest.approx(float(exp_l), rel=1e-12)
    assert float(upper) == pytest.approx(base.mean() + 2.66 * np.abs(np.diff(base)).mean(), rel=1e-12)


def test_default_method_is_xmr():
    v = _series(15)
    np.testing.assert_array_equal(np.array(expected.expected_band(v)), np.array(expected.expected_band(v, "xmr")))


def test_band_ignores_the_last_value_and_anything_before_the_base():
    v = _series(20)
    w = v.copy()
    w[-1] = 10_000.0  # the assessed month itself
    w[:7] = -5.0      # months before the base
    for method in ("xmr", "poisson", "trend"):
        np.testing.assert_allclose(expected.expected_band(v, method), expected.expected_band(w, method))


def test_poisson_band_is_scipy_poisson_quantiles_at_the_base_mean():
    v = _series(30, seed=3)
    base = v[-13:-1]
    lower, centre, upper = expected.expected_band(v, "poisson")
    assert float(centre) == pytest.approx(base.mean(), rel=1e-12)
    assert float(lower) == poisson.ppf(0.025, base.mean())
    assert float(upper) == poisson.ppf(0.975, base.mean())


def _trend_band_by_hand(base):
    """Independent OLS prediction interval: numpy polyfit + Student t with 10 df."""
    x = np.arange(12.0)
    slope, intercept = np.polyfit(x, base, 1)
    resid = base - (intercept + slope * x)
    s = np.sqrt((resid ** 2).sum() / 10)
    x0 = 12.0
    se = s * np.sqrt(1 + 1 / 12 + (x0 - x.mean()) ** 2 / ((x - x.mean()) ** 2).sum())
    pred = intercept + slope * x0
    half = t.ppf(0.975, 10) * se
    return pred - half, pred, pred + half


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_trend_band_is_the_ols_prediction_interval(seed):
    rng = np.random.default_rng(seed)
    v = 80 - 1.5 * np.arange(25) + rng.normal(0, 4, 25)
    got = expected.expected_band(v, "trend")
    want = _trend_band_by_hand(v[-13:-1])
    np.testing.assert_allclose([float(g) for g in got], want, rtol=1e-9)


def test_trend_band_on_an_exact_line_has_zero_width():
    v = 100 - 2 * np.arange(13.0)
    lower, centre, upper = expected.expected_band(v, "trend")
    assert float(centre) == pytest.approx(100 - 2 * 12, rel=1e-12)
    assert float(upper) - float(lower) == pytest.approx(0, abs=1e-9)


@pytest.mark.parametrize("method", ["xmr", "poisson", "trend"])
def test_band_vectorised_over_many_series(method):
    v = np.random.default_rng(9).poisson(40, size=(3, 5, 18)).astype(float)
    lower, centre, upper = expected.expected_band(v, method)
    assert lower.shape == (3, 5)
    for i in range(3):
        for j in range(5):
            one = expected.expected_band(v[i, j], method)
            np.testing.assert_allclose([lower[i, j], centre[i, j], upper[i, j]], [float(o) for o in one])


@pytest.mark.parametrize("method", ["xmr", "poisson", "trend"])
@pytest.mark.parametrize("n", [1, 11, 12])
def test_fewer_than_13_months_is_na(method, n):
    v = _series(n)
    lower, centre, upper = expected.expected_band(v, method)
    assert np.isnan(lower) and np.isnan(centre) and np.isnan(upper)
    assert expected.month_status(v, method).item() == "N/A"


def test_zero_months_is_na_not_an_error():
    v = np.empty((2, 0))
    assert list(expected.month_status(v)) == ["N/A", "N/A"]
    assert np.isnan(expected.expected_band(v)[0]).all()


def test_all_blank_months_is_na():
    v = np.full((2, 15), np.nan)
    assert list(expected.month_status(v)) == ["N/A", "N/A"]


@pytest.mark.parametrize("method", ["xmr", "poisson", "trend"])
def test_thirteen_months_is_enough_and_a_gap_in_them_is_not(method):
    v = _series(13)
    assert not np.isnan(expected.expected_band(v, method)[0])
    gap = v.copy()
    gap[4] = np.nan
    assert np.isnan(expected.expected_band(gap, method)[0])
    assert expected.month_status(gap, method).item() == "N/A"
    earlier_gap = np.r_[np.nan, 3.0, v]  # a gap before the 13 months does not matter
    np.testing.assert_allclose(expected.expected_band(earlier_gap, method), expected.expected_band(v, method))


# --- month_status ---------------------------------------------------------------------


def test_month_status_above_below_in_line_xmr():
    base = np.array([10, 12] * 6, dtype=float)  # mean 11, every moving range 2
    lower, _, upper = expected.xmr_limits(base)
    assert float(lower) == pytest.approx(11 - 2.66 * 2, rel=1e-12)
    assert float(upper) == pytest.approx(11 + 2.66 * 2, rel=1e-12)
    assert expected.month_status(np.r_[base, float(upper) + 0.01], "xmr").item() == "Above Expected Level"
    assert expected.month_status(np.r_[base, float(lower) - 0.01], "xmr").item() == "Below Expected Level"
    assert expected.month_status(np.r_[base, 11.0], "xmr").item() == "In Line"
    # On the limit itself is still in line (strictly above / below to leave it).
    assert expected.month_status(np.r_[base, float(upper)], "xmr").item() == "In Line"


def test_month_status_poisson_and_trend():
    base = np.full(12, 20.0)
    hi = poisson.ppf(0.975, 20)
    assert expected.month_status(np.r_[base, hi + 1], "poisson").item() == "Above Expected Level"
    assert expected.month_status(np.r_[base, hi], "poisson").item() == "In Line"
    line = 50 - 2 * np.arange(12.0)
    noisy = line + np.array([1, -1] * 6)
    low, pred, up = _trend_band_by_hand(noisy)
    assert expected.month_status(np.r_[noisy, up + 0.5], "trend").item() == "Above Expected Level"
    assert expected.month_status(np.r_[noisy, low - 0.5], "trend").item() == "Below Expected Level"
    assert expected.month_status(np.r_[noisy, pred], "trend").item() == "In Line"


def test_month_status_last_value_missing_is_na():
    v = np.r_[_series(14), np.nan]
    assert expected.month_status(v).item() == "N/A"


def test_month_status_vectorised():
    rng = np.random.default_rng(5)
    v = rng.normal(100, 3, size=(6, 13))
    v[0, -1] = 1000
    v[1, -1] = -1000
    got = expected.month_status(v)
    assert got.shape == (6,)
    assert got[0] == "Above Expected Level" and got[1] == "Below Expected Level"
    for i in range(6):
        assert got[i] == expected.month_status(v[i]).item()


def test_unknown_method_is_rejected():
    with pytest.raises(ValueError, match="method"):
        expected.expected_band(_series(13), "ewma")
