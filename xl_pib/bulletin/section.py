"""One sheet per Section: a block per indicator, as in the seed bulletin.

A block is the indicator's name, a headline ("A -11.2% reduction has been
recorded from the baseline"), the description of its baseline and target,
which month the figures run to, the Performance Table with the seed's row
labels, and the performance chart beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .. import labels, months
from ..xlsx import formula, put
from . import charts, styles, text
from .chart_data import ChartBlock

BLOCK_ROWS = 18
BLOCKS_PER_PAGE = 3
CHART_COLUMN = "D"


@dataclass(frozen=True)
class Row:
    key: str            # column of Assessment.detail
    label: str
    number_format: str | None = None  # None: a label such as "Yes", coloured


PERFORMANCE_TABLE = (
    Row("reduction_required", "Reduction required from current position to meet target", styles.PERCENT),
    Row("trend_sufficient", "Long-term trend sufficient to meet target"),
    Row("past_month", "Performance over the past month"),
    Row("comparative_12m", "Comparative performance over the past 12 months ending in current month",
        styles.SIGNED_PERCENT),
    Row("msg_distance", "Distance away from MS group average", styles.SIGNED_PERCENT),
    Row("msg_position", "Position against MS group average"),
    Row("position", "Position against the target trajectory"),
    Row("rag", "RAG rating"),
)


@dataclass
class IndicatorBlock:
    """Where an indicator's figures sit, for live formulas and refreshes."""

    indicator: str
    index: int
    sheet: str
    top: int
    cells: dict[str, str] = field(default_factory=dict)
    label_cells: list[str] = field(default_factory=list)


Live = Callable[[IndicatorBlock, str], "str | None"]


def value_format(measure: str) -> str:
    return {"percentage": styles.PERCENT, "rate": "#,##0.0#"}.get(measure, styles.COUNT)


def write_value(cell, value, row_spec: Row, direction: str, formula_text: str | None) -> None:
    """A Performance Table value: a live formula if given, else the engine's value; labels coloured."""
    if formula_text:
        formula(cell, formula_text, row_spec.number_format)
    else:
        put(cell, labels.NA if isinstance(value, float) and np.isnan(value) else value, row_spec.number_format)
    cell.border = styles.BOX
    cell.alignment = styles.CENTRE
    if row_spec.number_format is None:
        rating = str(value)
        fill = styles.rag_fill(rating) if row_spec.key == "rag" else styles.label_fill(rating, direction)
        if fill is not None:
            cell.fill = fill
        cell.font = styles.label_font(rating, direction) if row_spec.key != "rag" else styles.BOLD
    else:
        cell.font = styles.BOLD


def write_table(ws, top: int, block: IndicatorBlock, detail, direction: str, rows, live: Live | None) -> int:
    for offset, spec in enumerate(rows):
        r = top + offset
        label_cell = put(ws.cell(r, 1), spec.label)
        label_cell.font, label_cell.alignment, label_cell.border = styles.BODY, styles.WRAP, styles.BOX
        label_cell.fill = styles.HEADER_FILL
        if len(spec.label) > 60:
            ws.row_dimensions[r].height = 26
        coordinate = f"B{r}"
        block.cells[spec.key] = coordinate
        write_value(ws[coordinate], detail[spec.key], spec, direction, live(block, spec.key) if live else None)
        if spec.number_format is None:
            block.label_cells.append(coordinate)
    return top + len(rows)


def write_heading(ws, title: str, subtitle: str) -> int:
    put(ws["A1"], title).font = styles.TITLE
    put(ws["A2"], subtitle).font = styles.SUBTITLE
    ws.column_dimensions["A"].width = 52
    ws.column_dimensions["B"].width = 17
    ws.column_dimensions["C"].width = 2
    return 4


def write_text_row(ws, row: int, value: str, font, height: float | None = None) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    cell = put(ws.cell(row, 1), value)
    cell.font, cell.alignment = font, styles.WRAP
    if height:
        ws.row_dimensions[row].height = height


def _lines(value: str, width: int = 80) -> int:
    return max(1, -(-len(value) // width))


def write_block(ws, top: int, index: int, assessment, chart_block: ChartBlock, data_ws, live: Live | None):
    inputs = assessment.inputs
    target = inputs.targets.iloc[index]
    detail = assessment.detail.iloc[index]
    block = IndicatorBlock(target["indicator"], index, ws.title, top)
    put(ws.cell(top, 1), target["name"]).font = styles.SUBTITLE
    write_text_row(ws, top + 1, text.headline(detail["change_from_baseline"], target["measure"]), styles.BOLD)
    description = text.description(target, detail)
    write_text_row(ws, top + 2, description, styles.BODY, 13 * _lines(description) + 2)
    write_text_row(ws, top + 3, text.data_note(detail, inputs.settings.latest_month), styles.SMALL)
    notes = " ".join(filter(None, [target.get("commentary", ""),
                                   ("Not yet assessable: " + "; ".join(detail["reasons"]) + ".")
                                   if detail["reasons"] else ""]))
    write_text_row(ws, top + 4, notes, styles.SMALL, 11 * _lines(notes, 95) + 2 if notes else None)
    write_table(ws, top + 5, block, detail, target["direction"], PERFORMANCE_TABLE, live)
    chart = charts.performance_chart(data_ws, chart_block, value_format(target["measure"]),
                                     targeted=target["target_type"] != "none")
    ws.add_chart(chart, f"{CHART_COLUMN}{top + 1}")
    return block


def write_section(ws, name: str, indices, assessment, chart_blocks, data_ws, live: Live | None = None,
                  writer=None) -> list[IndicatorBlock]:
    """Write a section sheet; ``writer`` lays out one block (the Perception sheet passes its own)."""
    s = assessment.inputs.settings
    subtitle = f"{s.partnership} - Performance Improvement Bulletin - {months.label(s.latest_month + 1)}"
    row = write_heading(ws, name, subtitle)
    blocks = []
    for n, index in enumerate(indices):
        blocks.append((writer or write_block)(ws, row, index, assessment, chart_blocks[index], data_ws, live))
        row += BLOCK_ROWS
        if (n + 1) % BLOCKS_PER_PAGE == 0 and n + 1 < len(indices):
            styles.page_break_after(ws, row - 1)
    _colour_rules(ws, blocks, assessment.inputs.targets["direction"].tolist())
    styles.print_setup(ws, footer=f"{s.report_reference}  {s.security_marking}".strip())
    return blocks


def _colour_rules(ws, blocks, directions) -> None:
    """One set of conditional formats per sheet and direction, so live values keep their colours."""
    rag_cells = [b.cells["rag"] for b in blocks if "rag" in b.cells]
    if rag_cells:
        styles.rag_rules(ws, " ".join(rag_cells))
    for direction in ("down", "up"):
        cells = [c for b in blocks if directions[b.index] == direction
                 for c in b.label_cells if c != b.cells.get("rag")]
        if cells:
            styles.label_rules(ws, " ".join(cells), direction)
