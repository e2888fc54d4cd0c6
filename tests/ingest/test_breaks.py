"""Break screening (issue 16, deliverable 2): the exact test against scipy and R, its false-positive rate by
simulation with fixed seeds, its power and placement on real steps, gaps, and the national register."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from xl_pib import months
from xl_pib.ingest import breaks, recording_changes

T = 36  # three years of months, the single-force extract


def test_the_exact_test_is_scipys_binomtest_element_for_element():
    rng = np.random.default_rng(20240601)
    n = rng.integers(1, 4000, 800)
    p = rng.uniform(0.02, 0.98, 800)
    k = np.where(rng.random(800) < 0.5, rng.binomial(n, p), rng.integers(0, n + 1))
    want = np.array([binomtest(int(a), int(b), float(c)).pvalue for a, b, c in zip(k, n, p)])
    # equal to 9 significant figures down to 1e-100 (below that both are underflow noise)
    np.testing.assert_allclose(breaks.two_sided_binomial(k, n, p), want, rtol=1e-9, atol=1e-100)
    small = [(kk, nn, pp) for nn in range(1, 25) for kk in range(nn + 1) for pp in (0.1, 0.25, 1 / 3, 0.5, 0.8)]
    got = breaks.two_sided_binomial(*map(np.array, zip(*small)))
    np.testing.assert_allclose(got, [binomtest(kk, nn, pp).pvalue for kk, nn, pp in small], rtol=1e-12, atol=0)


def test_the_exact_test_matches_rs_poisson_test():
    """R's ?poisson.test example: poisson.test(c(11, 6+8+7), c(800, 1083+1050+878)) gives p-value = 0.07967."""
    x1, x2, t1, t2 = 11, 6 + 8 + 7, 800, 1083 + 1050 + 878
    assert breaks.two_sided_binomial(x1, x1 + x2, t1 / (t1 + t2)) == pytest.approx(0.07967, abs=5e-6)


def test_poisson_dispersion_is_about_one():
    rng = np.random.default_rng(3)
    phi = breaks.dispersion(rng.poisson(200, (500, T)).astype(float))
    assert 0.99 <= np.median(phi) <= 1.3 and phi.min() >= 1


def _share_with_a_break(values: np.ndarray) -> float:
    found = breaks.screen(values)
    return found["series"].nunique() / len(values)


@pytest.mark.parametrize("mean", [1, 5, 20, 100, 1000, 5000])
def test_false_positive_rate_on_stationary_poisson_series(mean):
    """Under 1% of 36-month Poisson series with no change show any break (fixed seed per mean)."""
    rng = np.random.default_rng(1000 + mean)
    assert _share_with_a_break(rng.poisson(mean, (4000, T)).astype(float)) < 0.01


@pytest.mark.parametrize("mean", [5, 20, 100, 1000])
def test_false_positive_rate_on_overdispersed_seasonal_series(mean):
    """Crime counts vary more than Poisson and have seasons: month-to-month noise of 8% beyond Poisson and a
    +/-20% annual cycle (any phase) still give a break in under 2% of series."""
    rng = np.random.default_rng(2000 + mean)
    phase = rng.integers(0, 12, (4000, 1))
    season = 1 + 0.2 * np.sin(2 * np.pi * (np.arange(T) + phase) / 12)
    rate = mean * season * rng.gamma(150, 1 / 150, (4000, T))
    assert _share_with_a_break(rng.poisson(rate).astype(float)) < 0.02


def _steps(rng, before, after, at, count=300):
    rate = np.where(np.arange(T) < at, before, after) * rng.gamma(150, 1 / 150, (count, T))
    return rng.poisson(rate).astype(float)


@pytest.mark.parametrize("before,after,at,found,placed", [
    (55, 600, 30, 1.0, 0.95),  # Gwent's criminal damage: six months at the new level
    (55, 600, 18, 1.0, 0.99),
    (100, 170, 18, 0.95, 0.85),
    (20, 8, 28, 0.9, 0.5),
])
def test_steps_are_found_and_placed_at_their_month(before, after, at, found, placed):
    rng = np.random.default_rng(before * 1000 + after)
    values = _steps(rng, before, after, at)
    shifts = breaks.screen(values)
    assert shifts["series"].nunique() / len(values) >= found
    assert (shifts["period"] == at).sum() / len(values) >= placed
    exact = shifts[shifts["period"] == at]
    assert np.median(exact["after"] / exact["before"]) == pytest.approx(after / before, rel=0.1)


def test_a_step_is_one_break_and_two_steps_are_two():
    rng = np.random.default_rng(9)
    one = _steps(rng, 50, 400, 20, count=50)
    assert breaks.screen(one).groupby("series").size().max() == 1
    rate = np.select([np.arange(T) < 12, np.arange(T) < 24], [40, 160], 40)
    two = rng.poisson(np.broadcast_to(rate, (50, T))).astype(float)
    found = breaks.screen(two)
    assert (found.groupby("series")["period"].apply(list).map(sorted) == pd.Series([[12, 24]] * 50)).all()


def test_gaps_are_left_out_of_the_windows():
    rng = np.random.default_rng(4)
    values = _steps(rng, 60, 300, 24, count=20)
    values[:, [3, 20, 30]] = np.nan  # missing force-months: no value, not zero
    found = breaks.screen(values)
    assert (found["period"] == 24).all() and found["series"].nunique() == 20
    flat = rng.poisson(60, (200, T)).astype(float)
    flat[:, 10:14] = np.nan
    assert breaks.screen(flat).empty


def test_find_names_each_break_and_writes_the_reason():
    first = months.parse("2021-04")
    rng = np.random.default_rng(12)
    cda = np.where(np.arange(T) < 30, rng.poisson(55, T), rng.poisson(600, T))
    data = pd.concat([
        pd.DataFrame({"month": first + np.arange(T), "area": "Newport", "indicator": "CDA", "value": cda}),
        pd.DataFrame({"month": first + np.arange(T), "area": "Newport", "indicator": "ASB",
                      "value": rng.poisson(300, T)})])
    found = breaks.find(data)
    assert found[["area", "indicator", "month"]].values.tolist() == [["Newport", "CDA", months.parse("2023-10")]]
    reason = found["reason"].iloc[0]
    assert reason.startswith("level shift found by xl-pib ingest: ") and "in the 6 months before 2023-10" in reason
    assert f"{found['before'].iloc[0]:,.1f} a month" in reason and "%)" in reason


def test_quarterly_series_are_screened_in_quarters():
    first = months.parse("2018-06")  # quarter ends: June 2018, September 2018, ...
    values = [900] * 10 + [1900] * 6
    data = pd.DataFrame({"month": first + 3 * np.arange(16), "area": "Luton", "indicator": "VAP", "value": values})
    found = breaks.find(data, step=3)
    assert found["month"].tolist() == [first + 3 * 10 - 2]  # the first month of the quarter at the new level
    assert "a quarter" in found["reason"].iloc[0]


def test_the_register_applies_only_to_series_that_span_a_change():
    table = recording_changes.register()
    assert {"indicator", "month", "change", "source"} <= set(table.columns) and table["source"].str.len().min() > 10
    spans = pd.DataFrame({"area": ["A", "B", None], "indicator": ["VSO", "vso", "ALL_CRIME"],
                          "first": [months.parse("2022-01")] * 2 + [months.parse("2009-01")],
                          "last": [months.parse("2024-03"), months.parse("2023-05"), months.parse("2012-01")]})
    got = recording_changes.applicable(spans)
    assert got[["area", "indicator", "month"]].values.tolist() == [["A", "VSO", months.parse("2023-06")]]
    assert got["reason"].iloc[0].startswith("national recording change: Home Office Counting Rules (May 2023)")
    assert "(source: ONS" in got["reason"].iloc[0]


def test_the_ingest_page_lists_the_register_as_shipped():
    """docs/ingest.md's register table is generated from the CSV (docs/hooks/generate.py), never typed twice."""
    import importlib.util
    from pathlib import Path
    from types import SimpleNamespace

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("generate_hook", root / "docs" / "hooks" / "generate.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    hook.on_config({})
    page = hook.on_page_markdown((root / "docs" / "ingest.md").read_text(),
                                 SimpleNamespace(file=SimpleNamespace(src_uri="ingest.md")), None, None)
    for row in recording_changes.register().itertuples():
        line = next(line for line in page.splitlines() if line.startswith(f"| {months.iso(row.month)} |")
                    and row.change in line)
        assert f"`{row.indicator}`" in line and row.source in line
