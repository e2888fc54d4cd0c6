"""Calibrate the Kettering demo's monthly data to the December 2009 bulletin.

    python tools/calibrate_demo.py

A development tool, not part of the installed package: it writes
``xl_pib/demo/kettering_data.csv`` and ``kettering_msg.csv`` of the checkout it
lives in, then verifies them, and exits with status 1 and the list of misses if
any printed figure is not reproduced. ``tests/engine/test_demo_seed.py`` checks
that it regenerates the committed files byte for byte.

THE DATA THIS WRITES ARE SYNTHETIC. The Kettering CDRP Performance Improvement
Bulletin of December 2009 (SCB 091204D) prints its results, not the monthly
figures behind them. ``kettering_data.csv`` and ``kettering_msg.csv`` are
therefore invented: integer monthly counts with mild seasonality and noise,
drawn with fixed random seeds, and held to the rolling 12-month totals that
make the engine reproduce every figure the bulletin prints when rounded as it
rounds (0.1% or 0.1 percentage points). The printed figures are read from their
one transcription in ``tests/data`` by :mod:`seed_figures` (``tools/seed_figures.py``).

1. **Rolling totals** (:func:`solve_totals`). Each printed figure constrains a
   rolling 12-month total: the current total (the indicator's last month), the
   previous one (12 months earlier) or the baseline (the baseline end). One
   function per kind of figure turns it into an interval; the totals chosen
   are the whole numbers (or numerator/denominator pairs) inside every
   interval that lie nearest the plan's guesses.
2. **Monthly series** (:func:`choose_series`). An expected profile (a level
   through those totals, seasonality, a tilt, and for "Above Expected Level"
   a spike in the last month) gets Poisson or binomial noise and is then
   nudged to the exact totals. A small grid of seeds, seasonal phases, tilts
   and spikes is searched, vectorised, and each candidate is assessed by the
   engine's own evaluator (:func:`xl_pib.engine.evaluate`): the first (least
   tilted, most natural) one whose trend, past-month and position labels match wins.
3. **MSG rows** (:func:`msg_rows`): 14 similar areas around the partnership's
   own row, scaled so that the distance from the group average is the printed
   one.
4. **Verification** (:func:`verify`): the written files are read back through
   :func:`xl_pib.demo.demo_sheets`, :func:`xl_pib.inputs.parse_sheets` and
   :func:`xl_pib.assess.assess`, and every printed figure is compared by
   :func:`seed_figures.miss`.

Two printed figures cannot be reproduced by any data
(``tests/data/kettering_dec2009_inconsistencies.csv`` says why); the nearest
achievable figure is reproduced instead.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# This checkout's xl_pib, also while another checkout is pip-installed. (Run as a script, Python puts
# tools/ first on the path, so seed_figures is found beside this file; the tests put tools/ there too.)
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import seed_figures
from seed_figures import (BASELINE, CHANGE, COMPARATIVE, HALF, MONTH, MSG_DISTANCE, MSG_SIDE, POSITION, REQUIRED,
                          SHORTFALL, TREND)
from xl_pib import labels, months
from xl_pib.assess import assess
from xl_pib.demo import FILES, HERE, demo_sheets, read_sheet
from xl_pib.csvfile import csv_text
from xl_pib.engine import evaluate
from xl_pib.figures import PER_INDICATOR_FIGURES
from xl_pib.inputs import parse_sheets
from xl_pib.measures import msg
from xl_pib.measures import targets as target_rules
from xl_pib.stack import target_inputs

NA = labels.NA
GENERATED = ("Data", "MSG")  # the sheets this tool writes; the others are typed from the seed
DATA_HEADER = ["Month", "Indicator", "Value", "Denominator"]
ABOVE, IN_LINE = labels.ABOVE_EXPECTED, labels.IN_LINE


# What the seed prints, by indicator and figure key, with the nearest achievable figure where the seed
# contradicts itself: read from tests/data by tools/seed_figures.py, the one reader of those files. Figures
# the Targets sheet types in (a given Baseline, a survey's Current override) are inputs, not data to
# calibrate: solve_totals leaves them alone, and verify checks that they come through.
PRINTED: dict[str, dict] = seed_figures.expected()


# Not printed for the indicator, but implied by the executive summary or chosen so that
# outcome RAGs follow the published ones.
WANT: dict[str, dict] = {
    "NI19": {MONTH: IN_LINE, POSITION: labels.ON_TARGET},          # V1b "currently on target"
    "NI32": {POSITION: labels.BELOW_TARGET},                       # "well below target"
    "COM_BURG": {TREND: "Yes", MONTH: IN_LINE, POSITION: labels.BELOW_TARGET},  # D3b
    "RDC": {POSITION: labels.ABOVE_TARGET},                        # O1a "above the target trajectory"
    "CD": {POSITION: labels.ON_TARGET},                            # V1c "in line with the trajectory"
    "SCHOOL": {POSITION: labels.ABOVE_TARGET},                     # V2a "far above the trajectory"
    "VAP_TC": {POSITION: labels.ABOVE_TARGET},                     # D1a "above the target trajectory"
    "DB": {POSITION: labels.ABOVE_TARGET},                         # D3a "above the target trajectory"
    "VEH": {POSITION: labels.BELOW_TARGET},                        # D3a "below target"
    "SEC_FIRES": {POSITION: labels.BELOW_TARGET},                  # E2a "remains met"
    "NI17": {TREND: "Yes", POSITION: labels.BELOW_TARGET},          # V1c, E1a
    "TEEN": {TREND: "Yes", POSITION: labels.BELOW_TARGET},          # V1e
    "ASB": {MONTH: IN_LINE},
    "RDB": {POSITION: labels.ABOVE_TARGET},
}

# --- the plan: data months and guesses ----------------------------------------------------------


# Search grid for the monthly series, least distorted first.
SEEDS = 12  # per grid point; Plan.seeds overrides it
TILT_STEP = 0.1  # tilts tried: 0, -0.1, +0.1, ... up to Plan.max_tilt
PHASE_SHIFTS = (0, -1, 1, -2, 2)
SPIKES = (1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 2.0, 2.2)


@dataclass(frozen=True)
class Plan:
    """How an indicator's synthetic data are laid out.

    ``c``, ``p``, ``b``: guesses of the rolling 12-month totals at the last month, 12 months
    earlier and the baseline end (ratios for percentages); the solver keeps the nearest values
    that reproduce the printed figures. ``dens``: percentages' denominators (c, p, b).
    ``pin``: totals to keep exactly. ``anchors``: further (month, total) pairs.
    ``survey``: (first, last) monthly proportion of a survey proxy with no totals to meet.
    """

    start: str
    last: str
    c: float = math.nan
    p: float = math.nan
    b: float = math.nan
    dens: tuple[int, int, int] = (0, 0, 0)
    pin: tuple[str, ...] = ()
    anchors: tuple[tuple[str, int], ...] = ()
    amp: float = 0.08     # seasonal amplitude (share of the level)
    peak: int = 1         # calendar month of the seasonal peak
    noise: float = 0.04   # extra month-to-month noise (log scale) on top of Poisson
    survey: tuple[float, float] = ()
    size: tuple[int, int] = (80, 150)  # survey respondents a month
    seeds: int = SEEDS    # random draws tried per grid point
    max_tilt: float = 0.6  # largest tilt over the trend window (0.6: ±30% at its ends)

    @property
    def tilts(self) -> np.ndarray:
        steps = np.arange(1, round(self.max_tilt / TILT_STEP) + 1) * TILT_STEP
        return np.concatenate([[0.0], np.ravel(np.column_stack([-steps, steps]))])


POLICE, IQUANTA, SURVEY = "2009-11", "2009-10", "2009-10"
PLANS: dict[str, Plan] = {
    "NI16": Plan("2006-04", IQUANTA, c=11192, p=13060, amp=0.06, peak=12),
    "NI19": Plan("2007-01", "2009-07", c=627, p=690, b=640, amp=0.05, peak=3),
    "NI20": Plan("2006-04", IQUANTA, c=4327, p=4366, amp=0.08, peak=7),
    "NI30": Plan("2006-04", "2009-09", c=1526, b=1800, amp=0.04, peak=1),
    "NI32": Plan("2007-04", POLICE, c=0.085, p=0.30, b=0.245, dens=(560, 520, 540), amp=0.0),
    "NI47": Plan("2006-04", POLICE, c=425, p=480, amp=0.12, peak=11),
    "NI49_1": Plan("2006-04", POLICE, c=1707, p=1841, b=1706, pin=("b",), amp=0.22, peak=6),
    "NI49_2": Plan("2006-04", POLICE, c=3, p=5, amp=0.0, noise=0.0),
    "NI49_3": Plan("2006-04", POLICE, c=42, p=67, pin=("c", "p"), amp=0.15, peak=1),
    # Change as near the printed +4.6 points as the printed baseline and reduction allow (the nearest,
    # +4.5: tests/data/kettering_dec2009_inconsistencies.csv);
    # denominators picked so that 1312/4780 sits just under 27.45% and 1062/4627 just over 22.95%.
    "RDC_COUNTY": Plan("2006-04", POLICE, c=0.2745, p=0.2742, b=0.2295, dens=(4780, 4710, 4627), amp=0.0),
    "POLICE_COUNCIL": Plan("2007-04", SURVEY, survey=(0.42, 0.47)),
    # Chart labels 7506 / 7159 and 4431 / 4262: the first point (Mar-07) and the current position.
    "ALL_CRIME": Plan(
        "2006-04", POLICE, c=7159, p=7442, b=7552, pin=("c",), anchors=(("2007-03", 7506),), amp=0.05, peak=7),
    "BCS": Plan("2006-04", POLICE, c=4262, p=4458, b=4440, pin=("c",), anchors=(("2007-03", 4431),), amp=0.05,
                peak=11),
    # SAC, vehicle crime and domestic burglary kept coherent: 1103 = 680 + 358 + 65 robberies.
    "SAC": Plan("2006-04", POLICE, c=1103, p=1355, amp=0.08, peak=12),
    "VEH": Plan("2006-04", POLICE, c=680, p=919, amp=0.08, peak=12),
    "DB": Plan("2006-04", POLICE, c=358, p=342, amp=0.10, peak=12),
    "VAP": Plan("2006-04", POLICE, c=1287, p=1205, amp=0.08, peak=7),
    "AWI": Plan("2006-04", POLICE, c=621, p=598, amp=0.08, peak=7),
    "VAP_TC": Plan("2006-04", POLICE, c=269, p=295, amp=0.10, peak=12),
    "COM_BURG": Plan("2006-04", POLICE, c=196, p=221, b=248, amp=0.08, peak=12),
    "RDB": Plan("2006-04", POLICE, c=18, p=6, amp=0.0, noise=0.0),
    "SCHOOL": Plan("2006-04", POLICE, c=188, p=179, amp=0.15, peak=3),
    # A sufficient trend from a year that fell only 0.6% needs a steep fall within the year.
    "RDC": Plan("2006-04", POLICE, c=0.2207, p=0.2221, b=0.2073, dens=(930, 905, 880), amp=0.0,
                max_tilt=1.0),
    "CD": Plan("2006-04", POLICE, c=1676, p=1696, amp=0.06, peak=10),
    "SEC_FIRES": Plan("2006-04", POLICE, c=67, p=137, amp=0.25, peak=5),
    "ASB": Plan("2006-04", POLICE, c=6565, p=7006, amp=0.15, peak=7),
    "NI17": Plan("2007-04", SURVEY, survey=(0.205, 0.17)),
    "TEEN": Plan("2007-04", SURVEY, survey=(0.50, 0.43)),
}

# Most similar groups (2009 populations, rounded): 14 similar community safety partnerships for
# Kettering, 14 similar police forces for the countywide indicators.
KETTERING_POPULATION = 90_200
CDRP_GROUP = (
    ("Wellingborough", 74_600), ("Rugby", 94_500), ("Nuneaton and Bedworth", 121_200), ("Tamworth", 75_600),
    ("Redditch", 79_100), ("Newark and Sherwood", 113_700), ("Bassetlaw", 112_300), ("Ashford", 114_900),
    ("Swale", 133_100), ("Gravesham", 98_900), ("North West Leicestershire", 91_400),
    ("Hinckley and Bosworth", 104_500), ("Cannock Chase", 95_800), ("Kings Lynn and West Norfolk", 145_400),
)
FORCE_GROUP = (
    ("Bedfordshire", 606_700), ("Cambridgeshire", 770_800), ("Leicestershire", 955_900), ("Warwickshire", 535_100),
    ("Wiltshire", 647_600), ("Staffordshire", 1_067_500), ("Derbyshire", 1_010_100), ("Nottinghamshire", 1_089_500),
    ("Lincolnshire", 699_900), ("Hertfordshire", 1_107_500), ("Essex", 1_730_800), ("Kent", 1_659_300),
    ("Avon and Somerset", 1_617_100), ("Sussex", 1_575_100),
)
COUNTY_POPULATION = 684_000

OUTSIDE_TREND = 5.0  # see fit_totals
SAFE = 0.00002    # stay this far inside a rounding interval


def m(text: str) -> int:
    return months.parse(text)


# --- 1. rolling totals: one function per kind of printed figure --------------------------------------


def printed_interval(printed: float) -> tuple[float, float]:
    """Values that print as ``printed`` at 0.1% (kept SAFE clear of the rounding boundaries)."""
    return printed - HALF + SAFE, printed + HALF - SAFE


def baseline_interval(printed, measure: str) -> tuple[float, float]:
    """A printed baseline: a whole count, or a percentage to 0.1 points."""
    return (printed, printed) if measure != "percentage" else printed_interval(printed)


def current_for_change(base: float, change: float, measure: str) -> tuple[float, float]:
    """Currents whose change from ``base`` prints as ``change`` (relative; points for percentages)."""
    lo, hi = printed_interval(change)
    return (base + lo, base + hi) if measure == "percentage" else (base * (1 + lo), base * (1 + hi))


def current_for_reduction(target: float, required, measure: str, direction: str) -> tuple[float, float]:
    """Currents whose reduction required to meet ``target`` prints as ``required`` ("N/A": target met)."""
    up = direction == "up"
    if required == NA:
        return (target, math.inf) if up else (-math.inf, target)
    lo, hi = printed_interval(required)
    if measure == "percentage":
        return (target - hi, target - lo) if up else (target + lo, target + hi)
    # gap / current = r  ->  current = target / (1 + r) (up) or target / (1 - r) (down)
    return (target / (1 + hi), target / (1 + lo)) if up else (target / (1 - lo), target / (1 - hi))


def current_for_shortfall(target: float, shortfall: int) -> tuple[float, float]:
    """NI30: "the target was not achieved by 14 convictions"."""
    return target + shortfall, target + shortfall


def previous_for_comparative(current: float, comp: float) -> tuple[float, float]:
    """Previous 12-month figures whose comparison with ``current`` prints as ``comp``."""
    lo, hi = printed_interval(comp)
    return current / (1 + hi), current / (1 + lo)


def _intersect(*intervals) -> tuple[float, float]:
    return max(i[0] for i in intervals), min(i[1] for i in intervals)


def realise(interval, guess: float, measure: str, den: int = 0, per: float = 1.0):
    """Totals (numerator, denominator) whose value lies in ``interval``, nearest ``guess`` first.

    Counts and rates: whole numbers (denominator None); rates are in count units times
    ``per`` (rate per / population). Percentages: numerator/denominator with the denominator
    as near ``den`` as possible.
    """
    lo, hi = interval
    if lo > hi:
        return []
    if measure != "percentage":
        centre = guess / per if not math.isnan(guess) else (lo + hi) / 2 / per
        lo_n = max(math.floor(centre) - 400, 0, math.ceil(lo / per - 1e-9) if lo > -math.inf else 0)
        hi_n = min(math.ceil(centre) + 400, math.floor(hi / per + 1e-9) if hi < math.inf else 10**9)
        found = [(n, None) for n in range(lo_n, hi_n + 1) if lo <= n * per <= hi]
        return sorted(found, key=lambda t: (abs(t[0] - centre), t[0]))
    found = []
    for d in sorted(range(den - 40, den + 41), key=lambda d: (abs(d - den), d)):
        found += [(n, d) for n in range(math.ceil(lo * d), math.floor(hi * d) + 1) if lo <= n / d <= hi]
        if len(found) >= 200:
            break
    return sorted(found, key=lambda t: (abs(t[1] - den), abs(t[0] / t[1] - guess)))


def _value(total, measure: str, per: float) -> float:
    n, d = total
    return n / d if measure == "percentage" else n * per


def _anything(measure: str) -> tuple[float, float]:
    """No constraint: any count or rate, any proportion."""
    return (0.0, 1.0) if measure == "percentage" else (-math.inf, math.inf)


def solve_totals(ind: str, row, plan: Plan) -> dict[int, tuple[int, int | None]]:
    """Rolling 12-month totals {month: (numerator, denominator)} reproducing the printed figures."""
    printed = PRINTED[ind]
    measure, direction = row["measure"], row["direction"]
    per = row["rate_per"] / row["population"] if measure == "rate" else 1.0  # count -> rate
    scale = 1.0 if measure == "percentage" else per  # plan guesses -> the measure's units
    last = m(plan.last)
    cur_m, prev_m, base_m = last, last - 12, int(row["baseline_end"])
    d_c, d_p, d_b = plan.dens
    totals: dict[int, tuple[int, int | None]] = {}
    for month, total in plan.anchors:
        totals[m(month)] = (total, None)

    # Baseline candidates: given (not from data), printed, or free around the guess.
    given_base = not math.isnan(row["baseline"])
    if given_base:
        bases = [None]
    elif BASELINE in printed:
        guess = printed[BASELINE] if math.isnan(plan.b) else plan.b
        bases = realise(baseline_interval(printed[BASELINE], measure), guess, measure, d_b, per)
    elif "b" in plan.pin:
        bases = [(round(plan.b), None)] if measure != "percentage" else [(round(plan.b * d_b), d_b)]
    else:
        bases = realise(_anything(measure), plan.b * scale, measure, d_b, per)

    for base_total in bases:
        base = row["baseline"] if given_base else _value(base_total, measure, per)
        target = float(target_rules.target_value(base, row["target_type"], row["target_amount"], measure))
        if not math.isnan(row["target_value"]):
            target = row["target_value"]
        limits = [_anything(measure)]
        if REQUIRED in printed:
            limits.append(current_for_reduction(target, printed[REQUIRED], measure, direction))
        if CHANGE in printed and not (measure == "percentage" and not math.isnan(row["current_override"])):
            limits.append(current_for_change(base, printed[CHANGE], measure))
        if SHORTFALL in printed:
            limits.append(current_for_shortfall(target, printed[SHORTFALL]))
        if "c" in plan.pin:
            limits.append((plan.c * scale,) * 2)
        if prev_m == base_m and COMPARATIVE in printed:  # NI30: the previous year is the baseline year
            limits.append(current_for_change(base, printed[COMPARATIVE], measure))
        currents = realise(_intersect(*limits), plan.c * scale, measure, d_c, per)
        if currents:
            break
    else:
        raise SystemExit(f"calibrate_demo: no rolling totals reproduce the printed figures of {ind}")
    if not given_base:
        totals[base_m] = base_total
    if not math.isnan(row["current_override"]):
        return totals  # surveys: the current position comes from another survey
    totals[cur_m] = currents[0]
    current = _value(currents[0], measure, per)

    if prev_m != base_m or given_base:
        interval = (previous_for_comparative(current, printed[COMPARATIVE]) if COMPARATIVE in printed
                    else _anything(measure))
        if "p" in plan.pin:
            interval = _intersect(interval, (plan.p * scale,) * 2)
        previous = realise(interval, plan.p * scale, measure, d_p, per)
        if not previous:
            raise SystemExit(f"calibrate_demo: no previous-year total reproduces the comparison of {ind}")
        totals[prev_m] = previous[0]
    return totals


# --- 2. monthly series --------------------------------------------------------------------------------


def window_matrix(axis: np.ndarray, ends) -> np.ndarray:
    """(k, T): 1 where a month falls in the 12-month window ending at each of ``ends``."""
    ends = np.asarray(list(ends))[:, None]
    return ((axis[None, :] <= ends) & (axis[None, :] > ends - 12)).astype(float)


def level_profile(axis: np.ndarray, totals: dict[int, float], months_in_total: int = 12) -> np.ndarray:
    """Monthly level through the rolling totals: total/12 at each window's centre, linear between.

    ``months_in_total=1`` interpolates ratios (percentages) instead of totals.
    """
    ends = sorted(totals)
    return np.interp(axis, np.array(ends) - 5.5, [totals[e] / months_in_total for e in ends])


def seasonal(axis: np.ndarray, amp: float, peaks: np.ndarray) -> np.ndarray:
    """(S, T): 1 + amp·cos(2π(calendar month − peak)/12)."""
    calendar = axis % 12 + 1
    return 1 + amp * np.cos(2 * np.pi * (calendar[None, :] - peaks[:, None]) / 12)


def tilt_ramp(axis: np.ndarray, last: int, tilts: np.ndarray) -> np.ndarray:
    """(S, T): a linear tilt over the trend window (the last 24 months), flat before it."""
    x = np.clip(axis - (last - 11.5), -12, 12)
    return 1 + tilts[:, None] * x[None, :] / 24


def fit_totals(raw: np.ndarray, axis: np.ndarray, totals: dict[int, float]) -> np.ndarray:
    """Nudge each row of ``raw`` to the exact rolling totals, then round to whole numbers.

    The correction is the weighted least-change one (weights ∝ the month's size, so a quiet
    month moves least), applied to all rows at once; cumulative rounding then keeps every
    window total whole and exact. Months before the trend window (the last 24) weigh
    ``OUTSIDE_TREND`` times more, so a baseline window reaching back before it is met there
    and the shape searched for inside the trend window is kept.
    """
    ends = sorted(totals)
    a = window_matrix(axis, ends)
    goal = np.array([totals[e] for e in ends], dtype=float)
    weights = (raw + 0.5) * np.where(axis < axis[-1] - 23, OUTSIDE_TREND, 1.0)[None, :]
    normal = np.einsum("kt,st,jt->skj", a, weights, a)
    shortfall = goal[None, :] - raw @ a.T
    lam = np.linalg.solve(normal, shortfall[..., None])[..., 0]
    fitted = raw + weights * (lam @ a)
    cumulative = np.floor(np.cumsum(fitted, axis=1) + 0.5)
    return np.diff(cumulative, axis=1, prepend=0.0)


@dataclass
class Grid:
    """The candidates of one indicator, least distorted first: smallest spike, least tilt, the
    natural seasonal peak, then seeds."""

    seed: np.ndarray
    tilt: np.ndarray
    peak: np.ndarray
    spike: np.ndarray

    @classmethod
    def build(cls, plan: Plan, spikes) -> "Grid":
        s, t, p, e = np.meshgrid(np.arange(len(spikes)), np.arange(len(plan.tilts)),
                                 np.arange(len(PHASE_SHIFTS) if plan.amp else 1), np.arange(plan.seeds), indexing="ij")
        return cls(seed=e.ravel(), tilt=plan.tilts[t.ravel()],
                   peak=(plan.peak - 1 + np.array(PHASE_SHIFTS)[p.ravel()]) % 12 + 1,
                   spike=np.array(spikes)[s.ravel()])


def _key(ind: str) -> int:
    """A fixed RNG key per indicator (Python's hash() of a str changes between runs)."""
    return sum(ord(ch) * 31 ** i for i, ch in enumerate(ind)) % 2**31


def _uniforms(ind: str, axis_len: int, seeds: int) -> np.ndarray:
    """(seeds, T) uniforms, the same for every tilt/phase/spike of a seed (common random numbers)."""
    return np.stack([np.random.default_rng([_key(ind), 0, s]).random(axis_len) for s in range(seeds)])


def _normals(ind: str, axis_len: int, seeds: int) -> np.ndarray:
    """(seeds, T) standard normals for the extra month-to-month noise, per seed."""
    return np.stack([np.random.default_rng([_key(ind), 100, s]).standard_normal(axis_len) for s in range(seeds)])


def count_candidates(ind: str, plan: Plan, axis: np.ndarray, totals: dict[int, float], grid: Grid):
    """(S, T) whole-number monthly counts for every grid point, each meeting ``totals`` exactly."""
    from scipy.stats import poisson

    last = axis[-1]
    mu = level_profile(axis, totals)[None, :] * seasonal(axis, plan.amp, grid.peak) * tilt_ramp(axis, last, grid.tilt)
    mu[:, -1] *= grid.spike
    mu *= np.exp(plan.noise * _normals(ind, len(axis), plan.seeds)[grid.seed] - plan.noise ** 2 / 2)
    raw = poisson.ppf(_uniforms(ind, len(axis), plan.seeds)[grid.seed], np.maximum(mu, 1e-9))
    return fit_totals(raw, axis, totals)


def percentage_candidates(ind: str, plan: Plan, axis: np.ndarray, totals: dict[int, tuple], grid: Grid):
    """(S, T) numerators and (T,) denominators meeting both sets of totals exactly."""
    from scipy.stats import binom, poisson

    dens = {e: d for e, (_, d) in totals.items()}
    nums = {e: n for e, (n, _) in totals.items()}
    d_level = level_profile(axis, dens)
    d_raw = poisson.ppf(np.random.default_rng([_key(ind), 7]).random(len(axis)), d_level)
    d = fit_totals(d_raw[None, :], axis, dens)[0]
    ratio = level_profile(axis, {e: nums[e] / dens[e] for e in totals}, months_in_total=1)
    p = np.clip(ratio[None, :] * tilt_ramp(axis, axis[-1], grid.tilt), 0.001, 0.999)
    raw = binom.ppf(_uniforms(ind, len(axis), plan.seeds)[grid.seed], d[None, :], p)
    return fit_totals(raw, axis, nums), d


def survey_candidates(ind: str, plan: Plan, axis: np.ndarray, grid: Grid):
    """Monthly survey proxy (no totals to meet): respondents a month and those agreeing."""
    from scipy.stats import binom

    rng = np.random.default_rng([_key(ind), 11])
    d = rng.integers(plan.size[0], plan.size[1] + 1, len(axis)).astype(float)
    path = np.linspace(plan.survey[0], plan.survey[1], len(axis))
    p = np.clip(path[None, :] * tilt_ramp(axis, axis[-1], grid.tilt), 0.001, 0.999)
    return binom.ppf(_uniforms(ind, len(axis), plan.seeds)[grid.seed], d[None, :], p), d


def _assess_rows(row, values, dens, first: int):
    """The engine's own figures for candidate series of one indicator (one row each), under the demo's settings."""
    count = len(values)
    known = {name: np.repeat(value, count) for name, value in target_inputs(row.to_frame().T).items()}
    known |= {"values": values, "denominators": dens, "first_month": first}
    return evaluate(known, _settings(), [spec.key for spec in PER_INDICATOR_FIGURES if spec.compute is not None])


def choose_series(ind: str, row, plan: Plan, totals: dict) -> tuple[np.ndarray, np.ndarray | None]:
    """The first grid candidate whose labels (trend, past month, position) match; fail loudly if none."""
    want = {k: v for k, v in (PRINTED[ind] | WANT.get(ind, {})).items() if k in (TREND, MONTH, POSITION)}
    axis = np.arange(m(plan.start), m(plan.last) + 1)
    spikes = SPIKES if want.get(MONTH) == ABOVE else (1.0,)
    grid = Grid.build(plan, spikes)
    if plan.survey:
        values, dens = survey_candidates(ind, plan, axis, grid)
    elif row["measure"] == "percentage":
        values, dens = percentage_candidates(ind, plan, axis, totals, grid)
    else:
        values, dens = count_candidates(ind, plan, axis, {e: n for e, (n, _) in totals.items()}, grid), None
    ok = (values >= 0).all(axis=1)
    if dens is not None:
        ok &= (values <= dens[None, :]).all(axis=1)
        dens_rows = np.broadcast_to(dens, values.shape)
    else:
        dens_rows = None
    if totals and not plan.survey:  # every rolling total met exactly
        a = window_matrix(axis, sorted(totals))
        goal = np.array([totals[e][0] for e in sorted(totals)], dtype=float)
        ok &= (np.abs(values @ a.T - goal) < 1e-6).all(axis=1)
    out = _assess_rows(row, values, dens_rows, int(axis[0]))
    names = {TREND: out.trend_sufficient, MONTH: out.past_month, POSITION: out.position}
    for key, label in want.items():
        ok &= names[key] == label
    if not ok.any():
        raise SystemExit(f"calibrate_demo: no synthetic series for {ind} gives {want}")
    best = int(np.argmax(ok))
    return axis, values[best], dens


# --- 3. MSG rows ----------------------------------------------------------------------------------------


def msg_rows(ind: str, own_area: str, own_population: int, own_count: int, distance: float, side: str,
             group) -> list[list]:
    """The most similar group: own row first, others scattered around the group rate.

    The others' total is set so that (own rate / group rate − 1) prints as ``distance``; the
    position against the group must fall on the printed side (or "In Line").
    """
    areas = np.array([own_population] + [p for _, p in group], dtype=float)
    group_rate = own_count / own_population / (1 + distance)
    others_total = round(group_rate * areas.sum()) - own_count
    for seed in range(50):
        rng = np.random.default_rng([_key(ind), 200, seed])
        raw = areas[1:] * group_rate * np.exp(0.18 * rng.standard_normal(len(group)))
        scaled = raw * others_total / raw.sum()
        counts = np.floor(scaled).astype(int)
        short = others_total - counts.sum()
        counts[np.argsort(-(scaled - counts), kind="stable")[:short]] += 1
        rows = [[ind, own_area, own_count, own_population]] + [
            [ind, name, int(c), pop] for (name, pop), c in zip(group, counts)]
        all_counts = np.array([r[2] for r in rows], dtype=float)
        got = float(msg.msg_distance(own_count, own_population, all_counts, areas))
        position = str(msg.msg_position(own_count, own_population, all_counts, areas))
        allowed = {"Above": (labels.SIG_ABOVE, labels.IN_LINE), "Below": (labels.SIG_BELOW, labels.IN_LINE)}[side]
        lo, hi = printed_interval(distance)
        if lo <= got <= hi and position in allowed:
            return rows
    raise SystemExit(f"calibrate_demo: no MSG rows reproduce the distance of {ind}")


# --- 4. everything, and verification ------------------------------------------------------------------


def _csv_text(header, rows) -> str:
    return csv_text([header, *rows], lineterminator="\n")


def _number_text(x) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return str(int(round(x))) if float(x).is_integer() else repr(float(x))


def _parsed_static():
    """The typed sheets (Settings, Targets, Outcomes) with an empty Data sheet, as the engine reads them."""
    sheets = {name: read_sheet(name) for name in FILES if name not in GENERATED}
    sheets["Data"] = [DATA_HEADER]
    return parse_sheets(sheets)


def _targets():
    """The Targets sheet, parsed by the engine's own reader (for months and numbers as it sees them)."""
    return _parsed_static().targets.set_index("indicator", drop=False)


def _settings():
    """The demo's Settings (its classic judgements), as the engine reads them."""
    return _parsed_static().settings


def generate() -> dict[str, str]:
    """The text of kettering_data.csv and kettering_msg.csv (deterministic)."""
    targets = _targets()
    data_rows, msg_out = [], []
    for ind, row in targets.iterrows():
        plan = PLANS[ind]
        totals = {} if plan.survey else solve_totals(ind, row, plan)
        axis, values, dens = choose_series(ind, row, plan, totals)
        for i, month in enumerate(axis):
            data_rows.append([months.iso(month), ind, _number_text(values[i]),
                              _number_text(dens[i]) if dens is not None else ""])
        if MSG_DISTANCE in PRINTED[ind]:
            county = row["area"] != ""
            own = row["area"] or "Kettering"
            group = FORCE_GROUP if county else CDRP_GROUP
            population = COUNTY_POPULATION if county else KETTERING_POPULATION
            current = int(values[-12:].sum())
            msg_out += msg_rows(ind, own, population, current, PRINTED[ind][MSG_DISTANCE], PRINTED[ind][MSG_SIDE],
                               group)
    return {
        FILES["Data"]: _csv_text(DATA_HEADER, data_rows),
        FILES["MSG"]: _csv_text(["Indicator", "Area", "Count", "Population"],
                                [[r[0], r[1], _number_text(r[2]), _number_text(r[3])] for r in msg_out]),
    }


def verify(sheets=None) -> list[str]:
    """Every printed figure, and the labels of ``WANT``, against the engine's figures for the demo sheets;
    then the outcome RAGs against the published ones. Returns the misses."""
    result = assess(parse_sheets(sheets or demo_sheets()))
    misses = seed_figures.misses(result, {ind: figures | WANT.get(ind, {}) for ind, figures in PRINTED.items()})
    outcomes = result.outcomes.set_index("outcome")
    overrides = result.inputs.outcomes.set_index("outcome")["rag_override"]
    for code, published in seed_figures.published_rags().items():
        shown, computed = outcomes.loc[code, "rag"], outcomes.loc[code, "computed_rag"]
        if shown != published:
            misses.append(f"outcome {code}: RAG {shown!r}, published {published!r}")
        if (overrides[code] != "") != (computed != published):
            misses.append(f"outcome {code}: RAG override {overrides[code]!r} but computed {computed!r}")
    return misses


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python tools/calibrate_demo.py", description=__doc__.split("\n\n")[0],
                            epilog=f"Writes {' and '.join(FILES[s] for s in GENERATED)} into xl_pib/demo/ "
                                   "and verifies them against the seed.").parse_args(argv)
    if HERE != ROOT / "xl_pib" / "demo":  # never write into another checkout's package
        print(f"calibrate_demo: xl_pib is imported from {HERE.parent}, not from {ROOT}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    texts = generate()
    for name, text in texts.items():
        (HERE / name).write_text(text, encoding="utf-8", newline="")
    misses = verify()
    elapsed = time.perf_counter() - started
    if misses:
        print("calibrate_demo: the demo does NOT reproduce the seed:\n  " + "\n  ".join(misses), file=sys.stderr)
        return 1
    lines = {name: text.count("\n") - 1 for name, text in texts.items()}
    print(f"calibrate_demo: wrote {', '.join(f'{n} ({k} rows)' for n, k in lines.items())}; "
          f"every printed figure reproduced ({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
