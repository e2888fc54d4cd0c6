"""What an ingest produces, before it is written anywhere."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .report import Report

BREAK_COLUMNS = ["area", "indicator", "month", "reason"]


def no_breaks() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in BREAK_COLUMNS})


@dataclass
class Ingested:
    """Data rows (``month`` as a month index, ``indicator``, ``value`` (NA for a gap), ``area`` or None), names for
    any Targets rows an ``--into`` merge must create, extra sheets (name -> rows of cells), the report, and the
    breaks found in the counts (``area``, ``indicator``, ``month``, ``reason``; :mod:`.breaks`)."""

    data: pd.DataFrame
    names: dict[str, str]
    report: Report
    sheets: dict[str, list[list]] = field(default_factory=dict)
    data_sheet: str = "Data"
    period_months: int = 1  # 3 for quarterly counts
    breaks: pd.DataFrame = field(default_factory=no_breaks)

    @property
    def several_areas(self) -> bool:
        return self.data["area"].nunique(dropna=True) > 1
