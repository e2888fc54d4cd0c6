"""What an ingest produces, before it is written anywhere."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .report import Report


@dataclass
class Ingested:
    """Data rows (``month`` as a month index, ``indicator``, ``value``, ``area`` or None), names for any
    Targets rows an ``--into`` merge must create, extra sheets (name -> rows of cells) and the report."""

    data: pd.DataFrame
    names: dict[str, str]
    report: Report
    sheets: dict[str, list[list]] = field(default_factory=dict)
    data_sheet: str = "Data"

    @property
    def several_areas(self) -> bool:
        return self.data["area"].nunique(dropna=True) > 1
