"""Long-term trend sufficient to meet target (xl_pib.measures.trend), per the contract's
*Trend sufficiency* steps, checked on series with a known straight-line trend."""

from __future__ import annotations

import numpy as np
import pytest

from xl_pib.measures import trend

X24 = np.arange(24.0)


def test_ols_recovers_a_known_line():
    intercept, slope = trend.ols(100 - 2 * X24)
    assert float(intercept) == pytest.approx(100, rel=1e-12)
    assert float(slope) == pytest.approx(-2, rel=1e-12)


def test_projection_sum_by_hand():
    # y = 100 - 2x on x = 0..23 (last observed 54). Six months to target: projections at
    # x = 24..29 are 52, 50, 48, 46, 44, 42; the last 12 of the path are the observed
    # x = 18..23 (64, 62, 60, 58, 56, 54) then those six.
    y = 100 - 2 * X24
    by_hand = (64 + 62 + 60 + 58 + 56 + 54) + (52 + 50 + 48 + 46 + 44 + 42)
    assert by_hand == 636
    assert float(trend.projected_year(y, 6)) == pytest.approx(636, rel=1e-12)
    assert trend.trend_sufficient(y, 636, 6).item() == "Yes"      # <= target
    assert trend.trend_sufficient(y, 635.9, 6).item() == "No"


def test_projection_beyond_a_year_uses_projections_only():
    # 18 months on: the last 12 are x = 30..41, i.e. 40 down to 18.
    y = 100 - 2 * X24
    assert float(trend.projected_year(y, 18)) == pytest.approx(sum(100 - 2 * x for x in range(30, 42)))


@pytest.mark.parametrize("months_to_target", [0, -1, -12])
def test_target_date_passed_last_12_observed_decide(months_to_target):
    y = 100 - 2 * X24
    last12 = y[-12:].sum()    # x = 12..23: 76 down to 54
    assert last12 == sum(100 - 2 * x for x in range(12, 24)) == 780
    assert float(trend.projected_year(y, months_to_target)) == 780
    assert trend.trend_sufficient(y, 780, months_to_target).item() == "Yes"
    assert trend.trend_sufficient(y, 779, months_to_target).item() == "No"


def test_only_the_last_window_months_are_fitted():
    y = 100 - 2 * X24
    longer = np.r_[np.full(10, 5000.0), y]    # wild older history outside the window
    assert float(trend.projected_year(longer, 6)) == pytest.approx(636, rel=1e-12)


def test_counts_clip_projections_at_zero():
    # y = 48 - 2x: last observed (x = 23) is 2; projections x = 24..29 are 0, -2, ..., -10.
    y = 48 - 2 * X24
    observed = 12 + 10 + 8 + 6 + 4 + 2
    assert float(trend.projected_year(y, 6, "count")) == pytest.approx(observed, abs=1e-9)   # 42
    # Unclipped (as a rate would be) the projections would sum to -30.
    assert float(trend.projected_year(y, 6, "rate")) == pytest.approx((observed - 30) / 12, abs=1e-9)


@pytest.mark.parametrize("measure", ["rate", "percentage"])
def test_rate_and_percentage_use_the_mean(measure):
    y = 100 - 2 * X24
    assert float(trend.projected_year(y, 6, measure)) == pytest.approx(636 / 12, rel=1e-12)
    assert trend.trend_sufficient(y, 53, measure=measure, months_to_target=6).item() == "Yes"
    assert trend.trend_sufficient(y, 52.9, measure=measure, months_to_target=6).item() == "No"


def test_direction_up():
    # A rising percentage: y = 0.20 + 0.005x, 6 months on: mean of x = 18..29 -> 0.20 + 0.005 * 23.5.
    y = 0.20 + 0.005 * X24
    year = 0.20 + 0.005 * 23.5
    assert float(trend.projected_year(y, 6, "percentage")) == pytest.approx(year, rel=1e-12)
    assert trend.trend_sufficient(y, year - 0.001, 6, "percentage", "up").item() == "Yes"   # >= target
    assert trend.trend_sufficient(y, year + 0.001, 6, "percentage", "up").item() == "No"
    assert trend.trend_sufficient(y, year - 0.001, 6, "percentage", "down").item() == "No"


def test_window_24_needs_24_months_of_unbroken_data():
    y = 100 - 2 * np.arange(30.0)
    assert trend.trend_sufficient(y[:23], 10_000, 6).item() == "N/A"
    assert trend.trend_sufficient(y[:24], 10_000, 6).item() == "Yes"
    gap = y.copy()
    gap[10] = np.nan      # 19 unbroken months at the end
    assert trend.trend_sufficient(gap, 10_000, 6).item() == "N/A"
    gap = y.copy()
    gap[5] = np.nan       # 24 unbroken months at the end: enough
    assert trend.trend_sufficient(gap, 10_000, 6).item() == "Yes"
    assert trend.trend_sufficient(np.r_[y, np.nan], 10_000, 6).item() == "N/A"


def test_window_argument_changes_the_fit():
    # Flat for 12 months, then falling for 12: a 12-month window sees only the fall.
    y = np.r_[np.full(12, 50.0), 50 - 2 * np.arange(1.0, 13.0)]
    # Window 12 fits 48 - 2x on x = 0..11 (48 down to 26); 6 months on the last 12 of the path
    # are the observed 36, 34, 32, 30, 28, 26 and the projections 24, 22, 20, 18, 16, 14.
    by_hand = (36 + 34 + 32 + 30 + 28 + 26) + (24 + 22 + 20 + 18 + 16 + 14)
    assert by_hand == 300
    assert float(trend.projected_year(y, 6, window=12)) == pytest.approx(by_hand, rel=1e-12)
    assert float(trend.projected_year(y, 6, window=12)) != pytest.approx(float(trend.projected_year(y, 6)))
    # A window of 12 needs only 12 months.
    assert trend.trend_sufficient(y[-12:], 10_000, 6, window=12).item() == "Yes"


def test_missing_target_is_na():
    assert trend.trend_sufficient(100 - 2 * X24, np.nan, 6).item() == "N/A"


def test_vectorised_per_series_targets_and_horizons():
    ys = np.stack([100 - 2 * X24, 48 - 2 * X24, 100 - 2 * X24])
    got = trend.trend_sufficient(ys, [636, 41, 780], [6, 6, 0])
    assert list(got) == ["Yes", "No", "Yes"]
    year = trend.projected_year(ys, [6, 6, 0])
    np.testing.assert_allclose(year, [636, 42, 780], rtol=1e-12)


def test_unknown_measure_or_direction_is_rejected():
    with pytest.raises(ValueError):
        trend.trend_sufficient(100 - 2 * X24, 600, 6, "ratio")
    with pytest.raises(ValueError):
        trend.trend_sufficient(100 - 2 * X24, 600, 6, "count", "sideways")
