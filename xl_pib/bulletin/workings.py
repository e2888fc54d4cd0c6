"""Helper sheets behind the Performance Tables: Series (monthly values) and Workings (per-indicator figures).

In the headless bulletin they hold the engine's values, so an analyst can
see what every figure was computed from; in the live workbook the same cells
hold =PIB_ formulas over the input sheets (see :mod:`xl_pib.bulletin.live`),
so a changed Data value flows through to the tables without a refresh.

Series: months down column A from row 3; three blocks of one column per
indicator (in Targets order): values, denominators, and monthly percentages
(percentage measures only). Row 2 holds the indicator ids.
Workings: one row per indicator from row 2, one column per figure; then,
after a blank column, the "Checks" list: the consistency checks' findings
(:mod:`xl_pib.checks`), which the Refresh rewrites and no printed sheet shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula

from .. import formats, labels, months
from ..figures import WORKINGS as WORKINGS_FIGURES
from ..xlsx import formula, put
from . import styles

SERIES = "Series"
WORKINGS = "Workings"
FIRST_MONTH_ROW = 3

def _workings_format(spec) -> str | None:
    # A figure in its measure's units is shown with enough places to check it by hand, whatever the measure.
    return formats.DETAIL if spec.number_format == formats.BY_MEASURE else spec.number_format


# (figure key, header, number format) of every Workings column, in the registry's order.
WORKINGS_COLUMNS = tuple((spec.key, spec.workings, _workings_format(spec)) for spec in WORKINGS_FIGURES)
_WORKINGS_INDEX = {key: i for i, (key, _, _) in enumerate(WORKINGS_COLUMNS)}


# The Checks list: its columns, and the rows a refresh rewrites whole (so a shorter list leaves no stale rows).
CHECKS_HEADER = ("Checks", "Sheet", "Row", "Column", "Found", "But", "Likely fix")
CHECKS_ROWS = 100
CHECKS_FIRST_COLUMN = len(WORKINGS_COLUMNS) + 2


def checks_cell() -> str:
    """The top-left cell of the Checks list on the Workings sheet."""
    return f"{get_column_letter(CHECKS_FIRST_COLUMN)}1"


def checks_grid(assessment) -> list[list]:
    """The Checks list: its header and exactly CHECKS_ROWS rows, blank below the findings."""
    found = assessment.checks
    rows = [[f.check, f.sheet, f.row, f.column, f.found, f.against, f.fix] for f in found]
    if not rows:
        rows = [["none: the input sheets agree with each other", None, None, None, None, None, None]]
    if len(rows) > CHECKS_ROWS:
        rows = rows[:CHECKS_ROWS - 1] + [[f"... and {len(rows) - CHECKS_ROWS + 1} more: 'xl-pib build' prints "
                                          "them all", None, None, None, None, None, None]]
    blank = [None] * len(CHECKS_HEADER)
    return [list(CHECKS_HEADER), *rows, *([blank] * (CHECKS_ROWS - len(rows)))]


def write_checks(ws, assessment) -> None:
    first = CHECKS_FIRST_COLUMN
    for r, row in enumerate(checks_grid(assessment), start=1):
        for c, value in enumerate(row, start=first):
            put(ws.cell(r, c), value)
    for c in range(first, first + len(CHECKS_HEADER)):
        cell = ws.cell(1, c)
        cell.font, cell.fill, cell.alignment = styles.BOLD, styles.HEADER_FILL, styles.WRAP
        ws.column_dimensions[get_column_letter(c)].width = 40 if c >= first + 4 else 14


def workings_ref(index: int, key: str, absolute: bool = True) -> str:
    """Address of an indicator's figure on the Workings sheet, e.g. Workings!$J$5."""
    column = get_column_letter(_WORKINGS_INDEX[key] + 1)
    return f"{WORKINGS}!${column}${index + 2}" if absolute else f"{column}{index + 2}"


def workings_column_ref(key: str, count: int) -> str:
    """A figure's column for all ``count`` indicators, e.g. Workings!$J$2:$J$29."""
    column = get_column_letter(_WORKINGS_INDEX[key] + 1)
    return f"{WORKINGS}!${column}$2:${column}${count + 1}"


@dataclass(frozen=True)
class SeriesLayout:
    """Where each indicator's monthly columns sit on the Series sheet."""

    count: int       # indicators
    rows: int        # months on the axis

    @property
    def last_row(self) -> int:
        return FIRST_MONTH_ROW + self.rows - 1

    def column(self, block: int, index: int) -> str:
        """Letter of an indicator's column in block 0 (values), 1 (denominators) or 2 (percentages)."""
        return get_column_letter(2 + block * self.count + index)

    def range(self, block: int, index: int) -> str:
        c = self.column(block, index)
        return f"{SERIES}!${c}${FIRST_MONTH_ROW}:${c}${self.last_row}"

    def block_range(self, block: int) -> str:
        first, last = self.column(block, 0), self.column(block, self.count - 1)
        return f"{first}{FIRST_MONTH_ROW}:{last}{self.last_row}"

    def block_ref(self, block: int) -> str:
        """A whole block (months × indicators) with its sheet, e.g. Series!$B$3:$AC$66."""
        first, last = self.column(block, 0), self.column(block, self.count - 1)
        return f"{SERIES}!${first}${FIRST_MONTH_ROW}:${last}${self.last_row}"

    def ids_range(self, block: int) -> str:
        return f"${self.column(block, 0)}$2:${self.column(block, self.count - 1)}$2"

    @property
    def axis(self) -> str:
        return f"{SERIES}!$A${FIRST_MONTH_ROW}:$A${self.last_row}"


def series_layout(assessment) -> SeriesLayout:
    return SeriesLayout(len(assessment.inputs.targets), len(assessment.month_axis))


def series_values(assessment) -> tuple[np.ndarray, np.ndarray]:
    """Monthly values and denominators (months × indicators), NaN where there is no data."""
    from ..stack import pivot

    axis = assessment.month_axis
    return pivot(assessment.inputs, axis, "value").T, pivot(assessment.inputs, axis, "denominator").T


def axis_cells(assessment) -> list[list]:
    """Column A of the Series sheet from row 3: the month axis as dates (a helper range the refresh writes)."""
    return [[months.to_date(m)] for m in assessment.month_axis]


def write_series(ws, assessment, live=None) -> SeriesLayout:
    layout = series_layout(assessment)
    ids = assessment.inputs.targets["indicator"].tolist()
    is_pct = (assessment.inputs.targets["measure"] == "percentage").tolist()
    values, denominators = series_values(assessment)
    put(ws["A2"], "Month").font = styles.BOLD
    for r, (date,) in enumerate(axis_cells(assessment), start=FIRST_MONTH_ROW):
        put(ws.cell(r, 1), date, "mmm yyyy")
    for block, title in enumerate(("Values", "Denominators", "Monthly percentages")):
        put(ws[f"{layout.column(block, 0)}1"], title).font = styles.SUBTITLE
        for i, indicator in enumerate(ids):
            put(ws[f"{layout.column(block, i)}2"], indicator).font = styles.BOLD
    if live is not None:
        for block in (0, 1):
            ws[f"{layout.column(block, 0)}{FIRST_MONTH_ROW}"] = ArrayFormula(layout.block_range(block),
                                                                          live.series_block(block))
    else:
        for block, grid in ((0, values), (1, denominators)):
            for i in range(layout.count):
                letter = layout.column(block, i)
                for r, v in enumerate(grid[:, i], start=FIRST_MONTH_ROW):
                    if v == v:
                        put(ws[f"{letter}{r}"], v)
    for i in range(layout.count):
        if not is_pct[i]:
            continue
        v, d, p = (layout.column(b, i) for b in (0, 1, 2))
        for r in range(FIRST_MONTH_ROW, layout.last_row + 1):
            if live is not None:
                formula(ws[f"{p}{r}"], f'IF(OR({v}{r}="",{d}{r}=""),"",{v}{r}/{d}{r})', formats.PERCENT)
            elif values[r - FIRST_MONTH_ROW, i] == values[r - FIRST_MONTH_ROW, i]:
                put(ws[f"{p}{r}"], assessment.figures.monthly_percentage[i][r - FIRST_MONTH_ROW], formats.PERCENT)
    ws.column_dimensions["A"].width = 11
    ws.freeze_panes = f"B{FIRST_MONTH_ROW}"
    return layout


def workings_values(assessment, index: int) -> list:
    figures = assessment.figures.at(index)
    row = []
    for key, _, number_format in WORKINGS_COLUMNS:
        value = getattr(figures, key)
        if isinstance(value, float) and value != value:
            row.append(labels.NA)
        elif number_format == formats.MONTH:
            row.append(months.to_date(value))
        else:
            row.append(value)
    return row


def write_workings(ws, assessment, live=None) -> None:
    count = len(assessment.inputs.targets)
    for c, (_, header, _) in enumerate(WORKINGS_COLUMNS, start=1):
        cell = put(ws.cell(1, c), header)
        cell.font, cell.fill, cell.alignment = styles.BOLD, styles.HEADER_FILL, styles.WRAP
        ws.column_dimensions[get_column_letter(c)].width = 14
    rows = [workings_values(assessment, index) for index in range(count)]
    for c, (key, _, number_format) in enumerate(WORKINGS_COLUMNS, start=1):
        column_formula = live.workings_column(key) if live is not None else None
        letter = get_column_letter(c)
        for index in range(count):
            cell = ws.cell(index + 2, c)
            cell_formula = live.workings_cell(index, key) if live is not None else None
            if column_formula:
                cell.number_format = number_format or "General"  # the array formula fills the value
            elif cell_formula:
                formula(cell, cell_formula, number_format)
            else:
                put(cell, rows[index][c - 1], number_format)
        if column_formula and count:
            ws[f"{letter}2"] = ArrayFormula(f"{letter}2:{letter}{count + 1}", column_formula)
    write_checks(ws, assessment)
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "B2"
