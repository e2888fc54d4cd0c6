"""False alarms and detection of the past-month judgement, before and after the SPC chart (issue 15).

    python tools/spc_calibration.py            # prints the table
    python tools/spc_calibration.py --write    # writes it into docs/spc-calibration.md

Simulated Poisson counts with fixed seeds, judged at their last month:

- *before*: today's expected band (:mod:`xl_pib.measures.expected`), recomputed
  every month from the 12 months before it, by its three methods (``xmr``,
  ``poisson``, ``trend``), on the raw counts;
- *after*: the Making Data Count SPC chart (:mod:`xl_pib.measures.spc`), limits
  fixed on the first 20 points, the four rules; seasonal counts are charted
  on their seasonally adjusted values (divided by month-of-year factors).

The seasonal factors are either the *true* ones the series were drawn from, or
*estimated*: each calendar month's mean over the series divided by the
overall mean, which is exactly the maximum-likelihood fit of a Poisson GLM
with a log link and 11 month-of-year effects (no trend) to a stable series.
The bulletin will use the projection model's fitted factors instead.

Each figure is the share of series whose last month is judged a special cause
(above or below) on stable data (a false alarm), or, for a sustained +25%
step, the share flagged "Above Expected Level" in at least one of the 12
months from the step on, each month judged on the data up to it.
tests/engine/test_spc.py runs the same simulations and checks the figures.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "spc-calibration.md"
MEAN = 30.0
HIGH_MEAN = 300.0    # the level at which the seasonal "before" figures (22%, 41%) are reproduced
AMPLITUDE = 0.15     # ±15% seasons
MONTHS = 48          # stable series: 4 years, judged at the last month
BASELINE = 20        # SPC limits fixed on the first 20 points (Making Data Count)
STEP = 0.25          # a sustained +25% step ...
BEFORE_STEP = 24     # ... after 2 years of stable months,
WITHIN = 12          # caught within 12 months
SERIES = 24_000      # stable series per simulation (12 end months x 2,000): the standard error of 5% is 0.14%
STEP_SERIES = 6_000
METHODS = ("xmr", "poisson", "trend")
_BEGIN, _END = "<!-- spc-calibration:begin -->", "<!-- spc-calibration:end -->"


def factors(calendar) -> np.ndarray:
    """The true month-of-year factors: 1 + 15% × cos(2π month / 12), mean 1 over a year."""
    return 1 + AMPLITUDE * np.cos(2 * np.pi * np.asarray(calendar) / 12)


def seasonal_series(rng, series: int = SERIES, months: int = MONTHS, mean: float = MEAN):
    """Stable seasonal Poisson counts (mean 30 a month), the last month cycling through all 12 calendar months.

    Returns (counts, calendar month of each point (0-11), calendar month of the last point).
    """
    end = np.arange(series) % 12
    calendar = (end[:, None] - (months - 1) + np.arange(months)) % 12
    return rng.poisson(mean * factors(calendar)).astype(float), calendar, end


def estimated_factors(counts, calendar) -> np.ndarray:
    """Each calendar month's mean over the series / the overall mean, at every point (the Poisson GLM with
    month effects, fitted to a stable series, gives exactly these)."""
    rows = np.arange(counts.shape[0])[:, None]
    sums = np.zeros((counts.shape[0], 12))
    hits = np.zeros((counts.shape[0], 12))
    np.add.at(sums, (rows, calendar), counts)
    np.add.at(hits, (rows, calendar), 1)
    month_mean = sums / hits
    return np.take_along_axis(month_mean, calendar, axis=1) / counts.mean(-1, keepdims=True)


def step_series(rng, series: int = STEP_SERIES):
    """Poisson counts at 30 a month for 24 months, then 37.5 (+25%) for 12 months."""
    months = BEFORE_STEP + WITHIN
    level = np.where(np.arange(months) < BEFORE_STEP, MEAN, MEAN * (1 + STEP))
    return rng.poisson(np.broadcast_to(level, (series, months))).astype(float)


def special_last_month_spc(values) -> np.ndarray:
    from xl_pib import labels
    from xl_pib.measures import spc

    return spc.past_month(values, BASELINE) != labels.IN_LINE


def special_last_month_before(values, method: str) -> np.ndarray:
    from xl_pib import labels
    from xl_pib.measures import expected

    return expected.month_status(values, method) != labels.IN_LINE


def above_within(values, judge) -> np.ndarray:
    """Flagged "Above Expected Level" in at least one of the last WITHIN months, each judged on the data up to it."""
    from xl_pib import labels

    t = values.shape[-1]
    caught = np.zeros(values.shape[0], bool)
    for end in range(t - WITHIN + 1, t + 1):  # 12 judgements, each of every series at once
        caught |= judge(values[:, :end]) == labels.ABOVE_EXPECTED
    return caught


@dataclass(frozen=True)
class Rate:
    share: float
    worst: float | None = None  # the highest share over the calendar month of the last point
    worst_month: int | None = None

    def text(self) -> str:
        out = f"{100 * self.share:.1f}%"
        if self.worst is not None:
            out += f" (up to {100 * self.worst:.1f}% in {_MONTH_NAMES[self.worst_month]})"
        return out


_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _rate(flags, end=None) -> Rate:
    if end is None:
        return Rate(float(np.mean(flags)))
    by_month = np.array([np.mean(flags[end == m]) for m in range(12)])  # 12 calendar months, not series
    return Rate(float(np.mean(flags)), float(by_month.max()), int(by_month.argmax()))


def measure(seed: int = 20151) -> dict[str, Rate]:
    """Every figure of the table, from fixed seeds."""
    from xl_pib import labels
    from xl_pib.measures import expected, spc

    rng = np.random.default_rng(seed)
    out: dict[str, Rate] = {}
    flat = rng.poisson(MEAN, (SERIES, MONTHS)).astype(float)
    seasons = {"seasonal": seasonal_series(rng), "seasonal high": seasonal_series(rng, mean=HIGH_MEAN)}
    steps = step_series(rng)
    for method in METHODS:
        out[f"before {method} stable"] = _rate(special_last_month_before(flat, method))
        for name, (seasonal, _, end) in seasons.items():
            out[f"before {method} {name}"] = _rate(special_last_month_before(seasonal, method), end)
        out[f"before {method} step"] = _rate(above_within(
            steps, lambda v, method=method: expected.month_status(v, method)))
    out["after stable"] = _rate(special_last_month_spc(flat))
    for name, (seasonal, calendar, end) in seasons.items():
        out[f"after {name} true"] = _rate(special_last_month_spc(seasonal / factors(calendar)), end)
        out[f"after {name} estimated"] = _rate(
            special_last_month_spc(seasonal / estimated_factors(seasonal, calendar)), end)
        out[f"after {name} unadjusted"] = _rate(special_last_month_spc(seasonal), end)
    out["after step"] = _rate(above_within(steps, lambda v: spc.past_month(v, BASELINE)))
    assert labels.IN_LINE  # the judgements compared are the bulletin's own labels
    return out


def table(rates: dict[str, Rate]) -> str:
    """The before/after table in Markdown."""
    rows = [
        (f"Stable counts, no seasons, mean {MEAN:.0f} a month: last month flagged (false alarm)",
         *(rates[f"before {m} stable"].text() for m in METHODS), rates["after stable"].text()),
        *((f"Stable counts, ±15% seasons, mean {level:.0f} a month: last month flagged (false alarm)",
           *(rates[f"before {m} {name}"].text() for m in METHODS),
           (f"{rates[f'after {name} estimated'].text()} adjusted by estimated factors; "
            f"{rates[f'after {name} true'].text()} by the true factors; "
            f"{rates[f'after {name} unadjusted'].text()} unadjusted"))
          for name, level in (("seasonal", MEAN), ("seasonal high", HIGH_MEAN))),
        (f"+25% step at a mean of {MEAN:.0f} a month: flagged within 12 months (detection)",
         *(rates[f"before {m} step"].text() for m in METHODS), rates["after step"].text()),
    ]
    head = ("| simulation | before: xmr | before: poisson | before: trend | after: SPC chart |\n"
            "|---|---|---|---|---|\n")
    return head + "".join("| " + " | ".join(r) + " |\n" for r in rows)


def write(page: Path = PAGE, text: str | None = None) -> None:
    text = table(measure()) if text is None else text
    markdown = page.read_text()
    block = re.compile(re.escape(_BEGIN) + ".*?" + re.escape(_END), flags=re.DOTALL)
    page.write_text(block.sub(lambda _: f"{_BEGIN}\n{text}{_END}", markdown, count=1))


def written(page: Path = PAGE) -> str:
    """The table as docs/spc-calibration.md holds it."""
    found = re.search(re.escape(_BEGIN) + r"\n(.*?)" + re.escape(_END), page.read_text(), flags=re.DOTALL)
    return found.group(1) if found else ""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write the table into {PAGE.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    text = table(measure())
    print(text, end="")
    if args.write:
        write(text=text)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
