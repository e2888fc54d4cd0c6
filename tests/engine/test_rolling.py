"""Rolling 12 months, current position, comparative 12 months and change from baseline
(xl_pib.measures.rolling), per the contract (issue 2) and the seed bulletin's figures."""

from __future__ import annotations

import numpy as np
import pytest

import pib_udfs
from xl_pib.measures import rolling


# --- rolling12 ---------------------------------------------------------------------


def test_rolling12_first_11_blank_then_window_sums():
    v = np.arange(1.0, 16.0)  # 1..15
    got = rolling.rolling12(v)
    assert np.isnan(got[:11]).all()
    assert got[11] == sum(range(1, 13))   # Jan..Dec = 78
    assert got[12] == sum(range(2, 14))   # drops the oldest, adds the newest
    assert got[14] == sum(range(4, 16))


def test_rolling12_short_series_is_all_blank():
    assert np.isnan(rolling.rolling12(np.ones(11))).all()
    assert rolling.rolling12(np.ones(11)).shape == (11,)


def test_rolling12_gap_makes_windows_containing_it_blank():
    v = np.ones(30)
    v[15] = np.nan
    got = rolling.rolling12(v)
    # Windows ending at 15..26 contain month 15.
    assert np.isnan(got[15:27]).all()
    assert (got[11:15] == 12).all() and (got[27:] == 12).all()


def test_rolling12_vectorised_over_leading_axes():
    v = np.random.default_rng(0).poisson(20, size=(2, 3, 30)).astype(float)
    got = rolling.rolling12(v)
    assert got.shape == v.shape
    for i in range(2):
        for j in range(3):
            np.testing.assert_allclose(got[i, j], rolling.rolling12(v[i, j]))
    np.testing.assert_allclose(got[..., 20], v[..., 9:21].sum(-1))


def test_current_is_the_rolling_total_at_the_last_month():
    v = np.arange(1.0, 31.0)
    assert float(rolling.current(v)) == v[-12:].sum()
    assert np.isnan(rolling.current(np.ones(11)))


def test_rolling_value_rate_and_pooled_percentage():
    v = np.full(12, 10.0)
    assert float(rolling.rolling_value(v, "rate", population=60000, per=100000)[-1]) == pytest.approx(
        120 / 60000 * 100000)
    num = np.array([1.0] * 6 + [9.0] * 6)
    den = np.array([10.0] * 6 + [90.0] * 6)
    pooled = rolling.rolling_value(num, "percentage", denominators=den)[-1]
    assert float(pooled) == pytest.approx(60 / 600)     # pooled, not the mean of monthly percentages
    assert float(pooled) == pytest.approx(0.1) and np.mean(num / den) == pytest.approx(0.1)
    num2 = np.array([1.0] * 6 + [45.0] * 6)              # 10% then 50%: pooled 276/600, mean 30%
    assert float(rolling.rolling_value(num2, "percentage", denominators=den)[-1]) == pytest.approx(276 / 600)


# --- comparative_12m -----------------------------------------------------------------


def _two_years(previous_total: int, last_total: int) -> np.ndarray:
    """24 monthly counts whose first 12 sum to previous_total and last 12 to last_total."""
    def year(total):
        base, extra = divmod(total, 12)
        return [base + (1 if i < extra else 0) for i in range(12)]

    v = np.array(year(previous_total) + year(last_total), dtype=float)
    assert v[:12].sum() == previous_total and v[12:].sum() == last_total
    return v


def test_comparative_12m_formula():
    v = _two_years(100, 125)
    assert float(rolling.comparative_12m(v)) == pytest.approx(0.25, rel=1e-12)
    assert float(rolling.comparative_12m(np.r_[np.full(7, 999.0), v])) == pytest.approx(0.25)  # only last 24


def test_comparative_12m_domestic_burglary_seed_figure():
    # Seed: previous 12 months 342, last 12 months 358 -> "+4.7%".
    v = _two_years(342, 358)
    got = float(rolling.comparative_12m(v))
    assert got == pytest.approx(358 / 342 - 1, rel=1e-12)
    assert round(100 * got, 1) == 4.7
    assert round(100 * pib_udfs.PIB_COMPARATIVE_12M(v.tolist()), 1) == 4.7


def test_comparative_12m_repeat_domestic_burglary_seed_figure():
    # Seed: Repeat Domestic Burglaries, current 18, comparative "+200.0%" -> previous year 6.
    v = _two_years(6, 18)
    assert round(100 * float(rolling.comparative_12m(v)), 1) == 200.0


def test_comparative_12m_fewer_than_24_months_is_nan():
    assert np.isnan(rolling.comparative_12m(np.ones(23)))
    assert not np.isnan(rolling.comparative_12m(np.ones(24)))


def test_comparative_12m_gap_is_nan():
    v = np.ones(24)
    v[3] = np.nan
    assert np.isnan(rolling.comparative_12m(v))


def test_comparative_12m_vectorised():
    a, b = _two_years(342, 358), _two_years(100, 80)
    got = rolling.comparative_12m(np.stack([a, b]))
    np.testing.assert_allclose(got, [358 / 342 - 1, -0.2], rtol=1e-12)


def test_comparative_12m_with_denominators_compares_pooled_percentages():
    num = np.r_[np.full(12, 10.0), np.full(12, 12.0)]
    den = np.r_[np.full(12, 100.0), np.full(12, 80.0)]
    got = float(rolling.comparative_12m(num, den))
    assert got == pytest.approx((144 / 960) / (120 / 1200) - 1, rel=1e-12)


def test_comparative_12m_zero_earlier_year_is_nan():
    v = _two_years(0, 5)
    assert np.isnan(rolling.comparative_12m(v))
    assert pib_udfs.PIB_COMPARATIVE_12M(v.tolist()) == "N/A"


def test_comparative_12m_both_years_zero_is_nan():
    assert np.isnan(rolling.comparative_12m(np.zeros(24)))


# --- change_from_baseline ------------------------------------------------------------


@pytest.mark.parametrize("measure", ["count", "rate"])
def test_change_from_baseline_relative_for_counts_and_rates(measure):
    assert float(rolling.change_from_baseline(358, 303, measure)) == pytest.approx(358 / 303 - 1, rel=1e-12)
    assert float(rolling.change_from_baseline(250, 500, measure)) == pytest.approx(-0.5, rel=1e-12)


def test_change_from_baseline_default_measure_is_count():
    assert float(rolling.change_from_baseline(110, 100)) == pytest.approx(0.1, rel=1e-12)


def test_change_from_baseline_percentage_is_points_kept_as_a_fraction():
    # The seed: a rate moving from 20.7% to 22.0% is "a 1.3% increase".
    got = float(rolling.change_from_baseline(0.220, 0.207, "percentage"))
    assert got == pytest.approx(0.013, abs=1e-12)
    assert got != pytest.approx(0.220 / 0.207 - 1, rel=1e-3)


def test_change_from_baseline_vectorised_with_mixed_measures():
    got = rolling.change_from_baseline([110, 110, 0.25], [100, 100, 0.20], ["count", "rate", "percentage"])
    np.testing.assert_allclose(got, [0.1, 0.1, 0.05], rtol=1e-12)


def test_change_from_baseline_missing_is_nan():
    assert np.isnan(rolling.change_from_baseline(np.nan, 100))
    assert np.isnan(rolling.change_from_baseline(100, np.nan))


def test_change_from_baseline_rejects_unknown_measure():
    with pytest.raises(ValueError, match="measure"):
        rolling.change_from_baseline(1, 2, "ratio")
