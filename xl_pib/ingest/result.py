"""What an ingest produces, before it is written anywhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

import pandas as pd

from .report import Report

BREAK_COLUMNS = ["area", "indicator", "month", "reason"]


def no_breaks() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in BREAK_COLUMNS})


def described_source(kind: str, files, months_run: str = "", forces=(), mapping: str = "") -> str:
    """A Source cell: "police.uk street-level crime: 2009-01-northamptonshire-street.csv and 11 more files;
    force Northamptonshire Police; data 2009-01 to 2009-12; mapping police_uk.csv"."""
    names = sorted(dict.fromkeys(PurePath(str(f)).name for f in files))
    shown = names[0] + (f" and {len(names) - 1} more files" if len(names) > 1 else "") if names else ""
    forces = sorted(dict.fromkeys(str(f) for f in forces if str(f).strip()))
    parts = [shown, f"force{'s' if len(forces) > 1 else ''} {', '.join(forces)}" if forces else "",
             f"data {months_run}" if months_run else "", f"mapping {mapping}" if mapping else ""]
    return f"{kind}: " + "; ".join(filter(None, parts))


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
    # Where the counts came from, for the Targets' Source column of the indicators a merge fills (files, force,
    # months, mapping): see :func:`described_source`.
    source: str = ""

    @property
    def several_areas(self) -> bool:
        return self.data["area"].nunique(dropna=True) > 1
