"""The figures the seed bulletin prints, read from their one transcription in ``tests/data``.

The Kettering CDRP Performance Improvement Bulletin of December 2009 (SCB 091204D) is the
project's seed. What it prints is typed out once, in three files:

- ``kettering_dec2009_figures.csv``: one row per indicator block, the figures as printed
  ("-11.2%", "N/A", "In Line"). The ``indicator`` column is the demo's indicator id; the
  figure columns are named after the engine's figures (:mod:`xl_pib.figures`).
- ``kettering_dec2009_outcomes.csv``: the executive summary's outcome RAGs.
- ``kettering_dec2009_inconsistencies.csv``: the printed figures no data can give (the seed
  contradicts itself there), the nearest figure that can be printed, and why.

This module is the one reader of those files. ``tools/calibrate_demo.py`` calibrates the demo's
synthetic data to the figures, and ``tests/engine/test_demo_seed.py`` checks the engine's Results
against them; both go through :func:`expected` and :func:`miss`.

Printed figures become the engine's values: percentages and percentage-point figures become
fractions ("-11.2%" is -0.112; "+6.1 percentage points" and "+1.3%" of a percentage measure are
0.061 and 0.013), whole counts stay whole, "N/A" and labels stay text. A few figures are printed
inside other columns: a survey's current position and whether its change is significant are in
the change text ("-6.7 (current 16.3% ...; significant: Yes)"), and NI30's shortfall against its
target in the note ("target missed by 14 convictions").
"""

from __future__ import annotations

import csv
import numbers
import re
from decimal import Decimal
from pathlib import Path

from xl_pib import labels
from xl_pib.figures import BY_KEY, SPEC

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
FIGURES_CSV = DATA / "kettering_dec2009_figures.csv"
OUTCOMES_CSV = DATA / "kettering_dec2009_outcomes.csv"
INCONSISTENCIES_CSV = DATA / "kettering_dec2009_inconsistencies.csv"

NA = labels.NA
HALF = 0.0005  # half of the printed unit (0.1% or 0.1 percentage points), as a fraction

# The figures the seed prints, by the engine's names (the figures CSV's column headers).
BASELINE, CURRENT, CHANGE = SPEC.baseline.key, SPEC.current.key, SPEC.change_from_baseline.key
REQUIRED, TREND, MONTH = SPEC.reduction_required.key, SPEC.trend_sufficient.key, SPEC.past_month.key
COMPARATIVE, MSG_DISTANCE, POSITION = SPEC.comparative_12m.key, SPEC.msg_distance.key, SPEC.position.key
SIGNIFICANT = SPEC.significant_change.key
# The seed prints the side of the group average ("Above MSG average"), not the engine's label: the
# figure holds "Above" or "Below", and the engine's label must be that side's significant one or In Line.
MSG_SIDE = SPEC.msg_position.key
# Not a figure of its own: by how much the current position misses the target (current - target).
SHORTFALL = "shortfall"

NUMBERS = (CHANGE, REQUIRED, COMPARATIVE, MSG_DISTANCE)  # printed as percentages or points, or N/A
LABELS = (TREND, MONTH)
SIDES = {"Above": (labels.SIG_ABOVE, labels.IN_LINE), "Below": (labels.SIG_BELOW, labels.IN_LINE)}


def read_rows(path: Path) -> list[dict[str, str]]:
    """A transcription's rows, cells stripped of surrounding spaces."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return [{k: v.strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def figure_rows() -> dict[str, dict[str, str]]:
    """The figures CSV as printed text, by indicator id, in the seed's order."""
    return {row["indicator"]: row for row in read_rows(FIGURES_CSV)}


def printed_number(text: str) -> Decimal:
    """The first signed number of a printed figure: "-11.2%" -> -11.2, "+6.1 percentage points" -> 6.1."""
    match = re.match(r"\s*([+-]?\d+(?:\.\d+)?)", text)
    if not match:
        raise ValueError(f"no number in the printed figure {text!r}")
    return Decimal(match.group(1))


def fraction(text: str) -> float:
    """A printed percentage or percentage-point figure as the engine's fraction ("-11.2%" -> -0.112).

    Decimal arithmetic, so that the fraction is the float the printed digits name (-0.112, not
    -11.2 / 100 = -0.11199999999999999).
    """
    return float(printed_number(text) / 100)


def _baseline(text: str) -> int | float | None:
    """A printed baseline: a whole count, a percentage or a rate; None for anything else
    (NI19 prints its cohort, "371 offenders", where a baseline would be)."""
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"\d+(\.\d+)?%", text):
        return fraction(text)
    if re.fullmatch(r"\d+\.\d+", text):
        return float(text)
    return None


def _figures(row: dict[str, str]) -> dict[str, object]:
    """One indicator block's printed figures, in the engine's terms."""
    out: dict[str, object] = {}
    baseline = _baseline(row[BASELINE])
    if baseline is not None:
        out[BASELINE] = baseline
    for key in NUMBERS:
        if row[key]:
            out[key] = NA if row[key] == NA else fraction(row[key])
    for key in LABELS:
        if row[key]:
            out[key] = row[key]
    if row[MSG_SIDE]:
        out[MSG_SIDE] = row[MSG_SIDE].split()[0]  # "Above MSG average" -> "Above"
    survey_current = re.search(r"current (\d+(?:\.\d+)?%)", row[CHANGE])
    if survey_current:
        out[CURRENT] = fraction(survey_current.group(1))
    significant = re.search(r"significant: (\w+)", row[CHANGE])
    if significant:
        out[SIGNIFICANT] = significant.group(1)
    shortfall = re.search(r"missed by (\d+)", row["note"])
    if shortfall:
        out[SHORTFALL] = int(shortfall.group(1))
    return out


def printed() -> dict[str, dict[str, object]]:
    """Every figure the seed prints, by indicator and figure key (indicators with none printed map to {})."""
    return {ind: _figures(row) for ind, row in figure_rows().items()}


def inconsistencies() -> dict[tuple[str, str], dict[str, str]]:
    """(indicator, figure) -> the row of the inconsistencies CSV (``nearest``, ``reason``)."""
    return {(row["indicator"], row["figure"]): row for row in read_rows(INCONSISTENCIES_CSV)}


def nearest() -> dict[tuple[str, str], float]:
    """(indicator, figure) -> the nearest figure any data can give where the printed one is impossible."""
    return {key: fraction(row["nearest"]) for key, row in inconsistencies().items()}


def expected() -> dict[str, dict[str, object]]:
    """What the demo must show: every printed figure, the nearest achievable one where the seed is inconsistent."""
    out = printed()
    for (ind, key), value in nearest().items():
        out[ind][key] = value
    return out


def outcome_rows() -> list[dict[str, str]]:
    """The outcomes CSV: theme, outcome, rag (blank where none is published), note."""
    return read_rows(OUTCOMES_CSV)


def published_rags() -> dict[str, str]:
    """Outcome -> the published RAG, N/A where none is published."""
    return {row["outcome"]: row["rag"] or NA for row in outcome_rows()}


def rounds_to(value, printed_fraction: float) -> bool:
    """Whether ``value`` prints as the seed prints ``printed_fraction`` (0.1% or 0.1 points).

    The one other kind of non-whole figure, a rate baseline printed to two decimals ("0.59"), is typed
    into the demo's Targets sheet, so this tolerance checks it more strictly than it is printed.
    """
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and abs(float(value) - printed_fraction) < HALF)


def miss(assessment, ind: str, key: str, want) -> str | None:
    """How the engine's ``key`` of ``ind`` differs from ``want`` (a printed figure), or None if it matches.

    Figures with a Results column are read from the Results frame (as the bulletin shows them);
    others (the significance of a survey's change) from the Assessment's figures. Labels and
    whole counts must be equal, fractions print as ``want`` does, and an MSG side needs the
    distance's sign and the engine's MSG position to agree with it.
    """
    results = assessment.results.set_index(SPEC.indicator.column)
    if key == MSG_SIDE:
        distance = results.loc[ind, SPEC.msg_distance.column]
        side, position = results.loc[ind, SPEC.msg_side.column], results.loc[ind, SPEC.msg_position.column]
        numeric = isinstance(distance, numbers.Real) and not isinstance(distance, bool)
        if numeric and (distance > 0 if want == "Above" else distance < 0) and position in SIDES[want] \
                and side == f"{want} MSG average":
            return None
        return f"{ind} MSG: {want} MSG average printed; got {distance!r} {side!r} {position!r}"
    if key == SHORTFALL:
        got = results.loc[ind, SPEC.current.column] - results.loc[ind, SPEC.target.column]
    elif BY_KEY[key].column is not None:
        got = results.loc[ind, BY_KEY[key].column]
    else:
        got = dict(zip(assessment.figures.indicator, getattr(assessment.figures, key)))[ind]
    matches = got == want if isinstance(want, (str, int)) else rounds_to(got, want)
    return None if matches else f"{ind} {key}: printed {want!r}, got {got!r}"


def misses(assessment, wanted: dict[str, dict[str, object]]) -> list[str]:
    """Every figure of ``wanted`` ({indicator: {key: figure}}) that the engine does not reproduce."""
    found = (miss(assessment, ind, key, want) for ind, figures in wanted.items() for key, want in figures.items())
    return [text for text in found if text is not None]
