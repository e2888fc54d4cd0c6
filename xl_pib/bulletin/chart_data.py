"""The hidden "Chart Data" sheet: one fixed block of monthly rows per indicator.

Every chart points at its block by fixed cell ranges, so a refresh that only
rewrites these values (xlwings, or ``xl-pib build`` on the live workbook)
updates the charts. A block's months depend only on the Targets sheet (from
the start of the baseline period to the last target date of the strategy),
never on how much data has arrived, so the ranges do not move from month to
month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import labels, months
from ..measures import trajectory

SHEET = "Chart Data"
# The performance chart's columns, then the noise-aware projection and its 80% range, the breaks, and the SPC
# chart's (blank under classic judgements). A break's column header carries its reason, the chart's legend.
BREAK = "Break"
PERFORMANCE_COLUMNS = ("Month", "Actual (rolling 12 months)", "Target trajectory", "Lower limit", "Upper limit",
                       labels.ABOVE_TARGET, labels.ON_TARGET, labels.BELOW_TARGET,
                       "Projected (dotted: its 80% range)", "Projected 80% low", "Projected 80% high", BREAK,
                       "Monthly", "Average", "Lower process limit", "Upper process limit",
                       "Special cause: concern", "Special cause: improvement")
PERCEPTION_COLUMNS = ("Month", "Monthly percentage", "Error above", "Error below", "Baseline", "Target")
WIDTH = max(len(PERFORMANCE_COLUMNS), len(PERCEPTION_COLUMNS))
# Where each part of the performance block's columns starts (1-based sheet columns).
PROJECTION_COLUMN = PERFORMANCE_COLUMNS.index("Projected 80% low")
BREAK_COLUMN = PERFORMANCE_COLUMNS.index(BREAK) + 1
SPC_COLUMN = PERFORMANCE_COLUMNS.index("Monthly") + 1


@dataclass(frozen=True)
class ChartBlock:
    indicator: str
    perception: bool
    title_row: int      # block title; the column headers are on the next row
    first_row: int      # first month
    months: tuple[int, ...]

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.months) - 1

    @property
    def columns(self) -> tuple[str, ...]:
        return PERCEPTION_COLUMNS if self.perception else PERFORMANCE_COLUMNS


def is_perception(row) -> bool:
    return row["section"].strip().lower() == "perception" and row["measure"] == "percentage"


def strategy_end(targets, latest: int) -> int:
    """The last target date of any indicator: every chart runs to it.

    Fixed by the Targets sheet, so a new month of data never moves a chart's
    range (a bulletin with no target dates at all falls back to the latest month).
    """
    dates = targets["target_date"].dropna()
    return int(dates.max()) if len(dates) else latest


def window(row, end: int) -> tuple[int, ...]:
    """Months a chart shows: from the start of the baseline period to the strategy's end."""
    start = int(row["baseline_end"]) - 11
    return tuple(range(start, max(end, start) + 1))


def layout(targets, latest: int) -> list[ChartBlock]:
    """Where each indicator's block sits, from the Targets table alone."""
    blocks, row = [], 1
    end = strategy_end(targets, latest)
    for _, target in targets.iterrows():
        span = window(target, end)
        blocks.append(ChartBlock(target["indicator"], is_perception(target), row, row + 2, span))
        row += len(span) + 3
    return blocks


def _column(assessment, series: np.ndarray | None, index: int, span) -> np.ndarray:
    """One indicator's chart series (a monthly figure) over the block's months (NaN outside the assessed axis,
    and everywhere for a series this bulletin does not compute)."""
    axis = assessment.month_axis
    if series is None:
        return np.full(len(span), np.nan)
    values = series[index].astype(float)
    where = np.asarray(span) - axis[0]
    inside = (where >= 0) & (where < len(axis))
    return np.where(inside, values[np.clip(where, 0, len(axis) - 1)], np.nan)


def block_rows(assessment, block: ChartBlock, index: int) -> list[list]:
    """The block's cells: title, headers, then one row per month (None for gaps)."""
    name = assessment.inputs.targets["name"].iloc[index]
    f = assessment.figures
    dates = [months.to_date(m) for m in block.months]
    column = lambda series: _column(assessment, series, index, block.months)  # noqa: E731
    if block.perception:
        columns = [dates, column(f.monthly_percentage), column(f.monthly_error_above), column(f.monthly_error_below),
                   np.full(len(dates), f.baseline[index], dtype=float), np.full(len(dates), f.target[index], dtype=float)]
    else:
        actual = column(f.rolling)
        where = column(f.monthly_position)
        markers = [np.where(where == code, actual, np.nan)
                   for code in (trajectory.ABOVE, trajectory.ON, trajectory.BELOW)]
        performance = [actual, column(f.trajectory), column(f.lower), column(f.upper)]
        projection = [column(f.projected_path), column(f.projected_path_low), column(f.projected_path_high)]
        # A break is drawn as a line from the top of the plotted values down (the chart's error bar).
        top = np.nanmax(np.r_[np.concatenate(performance + projection), -np.inf])
        breaks = np.where(column(f.break_markers) == 1, top if np.isfinite(top) else 0.0, np.nan)
        spc = [column(f.spc_values), column(f.spc_mean), column(f.spc_lower), column(f.spc_upper),
               column(f.spc_concern), column(f.spc_improvement)]
        columns = [dates, *performance, *markers, *projection, breaks, *spc]
    rows = [[block.indicator, name] + [None] * (len(block.columns) - 2), headers(assessment, block, index)]
    table = np.column_stack([np.asarray(c, dtype=object) for c in columns])
    table[pd.isna(table)] = None
    return rows + table.tolist()


def headers(assessment, block: ChartBlock, index: int) -> list[str]:
    """The block's column headers (the charts' legend): the breaks' column names their reasons."""
    names = list(block.columns)
    if block.perception:
        return names
    shown = [(m, r) for m, r, _ in indicator_breaks(assessment, index) if block.months[0] <= m <= block.months[-1]]
    if shown:
        names[BREAK_COLUMN - 1] = "; ".join(f"{months.label(m)}" + (f": {r}" if r else "") for m, r in shown)
    if assessment.figures.seasonally_adjusted is not None and assessment.figures.seasonally_adjusted[index]:
        names[SPC_COLUMN - 1] = "Monthly (seasonally adjusted)"
    return names


def indicator_breaks(assessment, index: int) -> list[tuple[int, str, str]]:
    """(month, reason, rebase) of the indicator's Breaks rows that its bulletin honours, oldest first."""
    rows = assessment.inputs.breaks
    if not len(rows):
        return []
    area = rows["area"].str.strip().str.lower()
    own = assessment.inputs.settings.partnership.strip().lower()
    mine = rows[(rows["indicator"] == assessment.inputs.targets["indicator"].iloc[index]) &
                ((area == "") | (area == own))].sort_values("month", kind="stable")
    return list(zip(mine["month"].tolist(), mine["reason"].tolist(), mine["rebase"].tolist()))


def grid(assessment, blocks: list[ChartBlock]) -> list[list]:
    """The whole sheet as rows, starting at A1 (what the refresh writes)."""
    width = WIDTH
    rows: list[list] = []
    for index, block in enumerate(blocks):
        for row in block_rows(assessment, block, index):
            rows.append(row + [None] * (width - len(row)))
        rows.append([None] * width)
    return rows


def write(ws, assessment, blocks: list[ChartBlock]) -> None:
    """Write the (hidden) sheet: the same grid a refresh writes, with month cells formatted."""
    from ..xlsx import write_rows

    write_rows(ws, grid(assessment, blocks))
    for block in blocks:
        for r in range(block.first_row, block.last_row + 1):
            ws.cell(r, 1).number_format = "mmm yyyy"
    ws.sheet_state = "hidden"
