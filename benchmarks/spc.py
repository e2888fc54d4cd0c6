"""The past month's SPC charts (issue 15): every series of 350 partnerships x 30 indicators x 120 months at once.

    python benchmarks/spc.py [--quick]

One pass of :func:`xl_pib.measures.spc.chart` over all 10,500 series (limits fixed on 20 points,
a rebase in some series, p-charts for a third of them), then what the bulletin reads of it: the
past month's state, the rule in words and the suggested rebase. Target: <= 0.2 s (the engine row
of benchmarks/run.py, every measure, must stay within 1 s). For comparison, the same charts one
series at a time (a sample, scaled), checked equal. ``bench_spc(row, quick)`` adds the rows to
``benchmarks/run.py``'s table.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [p for p in (str(ROOT),) if p not in sys.path]


def synthetic(partnerships=350, indicators=30, months=120, seed=15):
    """Counts with trends and steps; a third percentages (numerators within denominators); rebases."""
    rng = np.random.default_rng(seed)
    s = partnerships * indicators
    level = rng.uniform(5, 400, s)
    t = np.arange(months)
    step = np.where(rng.random(s) < 0.3, rng.uniform(-0.3, 0.3, s), 0.0)
    mean = level[:, None] * (1 + rng.normal(0, 0.003, s)[:, None] * t) * (1 + step[:, None] * (t >= months // 2))
    denominators = np.round(level[:, None] * 4 * rng.uniform(0.9, 1.1, (s, months)))
    percentage = np.arange(s) % 3 == 0
    values = np.where(percentage[:, None], rng.binomial(denominators.astype(int), 0.25),
                      rng.poisson(np.maximum(mean, 0.5))).astype(float)
    rebase = np.zeros((s, months))
    rebase[step != 0, months // 2] = 1
    measure = np.where(percentage, "percentage", "count").astype(object)
    return values, rebase, denominators, measure


def bench_spc(row, quick: bool) -> None:
    from run import median_time

    from xl_pib.measures import spc

    partnerships = 20 if quick else 350
    values, rebase, denominators, measure = synthetic(partnerships)
    s, t = values.shape

    def everything():
        chart = spc.chart(values, 20, rebase, denominators, measure)
        return chart, chart.past_month(), chart.explanation(), chart.suggested_rebase()

    everything()  # warm
    repeat = 3 if quick else 9
    one_pass = median_time(everything, repeat)
    cpu = time.process_time()
    for _ in range(repeat):
        everything()
    cpu = (time.process_time() - cpu) / repeat
    chart, state, words, _ = everything()

    sample = np.arange(0, s, 25)  # every 25th series alone: 420 charts at full size, scaled
    start = time.perf_counter()
    for i in sample:
        alone = spc.chart(values[i], 20, rebase[i], denominators[i], measure[i])
        assert alone.past_month() == state[i] and alone.explanation() == words[i], i
        assert np.array_equal(alone.side, chart.side[i]) and np.allclose(alone.upper, chart.upper[i], equal_nan=True)
    loop = (time.perf_counter() - start) * s / len(sample)
    row(f"SPC charts, {partnerships} x 30 x {t} ({s:,} series) in one pass, with the past month, words and "
        "suggested rebase", f"{one_pass:.3f} s", "<= 0.2 s", one_pass <= 0.2)
    row("  CPU time of that pass (this process, excludes waiting for a shared core)", f"{cpu:.3f} s", "", None)
    row(f"  peer: the same charts one series at a time ({len(sample)} timed, scaled; same answers checked)",
        f"{loop:.2f} s", "", None)
    row("  speed-up of the one pass", f"{loop / one_pass:.0f}x", "", None)


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rows = []
    bench_spc(lambda *r: rows.append(r), args.quick)
    for name, measured, target, ok in rows:
        print(f"{name}: {measured} {target} {'' if ok is None else ('yes' if ok else 'NO')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
