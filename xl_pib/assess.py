"""Inputs -> an Assessment: every figure of every indicator, the Results table and the outcome RAGs.

:func:`assess_many` stacks bulletins that share the engine's settings into
one pass of :mod:`xl_pib.engine` (see :mod:`xl_pib.stack`); :func:`assess` is
one bulletin alone. What each figure is, and where each face shows it, is
declared in :mod:`xl_pib.figures`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from . import checks, formats, labels, months, stack
from .engine import Evaluation
from .figures import REGISTRY, RESULTS, Figures
from .inputs.areas import check_one_area
from .model import Inputs
from .outcomes import assess_outcomes
from .settings import Settings

RESULTS_COLUMNS = tuple(spec.column for spec in RESULTS)

# The settings the engine's steps read (band, expected level method, trend window, confidence): bulletins
# that agree on them share one engine pass.
ENGINE_SETTINGS = tuple(f.name for f in fields(Settings)
                        if any(f.name in (spec.compute.reads if spec.compute else ()) or f.name == spec.needs
                               for spec in REGISTRY))


@dataclass(frozen=True)
class Assessment:
    """What every face writes: the figures, the Results table, the outcomes and why figures are N/A."""

    inputs: Inputs
    figures: Figures                    # one array per figure (see xl_pib.figures); monthly ones on month_axis
    reasons: tuple[tuple[str, ...], ...]  # per indicator: why a figure shows N/A for lack of data
    results: pd.DataFrame               # exactly RESULTS_COLUMNS; "N/A" where a figure does not apply
    outcomes: pd.DataFrame              # theme, outcome, description, rag, summary, computed_rag, ...
    month_axis: np.ndarray              # calendar months of the monthly figures
    warnings: tuple[str, ...]           # every line the faces print: figures short of data, input notes, checks
    checks: tuple[checks.Finding, ...] = ()  # the consistency checks' findings: the last lines of ``warnings``


def _na(values) -> np.ndarray:
    """Numbers stay numbers; NaN becomes "N/A"."""
    arr = np.asarray(values, dtype=object)
    return np.where(pd.isna(arr), labels.NA, arr)


def _months_as_dates(values) -> np.ndarray:
    """A month figure as dates (what a cell formatted as a month holds); NaN stays NaN."""
    arr = np.asarray(values, dtype=float)
    out = np.full(arr.shape, np.nan, dtype=object)
    known = ~np.isnan(arr)
    out[known] = [months.to_date(m) for m in arr[known]]  # the few indicators with such a month
    return out


def results_table(figures: Figures) -> pd.DataFrame:
    """The Results sheet: one row per indicator, one column per figure with a Results column (months as dates)."""
    def column(spec):
        value = getattr(figures, spec.key)
        return _na(_months_as_dates(value) if spec.number_format == formats.MONTH else value)

    return pd.DataFrame({spec.column: column(spec) for spec in RESULTS}, columns=list(RESULTS_COLUMNS))


def assess_many(bulletins: list[Inputs]) -> list[Assessment]:
    """Assess several bulletins (partnerships) with one vectorised engine pass per set of engine settings.

    The Assessments returned, in the order given, are exactly what :func:`assess` gives for each alone.
    """
    for inputs in bulletins:
        check_one_area(inputs)
    by_settings: dict[tuple, list[int]] = {}
    for i, inputs in enumerate(bulletins):
        key = tuple(getattr(inputs.settings, name) for name in ENGINE_SETTINGS)
        by_settings.setdefault(key, []).append(i)
    done: list[Assessment | None] = [None] * len(bulletins)
    for members in by_settings.values():
        group = [bulletins[i] for i in members]
        known, parts = stack.stacked(group)
        evaluation = Evaluation(known, group[0].settings)
        figures = evaluation.figures()
        reasons = evaluation.reasons(len(known["indicator"]))
        advice = evaluation.advice(len(known["indicator"]))
        for i, part in zip(members, parts):
            done[i] = _assessment(bulletins[i], figures.part(part.rows, part.months), reasons[part.rows],
                                  advice[part.rows], part.axis)
    return done


def assess(inputs: Inputs) -> Assessment:
    """Every measure of one bulletin."""
    return assess_many([inputs])[0]


def _assessment(inputs: Inputs, figures: Figures, reasons: list[list[str]], advice: list[list[str]],
                axis: np.ndarray) -> Assessment:
    ids = inputs.targets["indicator"]
    warnings = tuple(f"{i}: " + "; ".join(r) for i, r in zip(ids, reasons) if r)
    warnings += tuple(f"{i}: " + "; ".join(a) for i, a in zip(ids, advice) if a)
    results = results_table(figures)
    outcomes = assess_outcomes(inputs, results, figures.narrative)
    found = checks.run(checks.Context(inputs, figures, results, outcomes, axis))
    return Assessment(inputs, figures, tuple(tuple(r) for r in reasons), results, outcomes, axis,
                      warnings + tuple(inputs.notes) + tuple(finding.line for finding in found), found)
