"""Workbooks holding several partnerships: one bulletin per area, assessed together.

A Data sheet may carry an ``Area`` column (``xl-pib ingest`` writes one when
its source covers several partnerships). Blank means the Settings
partnership. Each area becomes its own bulletin: the Settings, Targets,
Outcomes and MSG sheets are shared, the partnership is the area, and only the
area's Data rows are used and copied into its bulletin. A bulletin is always
one partnership, so :func:`check_one_area` refuses to assess a mixture.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..cells import cell_text
from ..errors import InputError
from ..model import Inputs
from .parse import _gaps

# Figures typed on Targets are one number per indicator, so every area shares them.
_SHARED_FIGURES = {"baseline": "Baseline", "target_value": "Target value", "population": "Population",
                   "current_override": "Current override", "current_denominator": "Current denominator",
                   "baseline_denominator": "Baseline denominator"}


def _key(area: str, partnership: str) -> str:
    return (area or partnership).strip().lower()


def area_names(inputs: Inputs) -> list[str]:
    """The partnerships whose rows the Data sheet holds, in order of first appearance."""
    partnership = inputs.settings.partnership
    names: dict[str, str] = {}
    for area in inputs.data["area"].drop_duplicates() if "area" in inputs.data else []:
        names.setdefault(_key(area, partnership), area or partnership)
    return list(names.values()) or [partnership]


def check_one_area(inputs: Inputs) -> None:
    """Raise unless every Data row belongs to the Settings partnership."""
    if "area" not in inputs.data or not len(inputs.data):
        return
    own = inputs.settings.partnership.strip().lower()
    areas = inputs.data["area"]
    # Few distinct areas in many rows: judge each distinct value once.
    if all(a == "" or a.strip().lower() == own for a in areas.unique()):
        return
    keys = areas.str.strip().str.lower()
    other = (keys != "") & (keys != own)
    if other.any():
        first = int(np.flatnonzero(other.to_numpy())[0])
        raise InputError("Data", f"rows for the partnership '{inputs.settings.partnership}' only (a workbook with "
                         "several areas makes one bulletin per area: use 'xl-pib batch')",
                         row=int(inputs.data["_row"].iloc[first]), column="Area", got=inputs.data["area"].iloc[first])


def _header_index(rows: list[list], header: str) -> int | None:
    for i, cell in enumerate(rows[0] if rows else []):
        if isinstance(cell, str) and cell.strip().lower() == header.lower():
            return i
    return None


def _sheet_for_area(name: str, rows: list[list], area: str, partnership: str) -> list[list]:
    """The input sheet as the area's bulletin copies it: its own Data rows, its own partnership name."""
    lowered = name.strip().lower()
    if lowered == "data":
        column = _header_index(rows, "Area")
        if column is None:
            return rows
        wanted = area.strip().lower()
        def mine(row) -> bool:
            return _key(cell_text(row[column]) if column < len(row) else "", partnership) == wanted

        return [rows[0], *(row for row in rows[1:] if mine(row))]
    if lowered == "settings":
        key, value = _header_index(rows, "Setting"), _header_index(rows, "Value")
        if key is None or value is None:
            return rows
        return [rows[0], *([*row[:value], area, *row[value + 1:]]
                           if key < len(row) and str(row[key] or "").strip().lower() == "partnership" else row
                           for row in rows[1:])]
    return rows


def split_areas(inputs: Inputs) -> list[Inputs]:
    """One Inputs per area of the Data sheet (just ``inputs`` when it holds only its own partnership)."""
    names = area_names(inputs)
    partnership = inputs.settings.partnership
    if len(names) == 1 and names[0].strip().lower() == partnership.strip().lower():
        return [inputs]
    typed = [header for key, header in _SHARED_FIGURES.items() if inputs.targets[key].notna().any()]
    shared = (f"Targets: the {', '.join(typed)} typed there apply to every area of this workbook",) if typed else ()
    keys = inputs.data["area"].str.strip().str.lower().where(inputs.data["area"] != "", partnership.strip().lower())
    # Gaps in a series are an area's own: the notes validation made over all areas at once are replaced.
    data_sheet = next((name for name in inputs.sheets if name.strip().lower() == "data"), "Data")
    common = [note for note in inputs.notes if note not in set(_gaps(data_sheet, inputs.data))]
    out = []
    for area in names:
        mine = inputs.data[(keys == area.strip().lower()).to_numpy()].reset_index(drop=True)
        out.append(dataclasses.replace(
            inputs, settings=dataclasses.replace(inputs.settings, partnership=area),
            data=mine.assign(area=area), notes=(*common, *_gaps(data_sheet, mine), *shared),
            sheets={name: _sheet_for_area(name, rows, area, partnership) for name, rows in inputs.sheets.items()}))
    return out
