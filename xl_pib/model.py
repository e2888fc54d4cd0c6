"""The validated inputs of a bulletin: what the engine is given, whatever the source.

Workbooks read with python-calamine, books read through xlwings and demo
data all end here, so every face assesses exactly the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .settings import Settings


@dataclass(frozen=True)
class Inputs:
    """Everything a bulletin is built from.

    ``targets``: one row per indicator (columns of :data:`xl_pib.inputs.schema.TARGETS`,
    snake_case), in the order the analyst listed them.
    ``outcomes``: theme, outcome, description, indicators (tuple of ids),
    rag_override, summary_override.
    ``data``: month (int), indicator, value, denominator, area ("" = the
    partnership) — one row per area-indicator-month with data at or before
    the latest month.
    ``msg``: indicator, area, count, population (may be empty).
    ``breaks``: indicator, month (int), reason, rebase (``all`` or ``chart``), status, area ("" = every
    area): the Breaks sheet, one row per break in a series (may be empty).
    ``sheets``: the input sheets as read (rows of cells), copied unchanged
    into the bulletin.
    """

    settings: Settings
    targets: pd.DataFrame
    outcomes: pd.DataFrame
    data: pd.DataFrame
    msg: pd.DataFrame
    breaks: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"indicator": [], "month": pd.Series([], dtype=int), "reason": [], "rebase": [], "status": [], "area": []}))
    sheets: dict[str, list[list]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
