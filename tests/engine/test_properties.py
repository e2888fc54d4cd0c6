"""Property tests (hypothesis) for the engine and the =PIB_ functions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import pib_udfs
from conftest import same_answer
from xl_pib.measures import rolling, series, trajectory, trend

PROPS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

RANK = {"Below Target": 0, "On Target": 1, "Above Target": 2}

finite = st.floats(min_value=0, max_value=1e5, allow_nan=False, allow_infinity=False, allow_subnormal=False)
small_int = st.integers(min_value=0, max_value=60)
blank = st.sampled_from([None, ""])


def number_or_blank(strategy=finite):
    return st.one_of(strategy, blank)


def choice_or_blank(options):
    return st.one_of(st.sampled_from(options), blank)


# --- position is monotone in value ----------------------------------------------------------------


@PROPS
@given(values=st.lists(finite, min_size=2, max_size=30), baseline=finite, target=finite,
       m=st.integers(-6, 48), n=st.integers(1, 48), band=st.floats(0, 0.9))
def test_position_monotone_in_value(values, baseline, target, m, n, band):
    ordered = np.sort(np.array(values))
    got = trajectory.position(ordered, baseline, target, m, n, band)
    ranks = [RANK[p] for p in got]
    assert ranks == sorted(ranks), list(zip(ordered, got))


@PROPS
@given(v1=finite, v2=finite, baseline=finite, target=finite, m=st.integers(0, 36), band=st.floats(0, 0.9))
def test_pib_position_higher_value_never_gives_a_lower_label(v1, v2, baseline, target, m, band):
    low, high = sorted((v1, v2))
    a = pib_udfs.PIB_POSITION(low, baseline, target, m, 36, band)
    b = pib_udfs.PIB_POSITION(high, baseline, target, m, 36, band)
    assert RANK[a] <= RANK[b], (low, a, high, b)


# --- reduction required is N/A exactly when the target is met ---------------------------------------


@PROPS
@given(current=st.one_of(st.just(0.0), st.floats(1e-3, 1e5)), target=finite,
       measure=st.sampled_from(["count", "rate", "percentage"]),
       direction=st.sampled_from(["down", "up"]))
@example(current=290.0, target=290.0, measure="count", direction="down")
@example(current=290.0, target=290.0, measure="count", direction="up")
def test_reduction_required_na_exactly_when_target_met(current, target, measure, direction):
    got = pib_udfs.PIB_REDUCTION_REQUIRED(current, target, measure, direction)
    met = current <= target if direction == "down" else current >= target
    assert (got == "N/A") == met, (current, target, direction, got)
    if not met:
        gap = current - target if direction == "down" else target - current
        want = gap if measure == "percentage" else (gap / current if current else math.inf)
        assert isinstance(got, float) and got > 0
        assert got == pytest.approx(want, rel=1e-12)


# --- a UDF on a column equals the UDF applied cell by cell -------------------------------------------

rows = st.integers(min_value=1, max_value=8)


def _columns(draw, n, *strategies):
    return [draw(st.lists(s, min_size=n, max_size=n)) for s in strategies]


def _assert_column_equals_cells(func, columns, scalars=()):
    """func(columns..., scalars...) row i == func(cells of row i..., scalars...)."""
    got = func(*columns, *scalars)
    n = len(columns[0])
    assert isinstance(got, list) and len(got) == n, got
    for i in range(n):
        single = func(*(c[i] for c in columns), *scalars)
        row = single[0] if isinstance(single, list) else [single]
        assert same_answer(got[i], row), (i, got[i], single)


POSITIONS = ["Above Target", "On Target", "Below Target", "N/A", " on target ", "ABOVE TARGET"]
TRENDS = ["Yes", "No", "N/A", "yes", "Too close to call", " too close to call"]


@PROPS
@given(data=st.data(), n=rows)
def test_pib_rag_column_equals_cells(data, n):
    cols = _columns(data.draw, n, choice_or_blank(POSITIONS), choice_or_blank(TRENDS),
                    choice_or_blank(["down", "up", "Up"]))
    _assert_column_equals_cells(pib_udfs.PIB_RAG, cols)


@PROPS
@given(data=st.data(), n=rows, direction=choice_or_blank(["down", "up"]))
def test_pib_rag_column_with_scalar_direction_equals_cells(data, n, direction):
    cols = _columns(data.draw, n, choice_or_blank(POSITIONS), choice_or_blank(TRENDS))
    _assert_column_equals_cells(pib_udfs.PIB_RAG, cols, (direction,))


@PROPS
@given(data=st.data(), n=rows)
def test_pib_position_column_equals_cells(data, n):
    cols = _columns(data.draw, n, number_or_blank(), number_or_blank(), number_or_blank(),
                    number_or_blank(st.integers(-6, 48)), st.integers(1, 48), st.floats(0, 0.5))
    _assert_column_equals_cells(pib_udfs.PIB_POSITION, cols)


@PROPS
@given(data=st.data(), n=rows)
def test_pib_reduction_required_column_equals_cells(data, n):
    cols = _columns(data.draw, n, number_or_blank(st.floats(0.01, 1e5)), number_or_blank(),
                    choice_or_blank(["count", "rate", "percentage"]), choice_or_blank(["down", "up"]))
    _assert_column_equals_cells(pib_udfs.PIB_REDUCTION_REQUIRED, cols)


@PROPS
@given(data=st.data(), n=rows, measure=st.sampled_from([None, "", "count", "rate", "percentage"]))
def test_pib_target_column_equals_cells(data, n, measure):
    cols = _columns(data.draw, n, number_or_blank(st.integers(0, 5000)),
                    st.sampled_from(["reduction_pct", "increase_pct", "level", "maintenance", "none"]),
                    number_or_blank(st.floats(0, 0.5)))
    _assert_column_equals_cells(pib_udfs.PIB_TARGET, cols, (measure,))


@PROPS
@given(data=st.data(), n=rows)
def test_pib_target_column_with_measure_column_equals_cells(data, n):
    cols = _columns(data.draw, n, st.integers(0, 5000), st.sampled_from(["reduction_pct", "increase_pct"]),
                    st.floats(0, 0.5), st.sampled_from(["count", "rate", "percentage"]))
    _assert_column_equals_cells(pib_udfs.PIB_TARGET, cols)


def test_pib_target_measure_column_with_blanks_equals_cells():
    cols = [[303, 303], ["reduction_pct", "reduction_pct"], [0.04, 0.04], ["count", ""]]
    _assert_column_equals_cells(pib_udfs.PIB_TARGET, cols)


@PROPS
@given(data=st.data(), n=rows)
def test_pib_change_from_baseline_column_equals_cells(data, n):
    cols = _columns(data.draw, n, number_or_blank(), number_or_blank(st.floats(0.01, 1e5)),
                    choice_or_blank(["count", "rate", "percentage"]))
    _assert_column_equals_cells(pib_udfs.PIB_CHANGE_FROM_BASELINE, cols)


# --- rolling12 equals a naive per-window sum ---------------------------------------------------------


@PROPS
@given(v=hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(0, 40)),
                    elements=st.one_of(st.floats(0, 1e4, allow_nan=False), st.just(np.nan))))
def test_rolling12_equals_naive_window_sums(v):
    got = rolling.rolling12(v)
    assert got.shape == v.shape
    naive = np.full(v.shape, np.nan)
    for r in range(v.shape[0]):
        for t in range(11, v.shape[1]):
            naive[r, t] = sum(v[r, t - 11:t + 1])  # NaN if any month in the window is missing
    np.testing.assert_allclose(got, naive, rtol=1e-12, atol=1e-9, equal_nan=True)


# --- ols slope equals numpy.polyfit ----------------------------------------------------------------


@PROPS
@given(y=hnp.arrays(np.float64, st.integers(2, 60), elements=st.floats(-1e4, 1e4, allow_nan=False)))
def test_ols_equals_numpy_polyfit(y):
    assume(np.ptp(y) > 1e-6 or np.all(y == y[0]))
    intercept, slope = trend.ols(y)
    ref_slope, ref_intercept = np.polyfit(np.arange(len(y), dtype=float), y, 1)
    scale = max(1.0, float(np.abs(y).max()))
    assert float(slope) == pytest.approx(ref_slope, rel=1e-7, abs=1e-9 * scale)
    assert float(intercept) == pytest.approx(ref_intercept, rel=1e-7, abs=1e-8 * scale)


@PROPS
@given(y=hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(2, 30)),
                    elements=st.floats(-1e3, 1e3, allow_nan=False)))
def test_ols_vectorised_equals_row_by_row(y):
    intercept, slope = trend.ols(y)
    for r in range(y.shape[0]):
        i, s = trend.ols(y[r])
        assert float(slope[r]) == pytest.approx(float(s), rel=1e-12, abs=1e-12)
        assert float(intercept[r]) == pytest.approx(float(i), rel=1e-12, abs=1e-12)


# --- align_right puts each series' last non-NaN value last -----------------------------------------


@PROPS
@given(v=hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 30)),
                    elements=st.one_of(st.floats(-1e3, 1e3, allow_nan=False), st.just(np.nan))))
def test_align_right_puts_last_value_last(v):
    aligned, shift = series.align_right(v)
    assert aligned.shape == v.shape
    t = v.shape[1]
    for r in range(v.shape[0]):
        valid = np.flatnonzero(~np.isnan(v[r]))
        if valid.size == 0:
            assert np.isnan(aligned[r]).all()
            assert shift[r] == 0
            continue
        last = valid[-1]
        assert aligned[r, -1] == v[r, last]
        assert shift[r] == t - 1 - last
        # The series is moved whole, gaps and all, NaN padded on the left.
        np.testing.assert_array_equal(aligned[r, shift[r]:], v[r, :t - shift[r]])
        assert np.isnan(aligned[r, :shift[r]]).all()


@PROPS
@given(v=hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 30)),
                    elements=st.one_of(st.floats(0, 1e3, allow_nan=False), st.just(np.nan))))
def test_shift_right_applies_the_same_shift_to_a_companion(v):
    aligned, shift = series.align_right(v)
    companion = np.where(np.isnan(v), np.nan, v * 2 + 1)
    np.testing.assert_array_equal(series.shift_right(companion, shift), aligned * 2 + 1)


# --- a few more invariants ----------------------------------------------------------------------


@PROPS
@given(baseline=finite, target=finite, m=st.integers(-12, 60), n=st.integers(1, 60), band=st.floats(0, 0.9))
def test_limits_contain_the_trajectory_and_it_lies_between_baseline_and_target(baseline, target, m, n, band):
    line = float(trajectory.trajectory(baseline, target, m, n))
    lower, upper = (float(x) for x in trajectory.limits(baseline, target, m, n, band))
    lo, hi = sorted((baseline, target))
    assert lo - 1e-9 * max(1, hi) <= line <= hi + 1e-9 * max(1, hi)
    assert lower <= line * (1 + 1e-12) + 1e-9 and line <= upper * (1 + 1e-12) + 1e-9
    assert upper - lower == pytest.approx(2 * band * abs(baseline - target) * (1 - min(max(m, 0), n) / n),
                                          rel=1e-9, abs=1e-9)


@PROPS
@given(x=st.integers(0, 10_000), extra=st.integers(0, 10_000), conf=st.sampled_from([0.9, 0.95, 0.99, 0.998]))
def test_wilson_interval_contains_the_proportion(x, extra, conf):
    from xl_pib.measures import intervals

    n = x + extra
    assume(n > 0)
    lower, upper = (float(v) for v in intervals.wilson(x, n, conf))
    assert 0 <= lower + 1e-12 and upper <= 1 + 1e-12
    assert lower <= x / n + 1e-12 and x / n <= upper + 1e-12
