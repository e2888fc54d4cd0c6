"""Bulletins -> the engine's arrays, and back: many partnerships stacked into one engine pass.

Each bulletin's indicators become rows of (series × months) arrays on a
month axis covering every bulletin of the pass (NaN outside its own months);
its rows and its own months are cut back out afterwards, so a bulletin's
figures never depend on what it was stacked with.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import months
from .figures import INPUTS, REGISTRY, SPEC
from .inputs.schema import TARGETS
from .measures import rolling
from .model import Inputs
from .options import BREAK_ALL


def axis(inputs: Inputs) -> np.ndarray:
    """The bulletin's month axis: from the first month any measure needs to the latest target date."""
    s, t = inputs.settings, inputs.targets
    first = min(int(inputs.data["month"].min()) if len(inputs.data) else s.latest_month,
                int(np.nanmin(t["baseline_end"])) - rolling.WINDOW + 1 if len(t) else s.latest_month)
    # Chart series run on to the latest target date so trajectories can be drawn ahead.
    last_target = np.nanmax(t["target_date"]) if len(t) and t["target_date"].notna().any() else s.latest_month
    return months.axis(first, max(s.latest_month, int(last_target)))


def pivot(inputs: Inputs, month_axis: np.ndarray, column: str) -> np.ndarray:
    """A Data column laid out as (indicators × months) on ``month_axis``; NaN where there is no row."""
    ids = inputs.targets["indicator"].to_numpy()
    grid = np.full((len(ids), len(month_axis)), np.nan)
    data = inputs.data
    if len(data):
        row = pd.Index(ids).get_indexer(data["indicator"])
        col = data["month"].to_numpy() - month_axis[0]
        grid[row, col] = data[column].to_numpy(dtype=float)
    return grid


def break_grids(inputs: Inputs, month_axis: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict]:
    """The Breaks sheet as two (indicators × months) 0/1 grids on ``month_axis``: every break (where the SPC
    chart starts a new period) and the breaks in recording (``Rebase`` ``all``: the series is not like for like
    across them); and each break's Reason by (indicator row, month column). Rows for another area of the
    workbook, and months off the axis, are left out."""
    ids = inputs.targets["indicator"].to_numpy()
    every, recording = (np.zeros((len(ids), len(month_axis))) for _ in range(2))
    rows, reasons = inputs.breaks, {}
    if len(rows):
        area = rows["area"].str.strip().str.lower()
        mine = ((area == "") | (area == inputs.settings.partnership.strip().lower())).to_numpy()
        row = pd.Index(ids).get_indexer(rows["indicator"])
        col = rows["month"].to_numpy(dtype=int) - int(month_axis[0])
        keep = mine & (row >= 0) & (col >= 0) & (col < len(month_axis))
        every[row[keep], col[keep]] = 1
        in_recording = keep & (rows["rebase"] == BREAK_ALL).to_numpy()
        recording[row[in_recording], col[in_recording]] = 1
        reasons = dict(zip(zip(row[keep].tolist(), col[keep].tolist()), rows["reason"][keep]))
    return every, recording, reasons


def own_areas(inputs: Inputs) -> np.ndarray:
    """Each indicator's own MSG area: its Area column, else the partnership."""
    given = inputs.targets["area"].to_numpy(dtype=object)
    return np.where(given != "", given, inputs.settings.partnership).astype(object)


def own_msg_rows(inputs: Inputs) -> np.ndarray:
    """Which MSG rows are their indicator's own (the Area named like the indicator's own area, any case)."""
    table = inputs.msg
    if table.empty:
        return np.zeros(0, dtype=bool)
    row = pd.Index(inputs.targets["indicator"]).get_indexer(table["indicator"])
    lower = np.vectorize(str.lower, otypes=[object])
    return lower(table["area"].to_numpy(dtype=object)) == lower(own_areas(inputs))[row]


def msg_arrays(inputs: Inputs, width: int) -> dict[str, np.ndarray]:
    """Own count and population, and the group's (indicators × width) padded arrays."""
    targets_, table = inputs.targets, inputs.msg
    n = len(targets_)
    counts, pops = np.full((n, width), np.nan), np.full((n, width), np.nan)
    own_count, own_pop = np.full(n, np.nan), np.full(n, np.nan)
    if not table.empty:
        row = pd.Index(targets_["indicator"]).get_indexer(table["indicator"])
        slot = _slots(row)
        count, population = table["count"].to_numpy(dtype=float), table["population"].to_numpy(dtype=float)
        counts[row, slot], pops[row, slot] = count, population
        own = own_msg_rows(inputs)
        own_count[row[own]], own_pop[row[own]] = count[own], population[own]
    return {SPEC.msg_count.key: own_count, SPEC.msg_population.key: own_pop,
            "group_counts": counts, "group_populations": pops}


def _slots(row: np.ndarray) -> np.ndarray:
    """Each MSG row's place within its indicator's group, in sheet order (a stable sort, no groupby)."""
    order = np.argsort(row, kind="stable")
    starts = np.searchsorted(row[order], row[order], side="left")
    slot = np.empty(len(row), dtype=int)
    slot[order] = np.arange(len(row)) - starts
    return slot


def group_width(inputs: Inputs) -> int:
    """The largest most similar group of the bulletin (1 when it has no MSG table)."""
    if inputs.msg.empty:
        return 1
    return int(np.bincount(pd.factorize(inputs.msg["indicator"])[0]).max())


# Figures the Targets sheet gives directly (indicator, name, section, measure, direction).
_TARGET_FIGURES = tuple(spec.key for spec in REGISTRY
                        if spec.compute is None and spec.key in {column.key for column in TARGETS.columns})


def target_inputs(targets: pd.DataFrame) -> dict[str, np.ndarray]:
    """What the engine reads from the Targets sheet, one value per indicator: its inputs
    (``figures.INPUTS`` with a Targets column) and the figures the sheet gives directly."""
    known = {name: targets[column].to_numpy() for name, (column, _) in INPUTS.items() if column is not None}
    return known | {key: targets[key].to_numpy() for key in _TARGET_FIGURES}


@dataclass(frozen=True)
class Part:
    """Where one bulletin sits in a stacked pass."""

    rows: slice
    months: slice
    axis: np.ndarray


def stacked(bulletins: list[Inputs]) -> tuple[dict, list[Part]]:
    """The engine's known values for every indicator of every bulletin, and where each bulletin sits."""
    axes = [axis(inputs) for inputs in bulletins]
    common = months.axis(min(int(a[0]) for a in axes), max(int(a[-1]) for a in axes))
    width = max(group_width(inputs) for inputs in bulletins)
    stack = lambda parts: np.concatenate(parts) if parts else np.array([])  # noqa: E731
    per_bulletin = [target_inputs(inputs.targets) for inputs in bulletins]
    known: dict = {name: stack([part[name] for part in per_bulletin]) for name in per_bulletin[0]}
    msg_parts = [msg_arrays(inputs, width) for inputs in bulletins]
    for key in msg_parts[0]:
        known[key] = stack([part[key] for part in msg_parts])
    known["own_area"] = stack([own_areas(inputs) for inputs in bulletins])
    known["values"] = stack([pivot(inputs, common, "value") for inputs in bulletins])
    # Denominators matter only for percentage measures; without any, the engine skips them entirely.
    has_pct = any((inputs.targets["measure"] == "percentage").any() for inputs in bulletins)
    known["denominators"] = stack([pivot(inputs, common, "denominator") for inputs in bulletins]) if has_pct else None
    known["first_month"] = int(common[0])
    # Without a Breaks row anywhere, the engine skips them entirely.
    if any(len(inputs.breaks) for inputs in bulletins):
        grids = [break_grids(inputs, common) for inputs in bulletins]
        known["rebase"] = stack([g[0] for g in grids])
        known["recording_breaks"] = stack([g[1] for g in grids])
        offsets = np.cumsum([0] + [len(inputs.targets) for inputs in bulletins])
        known["break_reasons"] = {(int(offset) + r, c): why for offset, g in zip(offsets, grids)
                                  for (r, c), why in g[2].items()}
    parts, start = [], 0
    for inputs, own_axis in zip(bulletins, axes):
        n = len(inputs.targets)
        parts.append(Part(slice(start, start + n),
                          slice(int(own_axis[0] - common[0]), int(own_axis[-1] - common[0]) + 1), own_axis))
        start += n
    return known, parts
