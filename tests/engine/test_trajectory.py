"""Target trajectory, its limits and the position against them (xl_pib.measures.trajectory),
per the contract (issue 2, Appendix D of the seed)."""

from __future__ import annotations

import numpy as np
import pytest

from xl_pib import months
from xl_pib.measures import trajectory


def test_seed_month_counts_for_a_2007_08_baseline_and_march_2011_target():
    baseline_end = months.parse("2008-03")        # end of 2007/08
    target_date = months.parse("2011-03")
    assessed = months.parse("2009-11")            # November 2009
    assert int(months.between(baseline_end, target_date)) == 36   # N
    assert int(months.between(baseline_end, assessed)) == 20      # m
    # Dates and ISO strings give the same months.
    import datetime as dt
    assert months.parse(dt.date(2009, 11, 30)) == assessed
    assert months.parse("2009-11-01") == assessed


def test_trajectory_domestic_burglary_november_2009():
    # Baseline 303 (end 2008-03), target 290 (2011-03): at m = 20 of N = 36.
    m = months.between(months.parse("2008-03"), months.parse("2009-11"))
    n = months.between(months.parse("2008-03"), months.parse("2011-03"))
    got = float(trajectory.trajectory(303, 290, m, n))
    assert got == pytest.approx(303 + (290 - 303) * 20 / 36, rel=1e-12)


def test_trajectory_end_points_and_clipping():
    assert float(trajectory.trajectory(100, 90, 0, 36)) == 100
    assert float(trajectory.trajectory(100, 90, 36, 36)) == 90
    assert float(trajectory.trajectory(100, 90, -6, 36)) == 100   # before the baseline end: m clipped to 0
    assert float(trajectory.trajectory(100, 90, 48, 36)) == 90    # after the target date: m clipped to N
    assert float(trajectory.trajectory(100, 120, 18, 36)) == 110  # an increase target


def test_trajectory_vectorised():
    m = np.arange(0, 37)
    got = trajectory.trajectory(100.0, 64.0, m, 36)
    np.testing.assert_allclose(got, 100 - m, rtol=1e-12)


def test_limits_formula():
    # [lower, upper] = trajectory -/+ band * |baseline - target| * (1 - m/N)
    for m in (0, 9, 20, 36):
        lower, upper = trajectory.limits(303, 290, m, 36)
        line = 303 + (290 - 303) * m / 36
        width = 0.1 * 13 * (1 - m / 36)
        assert float(lower) == pytest.approx(line - width, rel=1e-12)
        assert float(upper) == pytest.approx(line + width, rel=1e-12)


def test_limits_start_at_band_and_narrow_to_zero():
    lower, upper = trajectory.limits(100, 90, 0, 36)
    assert (float(lower), float(upper)) == pytest.approx((99, 101))
    lower, upper = trajectory.limits(100, 90, 36, 36)
    assert float(lower) == float(upper) == 90
    lower, upper = trajectory.limits(100, 90, 50, 36)   # m clipped: still zero width
    assert float(lower) == float(upper) == 90


def test_limits_band_argument_and_increase_targets():
    lower, upper = trajectory.limits(100, 90, 0, 36, band=0.25)
    assert (float(lower), float(upper)) == pytest.approx((97.5, 102.5))
    lower, upper = trajectory.limits(100, 120, 18, 36)   # |baseline - target| for an increase
    assert (float(lower), float(upper)) == pytest.approx((110 - 1, 110 + 1))


def test_position_above_on_below():
    # At m = 0 on 100 -> 90: limits 99 and 101.
    assert trajectory.position(101.5, 100, 90, 0, 36).item() == "Above Target"
    assert trajectory.position(100.0, 100, 90, 0, 36).item() == "On Target"
    assert trajectory.position(101.0, 100, 90, 0, 36).item() == "On Target"   # on a limit is on target
    assert trajectory.position(99.0, 100, 90, 0, 36).item() == "On Target"
    assert trajectory.position(98.5, 100, 90, 0, 36).item() == "Below Target"


def test_position_domestic_burglary_at_november_2009():
    # The seed: "The current Domestic Burglary position remains above the target trajectory"
    # (current 358 against a trajectory of about 295.8 at m = 20).
    assert trajectory.position(358, 303, 290, 20, 36).item() == "Above Target"


def test_position_at_target_date_has_no_on_target_margin():
    assert trajectory.position(90.01, 100, 90, 36, 36).item() == "Above Target"
    assert trajectory.position(90, 100, 90, 36, 36).item() == "On Target"
    assert trajectory.position(89.99, 100, 90, 36, 36).item() == "Below Target"


def test_position_vectorised_and_missing_is_na():
    got = trajectory.position([101.5, 100, 98.5, np.nan, 100], [100, 100, 100, 100, np.nan], 90, 0, 36)
    assert list(got) == ["Above Target", "On Target", "Below Target", "N/A", "N/A"]


def test_position_band_widens_the_on_target_zone():
    assert trajectory.position(101.5, 100, 90, 0, 36, band=0.2).item() == "On Target"
    assert trajectory.position(101.5, 100, 90, 0, 36, band=0.1).item() == "Above Target"
