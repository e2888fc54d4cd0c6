"""The validated inputs of a bulletin: what the engine is given, whatever the source.

Workbooks read with python-calamine, books read through xlwings and demo
data all end here, so every face assesses exactly the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Settings:
    partnership: str
    latest_month: int  # months.parse index of the last complete month of data
    title: str = ""
    report_reference: str = ""
    author: str = ""
    commissioner: str = ""
    publisher: str = ""
    security_marking: str = ""
    band_fraction: float = 0.1
    expected_method: str = "xmr"
    trend_window: int = 24
    confidence: float = 0.95
    outcome_rule: str = "worst"


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
    ``sheets``: the input sheets as read (rows of cells), copied unchanged
    into the bulletin.
    """

    settings: Settings
    targets: pd.DataFrame
    outcomes: pd.DataFrame
    data: pd.DataFrame
    msg: pd.DataFrame
    sheets: dict[str, list[list]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
