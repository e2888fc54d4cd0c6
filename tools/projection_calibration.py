"""How often the long-term trend judgement is right, by simulation: the classic straight line against the
projection model (issue 15).

    python tools/projection_calibration.py           # writes docs/projection-calibration.md
    python tools/projection_calibration.py --check   # exit 1 if the page is not what a fresh run writes

Every scenario draws Poisson monthly counts with a fixed seed, at a mean of 30 a month, judged 16 months
before the target date, as the issue measured them:

- the classic method (:mod:`xl_pib.measures.trend`): least squares on the last ``Trend window`` months (24),
  "Yes" or "No";
- the projection model (:mod:`xl_pib.measures.projection`): the quasi-Poisson GLM on the last 36 months with
  month-of-year effects (``Seasonal`` auto), "Yes" when P(target met) >= 0.8, "No" when <= 0.2, otherwise
  "Too close to call".

tests/engine/test_projection.py runs the same functions with the same seeds and checks the model's
calibration targets, and that the page is what this tool writes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xl_pib import labels  # noqa: E402
from xl_pib.measures import projection, trend  # noqa: E402
from xl_pib.settings import DEFAULT  # noqa: E402

PAGE = ROOT / "docs" / "projection-calibration.md"
MEAN = 30.0            # events a month
AHEAD = 16             # months from the latest month to the target date
HISTORY = 48           # months of data
SERIES = 2000          # simulated series per scenario
DECLINE = 0.07         # the "exactly sufficient" decline: 7% a year
SEASONALITY = 0.15     # ± amplitude of the noise-free seasonal series
CLASSIC_WINDOW = DEFAULT.trend_window
MODEL_WINDOW = 36      # the noise-aware default Trend window (issue 15)
MODEL_SEASONAL = "auto"
FIRST_MONTH = 2000 * 12  # January 2000: the calendar only matters to the seasonal scenario
VERDICTS = (labels.YES, labels.NO, labels.TOO_CLOSE)


def classic(values, target, months_to_target):
    return trend.trend_sufficient(values, target, months_to_target, "count", "down", CLASSIC_WINDOW)


def model(values, target, months_to_target, first_month=FIRST_MONTH):
    fit = projection.fit(values, first_month, MODEL_WINDOW, MODEL_SEASONAL)
    return projection.verdict(projection.probability_met(projection.project(fit, months_to_target), target))


METHODS = {"classic": classic, "model": model}


def shares(verdicts) -> dict[str, float]:
    v = np.asarray(verdicts, dtype=object).ravel()
    return {label: float(np.mean(v == label)) for label in VERDICTS}


def _decline(months):
    """Expected counts of the declining series at months ``months`` (month 0 the first)."""
    return MEAN * np.exp(np.log(1 - DECLINE) / 12 * (np.asarray(months, dtype=float) - (HISTORY - 1)))


def _year_ending(mean_of, month) -> float:
    return float(mean_of(np.arange(month - 11, month + 1)).sum())


def exactly_sufficient(method: str, seed: int = 1501) -> dict[str, float]:
    """A 7%-a-year decline whose expected 12 months at the target date are exactly the target."""
    rng = np.random.default_rng(seed)
    values = rng.poisson(_decline(np.arange(HISTORY)), (SERIES, HISTORY)).astype(float)
    target = _year_ending(_decline, HISTORY - 1 + AHEAD)
    return shares(METHODS[method](values, target, AHEAD))


def month_to_month(method: str, seed: int = 1502, months: int = 12) -> dict[str, float]:
    """The same exactly-sufficient series judged again each month as one more month arrives (the target
    date fixed): how often the verdict changes, and how often it goes straight from Yes to No or back."""
    rng = np.random.default_rng(seed)
    total = HISTORY + months
    values = rng.poisson(_decline(np.arange(total)), (SERIES, total)).astype(float)
    target_month = HISTORY - 1 + AHEAD
    target = _year_ending(_decline, target_month)
    ends = HISTORY - 1 + np.arange(months + 1)
    seen = np.repeat(values[None], ends.size, axis=0)
    seen[np.broadcast_to(np.arange(total) > ends[:, None, None], seen.shape)] = np.nan  # each stops at its month
    horizon = np.broadcast_to((target_month - ends)[:, None], seen.shape[:2])
    if method == "classic":  # the classic method reads the last columns, so each month is cut to length
        verdicts = np.stack([classic(seen[k][:, :end + 1], target, horizon[k, 0]) for k, end in enumerate(ends)])
    else:
        verdicts = model(seen, target, horizon)
    changed = verdicts[1:] != verdicts[:-1]
    straight = ((verdicts[1:] == labels.YES) & (verdicts[:-1] == labels.NO)) | \
               ((verdicts[1:] == labels.NO) & (verdicts[:-1] == labels.YES))
    return {"changes": float(changed.mean()), "yes_no": float(straight.mean())}


def above_target(method: str, above: float, seed: int = 1503) -> dict[str, float]:
    """A flat series whose true 12-month figure is ``above`` (0.3: 30%) above the target."""
    rng = np.random.default_rng(seed)
    values = rng.poisson(MEAN, (SERIES, HISTORY)).astype(float)
    return shares(METHODS[method](values, 12 * MEAN / (1 + above), AHEAD))


def seasonal_bias(method: str) -> tuple[float, float]:
    """Noise-free ±15% seasonal series with a flat level: the lowest and highest error of the projected year
    over the 12 calendar months the data can end in."""
    errors = []
    for last in range(12):
        first = FIRST_MONTH + last - (HISTORY - 1)
        month = (first + np.arange(HISTORY)) % 12
        values = MEAN * (1 + SEASONALITY * np.sin(2 * np.pi * month / 12))
        if method == "classic":
            year = trend.projected_year(values, AHEAD, "count", CLASSIC_WINDOW)
        else:
            fit = projection.fit(values, first, MODEL_WINDOW, MODEL_SEASONAL)
            year = projection.projected_year(projection.project(fit, AHEAD))
        errors.append(round(float(year) / (12 * MEAN) - 1, 9) + 0.0)  # + 0.0: no "-0.00%"
    return min(errors), max(errors)


def spread(method: str, seed: int = 1504) -> dict[str, float]:
    """A flat series: the spread (standard deviation) of the projected year across series, as a share of the
    true year; for the model also its own median standard error, which adds the target year's own noise."""
    rng = np.random.default_rng(seed)
    values = rng.poisson(MEAN, (SERIES, HISTORY)).astype(float)
    if method == "classic":
        return {"spread": float(np.std(trend.projected_year(values, AHEAD, "count", CLASSIC_WINDOW)) / (12 * MEAN))}
    fit = projection.fit(values, FIRST_MONTH, MODEL_WINDOW, MODEL_SEASONAL)
    projected = projection.project(fit, AHEAD)
    return {"spread": float(np.std(projection.projected_year(projected)) / (12 * MEAN)),
            "se": float(np.median(projection.standard_error(projected)) / (12 * MEAN))}


# --- the page -------------------------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _verdicts(s: dict[str, float], method: str) -> str:
    parts = [f"Yes {_pct(s[labels.YES])}", f"No {_pct(s[labels.NO])}"]
    if method == "model":
        parts.append(f"Too close to call {_pct(s[labels.TOO_CLOSE])}")
    return ", ".join(parts)


def rows() -> list[tuple[str, str, str]]:
    """(scenario, classic, model) for the page's table."""
    out = []
    sufficient = {m: exactly_sufficient(m) for m in METHODS}
    out.append(("Decline exactly fast enough to meet the target (7% a year)",
                *(_verdicts(sufficient[m], m) for m in METHODS)))
    moves = {m: month_to_month(m) for m in METHODS}
    out.append(("Same series judged month after month: verdict changes",
                *(_pct(moves[m]["changes"]) for m in METHODS)))
    out.append(("  of which straight from Yes to No or back", *(_pct(moves[m]["yes_no"]) for m in METHODS)))
    for above in (0.05, 0.15, 0.30):
        s = {m: above_target(m, above) for m in METHODS}
        out.append((f"Flat series, true 12 months {above:.0%} above the target",
                    *(_verdicts(s[m], m) for m in METHODS)))
    bias = {m: seasonal_bias(m) for m in METHODS}
    out.append(("Noise-free ±15% seasons: error of the projected year by the month the data end in",
                *(f"{lo:+.2%} to {hi:+.2%}" for lo, hi in (bias[m] for m in METHODS))))
    spreads = {m: spread(m) for m in METHODS}
    out.append(("Flat series: spread of the projected year (standard deviation, share of the year)",
                *(_pct(spreads[m]["spread"]) for m in METHODS)))
    out.append(("  the model's own standard error (adds the target year's own noise)", "none",
                _pct(spreads["model"]["se"])))
    return out


def markdown() -> str:
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows())
    return f"""# How sure is "trend sufficient"? Calibration by simulation

The long-term trend judgement asks whether the figure for the 12 months to the target date will meet the
target. Monthly counts are noisy, so any answer is a forecast; this page measures, on simulated series
whose truth is known, how often each method gives each answer.

- **Classic** (the `classic` judgements): a straight line through the last {CLASSIC_WINDOW} months, projected
  to the target date: "Yes" or "No".
- **Projection model** (the `noise-aware` judgements): a quasi-Poisson GLM with a log link on the last
  {MODEL_WINDOW} months, with month-of-year effects, giving P(target met); "Yes" when P ≥ 0.8, "No" when
  P ≤ 0.2, otherwise "Too close to call" (see [How the measures are defined](measures.md)).

Every series is Poisson counts at a mean of {MEAN:.0f} a month, {HISTORY} months of data, judged {AHEAD}
months before the target date, a reduction target; {SERIES:,} series per scenario, fixed seeds.

| scenario | classic | projection model |
|---|---|---|
{table}

Reading it: where the truth is exactly on the target, a method that knows how uncertain it is should say
"Too close to call" most of the time (a perfectly calibrated P is uniform, so 60% of the time between 0.2
and 0.8); the classic method says "Yes" about half the time, which is a coin toss. Where the truth is 30%
above the target, the model says "No" almost always; at 15% above, the year's own noise and 16 months of
extrapolation leave even a calibrated model unable to say "No" much more than two times in three.
Seasons no longer move the projection: month-of-year effects are fitted by calendar month.

Generated by `python tools/projection_calibration.py` (the test suite checks that this page is what the tool
writes: `tests/engine/test_projection.py`).
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the page differs from a fresh run")
    args = parser.parse_args(argv)
    text = markdown()
    if args.check:
        same = PAGE.exists() and PAGE.read_text() == text
        print(f"{PAGE.relative_to(ROOT)} is {'up to date' if same else 'out of date'}")
        return 0 if same else 1
    PAGE.write_text(text)
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
