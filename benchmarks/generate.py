"""Realistic synthetic input workbooks for many partnerships (valid inputs for ``xl-pib build``).

    python benchmarks/generate.py 350 -o bench_inputs                # 350 workbooks, one partnership each
    python benchmarks/generate.py 20 -o bench_inputs --areas 20      # one workbook holding 20 areas

Each partnership has 30 indicators over 120 months: recorded-crime counts with
their own level, seasonality (a yearly cycle with its own amplitude and
peak), a long-term trend and Poisson noise; rates per 1,000 residents;
monitoring indicators without a target; and perception-survey percentages
(a monthly sample of about 100 respondents, binomial answers) on a
Perception section. Every count and rate has an MSG table of the partnership
and 14 similar areas. Targets mix reductions, increases, levels and
maintenance; Outcomes link two to four indicators each.

Workbooks are written with XlsxWriter (text cells as strings, so a name can
never become a formula); the same seed gives the same files.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

FIRST_YEAR = 2010  # the series start in April FIRST_YEAR, the start of a financial year
PEERS = 14

# (section, measure, direction, target type) for each indicator slot, cycled to the number asked.
PLAN = (
    [("County Targets", "count", "down", "reduction_pct")] * 6
    + [("CDRP Targets", "count", "down", "reduction_pct")] * 5
    + [("CDRP Targets", "rate", "down", "reduction_pct")] * 3
    + [("CDRP Targets", "count", "down", "level")] * 2
    + [("CDRP Targets", "count", "down", "maintenance")] * 2
    + [("Monitoring", "count", "down", "none")] * 6
    + [("Perception", "percentage", "up", "increase_pct")] * 3
    + [("Perception", "percentage", "down", "reduction_pct")] * 3
)
CRIMES = ("Serious Acquisitive Crime", "Domestic Burglary", "Vehicle Crime", "Robbery", "Violence with Injury",
          "Criminal Damage", "Shoplifting", "Theft from the Person", "Arson", "Anti-social Behaviour",
          "Drug Offences", "Public Order", "Sexual Offences", "Cycle Theft", "Business Crime",
          "Hate Crime", "Domestic Abuse", "Repeat Victims", "Night-time Economy Violence", "Fly-tipping",
          "Noise Complaints", "Youth Disorder", "Reoffending", "First-time Entrants")
SURVEYS = ("Feel safe after dark", "Agree police deal with local concerns", "Perceive drug dealing as a problem",
           "Perceive ASB as a problem", "Satisfied with the area", "Feel informed about crime")


UNITS = {"percentage": "respondents", "rate": "crimes per 1,000 residents"}


def month_text(index: int) -> str:
    year, month = divmod(index, 12)
    return f"{year:04d}-{month + 1:02d}"


def partnership_name(number: int) -> str:
    return f"Partnership {number:03d}"


def indicator_table(indicators: int):
    """Ids, names, and the plan row of each indicator (the same for every partnership)."""
    plan = [PLAN[i % len(PLAN)] for i in range(indicators)]
    names, crime, survey = [], 0, 0
    for section, measure, _, _ in plan:
        if measure == "percentage":
            names.append(SURVEYS[survey % len(SURVEYS)])
            survey += 1
        else:
            names.append(CRIMES[crime % len(CRIMES)] + (" rate" if measure == "rate" else ""))
            crime += 1
    ids = [f"I{i + 1:02d}" for i in range(indicators)]
    return ids, names, plan


def _series(rng, plan, population: float, months_: int):
    """(values, denominators) of one partnership, shape (indicators, months)."""
    n = len(plan)
    t = np.arange(months_)
    is_pct = np.array([p[1] == "percentage" for p in plan])
    level = rng.uniform(8, 120, n) * population / 100_000
    amplitude, peak = rng.uniform(0.05, 0.25, n), rng.integers(0, 12, n)
    slope = rng.normal(-0.002, 0.003, n)
    seasonal = 1 + amplitude[:, None] * np.cos(2 * np.pi * (t[None, :] - peak[:, None]) / 12)
    mean = np.maximum(level[:, None] * seasonal * np.exp(slope[:, None] * t[None, :]), 0.3)
    values = rng.poisson(mean).astype(float)
    denominators = np.full((n, months_), np.nan)
    rows = np.flatnonzero(is_pct)
    share = np.clip(rng.uniform(0.25, 0.8, len(rows))[:, None] + rng.normal(0, 0.0008, len(rows))[:, None] * t, 0.02,
                    0.98)
    denominators[rows] = rng.poisson(100, (len(rows), months_)).clip(20)
    values[rows] = rng.binomial(denominators[rows].astype(int), share)
    return values, denominators


def _targets_rows(ids, names, plan, rng, latest: int, months_: int, population: float):
    baseline_end = latest - 36  # a three-year-old baseline year, as a bulletin's usually is
    target_date = latest + 12
    rows = [["Indicator", "Name", "Section", "Measure", "Direction", "Baseline period", "Baseline end", "Baseline",
             "Target type", "Target amount", "Target value", "Target date", "Rate per", "Population", "Unit"]]
    year = baseline_end // 12
    period = f"{year - 1}/{str(year)[-2:]}" if baseline_end % 12 < 3 else f"{year}/{str(year + 1)[-2:]}"
    for ident, name, (section, measure, direction, target_type) in zip(ids, names, plan):
        amount = {"reduction_pct": round(float(rng.uniform(0.02, 0.12)), 3),
                  "increase_pct": round(float(rng.uniform(0.02, 0.08)), 3),
                  "level": None, "maintenance": None, "none": None}[target_type]
        rows.append([ident, name, section, measure, direction, period, month_text(baseline_end), None, target_type,
                     amount, None, month_text(target_date) if target_type != "none" else None,
                     1000 if measure == "rate" else None, population if measure == "rate" else None,
                     UNITS.get(measure, "recorded crimes")])
    return rows


def _level_amounts(rows, values, baseline_index: int):
    """A level target just under the baseline year's total, as a partnership would set it."""
    for i, row in enumerate(rows[1:]):
        if row[8] == "level":
            row[9] = float(np.floor(0.95 * values[i, baseline_index - 11: baseline_index + 1].sum()))


def _outcomes_rows(ids, plan, rng):
    rows = [["Theme", "Outcome", "Description", "Indicators"]]
    themes = ("Acquisitive Crime", "Violence", "Anti-social Behaviour", "Reassurance", "Reducing Reoffending")
    order = [int(i) for i in rng.permutation(len(ids))]
    number = 0
    while order:
        size = int(rng.integers(2, 5))
        group, order = order[:size], order[size:]
        theme = themes[number % len(themes)]
        rows.append([theme, f"O{number + 1}", f"Reduce harm: {theme.lower()} ({number + 1})",
                     ", ".join(ids[i] for i in sorted(group))])
        number += 1
    rows.append(["Reassurance", f"O{number + 1}", "Target not yet set", None])
    return rows


def _msg_rows(ids, plan, own: str, values, latest_index: int, population: float, peers: list[str], rng):
    rows = []
    for ident, (_, measure, _, _), series in zip(ids, plan, values):
        if measure == "percentage":
            continue
        yearly = float(np.nansum(series[latest_index - 11: latest_index + 1]))
        rows.append([ident, own, yearly, population])
        for peer in peers:
            peer_population = float(round(population * rng.uniform(0.7, 1.4), -2))
            rows.append([ident, peer, float(rng.poisson(max(yearly * peer_population / population, 1) *
                                                        rng.uniform(0.8, 1.25))), peer_population])
    return rows


def partnership_sheets(number: int, indicators: int = 30, months_: int = 120, seed: int = 0,
                       areas: int = 1) -> dict[str, list[list]]:
    """The input sheets of one workbook: partnership ``number`` (and the next ``areas - 1`` in its Data)."""
    rng = np.random.default_rng([seed, number])
    first = FIRST_YEAR * 12 + 3
    latest = first + months_ - 1
    own = partnership_name(number)
    ids, names, plan = indicator_table(indicators)
    populations = [float(round(rng.uniform(60_000, 350_000), -2)) for _ in range(areas)]
    area_names = [partnership_name(number + k) for k in range(areas)]
    settings = [["Setting", "Value"], ["Partnership", own], ["Latest month", month_text(latest)],
                ["Title", "Community Safety Performance Improvement Bulletin"],
                ["Report reference", f"PIB-{number:03d}-{month_text(latest)}"], ["Author", "Performance Team"],
                ["Band fraction", 0.1], ["Expected level method", "xmr"], ["Trend window", 24], ["Confidence", 0.95],
                ["Outcome RAG rule", "worst"]]
    targets = _targets_rows(ids, names, plan, rng, latest, months_, populations[0])
    data = [["Month", "Indicator", "Value", "Denominator"] + (["Area"] if areas > 1 else [])]
    msg = [["Indicator", "Area", "Count", "Population"]]
    peers = [f"Similar Area {number:03d}-{k:02d}" for k in range(PEERS)]
    month_labels = [month_text(first + k) for k in range(months_)]
    for area, population in zip(area_names, populations):
        values, denominators = _series(rng, plan, population, months_)
        if area == own:
            _level_amounts(targets, values, latest - 36 - first)
        for i, ident in enumerate(ids):
            for k, label in enumerate(month_labels):
                d = denominators[i, k]
                data.append([label, ident, values[i, k], None if d != d else d] + ([area] if areas > 1 else []))
        msg += _msg_rows(ids, plan, area, values, months_ - 1, population, peers if area == own else [], rng)
    return {"Settings": settings, "Targets": targets, "Outcomes": _outcomes_rows(ids, plan, rng), "Data": data,
            "MSG": msg}


def write_input(path: str | Path, sheets: dict[str, list[list]]) -> Path:
    """Write input sheets with XlsxWriter: strings as strings, numbers as numbers, temp file then rename."""
    import xlsxwriter

    path = Path(path)
    temporary = path.with_name(f".{path.name}.tmp")
    book = xlsxwriter.Workbook(str(temporary), {"constant_memory": True, "strings_to_formulas": False,
                                                "strings_to_numbers": False, "strings_to_urls": False})
    for name, rows in sheets.items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    ws.write_string(r, c, value)
                else:
                    ws.write_number(r, c, float(value))
    book.close()
    os.replace(temporary, path)
    return path


def generate(folder: str | Path, count: int, indicators: int = 30, months_: int = 120, seed: int = 0,
             areas: int = 1) -> list[Path]:
    """Write ``count`` input workbooks (``areas`` partnerships each) to ``folder``; returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(count):
        number = 1 + k * areas
        paths.append(write_input(folder / f"partnership_{number:03d}.xlsx",
                                 partnership_sheets(number, indicators, months_, seed, areas)))
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="number of workbooks to write")
    parser.add_argument("-o", "--output", required=True, help="folder to write them to")
    parser.add_argument("--indicators", type=int, default=30)
    parser.add_argument("--months", type=int, default=120, help="months of data (at least 48)")
    parser.add_argument("--areas", type=int, default=1, help="partnerships per workbook (Data gets an Area column)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.months < 48:
        parser.error("--months must be at least 48 (a baseline year three years back, plus the year before it)")
    paths = generate(args.output, args.count, args.indicators, args.months, args.seed, args.areas)
    print(f"wrote {len(paths)} input workbooks to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
