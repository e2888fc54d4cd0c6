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
PERFORMANCE_COLUMNS = ("Month", "Actual (rolling 12 months)", "Target trajectory", "Lower limit", "Upper limit",
                       labels.ABOVE_TARGET, labels.ON_TARGET, labels.BELOW_TARGET)
PERCEPTION_COLUMNS = ("Month", "Monthly percentage", "Error above", "Error below", "Baseline", "Target")


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


def _column(assessment, series: np.ndarray, index: int, span) -> np.ndarray:
    """One indicator's chart series (a monthly figure) over the block's months (NaN outside the assessed axis)."""
    axis = assessment.month_axis
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
        columns = [dates, actual, column(f.trajectory), column(f.lower), column(f.upper), *markers]
    rows = [[block.indicator, name] + [None] * (len(block.columns) - 2), list(block.columns)]
    table = np.column_stack([np.asarray(c, dtype=object) for c in columns])
    table[pd.isna(table)] = None
    return rows + table.tolist()


def grid(assessment, blocks: list[ChartBlock]) -> list[list]:
    """The whole sheet as rows, starting at A1 (what the refresh writes)."""
    width = max(len(PERFORMANCE_COLUMNS), len(PERCEPTION_COLUMNS))
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
