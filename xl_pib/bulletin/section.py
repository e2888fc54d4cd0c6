"""One sheet per Section: a block per indicator, as in the seed bulletin.

A block is the indicator's name, a headline ("An 11.2% reduction has been
recorded from the baseline"), the description of its baseline and target,
which month the figures run to, the Performance Table with the seed's row
labels, and the performance chart beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from openpyxl.worksheet.formula import ArrayFormula

from .. import formats, labels, months
from ..options import NOISE_AWARE
from ..figures import PERFORMANCE_TABLE as TABLE_FIGURES
from ..figures import SPEC, Figure
from ..xlsx import formula, put
from . import chart_data, charts, styles, text
from .chart_data import ChartBlock

BLOCK_ROWS = 18
BLOCKS_PER_PAGE = 3
PAGE_ROWS = BLOCK_ROWS * BLOCKS_PER_PAGE
# Under noise-aware judgements a block also has the past month's SPC chart, under its performance chart.
SPC_BLOCK_ROWS = PAGE_ROWS // 2
SPC_CHART_ROW = 15  # the SPC chart's row in its block
CHART_COLUMN = "D"


def has_spc_chart(row, settings) -> bool:
    """A block shows the SPC chart: noise-aware judgements, and not a survey on the Perception sheet."""
    return settings.judgements == NOISE_AWARE and not chart_data.is_perception(row)


def block_rows(row, settings) -> int:
    return SPC_BLOCK_ROWS if has_spc_chart(row, settings) else BLOCK_ROWS


@dataclass(frozen=True)
class Row:
    """A row of a block's table: a figure and the label printed beside it."""

    figure: Figure
    label: str

    @property
    def key(self) -> str:
        return self.figure.key

    def number_format(self, measure: str) -> str | None:
        """None: a label such as "Yes", coloured."""
        return formats.for_measure(self.figure.number_format, measure)


# The Performance Table: every figure the registry gives a table label, in its order.
PERFORMANCE_TABLE = tuple(Row(spec, spec.label) for spec in TABLE_FIGURES)


@dataclass
class IndicatorBlock:
    """Where an indicator's figures sit, for live formulas and refreshes."""

    indicator: str
    index: int
    sheet: str
    top: int
    cells: dict[str, str] = field(default_factory=dict)
    label_cells: list[str] = field(default_factory=list)


# The live workbook's formula source (xl_pib.bulletin.live.LiveFormulas), or None for values.
Live = Any


def value_format(measure: str) -> str:
    return formats.for_measure(formats.BY_MEASURE, measure)


def write_value(cell, value, row: Row, measure: str, direction: str, live: bool, significant=None) -> None:
    """A Performance Table value, coloured; in the live workbook the table's array formula fills it.

    A change whose significance is "No" is marked "(ns)" by its number format (static bulletins; the live
    workbook's block notes give the interval)."""
    shown = labels.NA if isinstance(value, float) and np.isnan(value) else value
    number_format = row.number_format(measure)
    if significant == labels.NO and number_format and not live:
        number_format = formats.not_significant(number_format)
    if live:
        cell.number_format = number_format or "General"
    else:
        put(cell, shown, number_format)
    cell.border = styles.BOX
    cell.alignment = styles.CENTRE
    is_rag = row.figure is SPEC.rag
    if number_format is None:
        rating = str(value)
        fill = styles.rag_fill(rating) if is_rag else styles.label_fill(rating, direction)
        if fill is not None:
            cell.fill = fill
        cell.font = styles.BOLD if is_rag else styles.label_font(rating, direction)
    else:
        cell.font = styles.BOLD


def write_table(ws, top: int, block: IndicatorBlock, figures, measure: str, direction: str, rows,
                live: Live | None) -> int:
    """The rows' labels and values (``figures``: one indicator's, from Figures.at)."""
    for offset, row in enumerate(rows):
        r = top + offset
        label_cell = put(ws.cell(r, 1), row.label)
        label_cell.font, label_cell.alignment, label_cell.border = styles.BODY, styles.WRAP, styles.BOX
        label_cell.fill = styles.HEADER_FILL
        if len(row.label) > 60:
            ws.row_dimensions[r].height = 26
        coordinate = f"B{r}"
        block.cells[row.key] = coordinate
        significant = getattr(figures, row.figure.significance) if row.figure.significance else None
        write_value(ws[coordinate], getattr(figures, row.key), row, measure, direction, live is not None, significant)
        if row.number_format(measure) is None:
            block.label_cells.append(coordinate)
    if live is not None:
        # One Python call for the whole column: the table is an array formula.
        ws[f"B{top}"] = ArrayFormula(f"B{top}:B{top + len(rows) - 1}",
                                     live.performance_table(block.index, tuple(spec.key for spec in rows)))
    return top + len(rows)


FIRST_BLOCK_ROW = 4


def subtitle(settings) -> str:
    return f"{settings.partnership} - Performance Improvement Bulletin - {months.label(text.bulletin_month(settings))}"


def placements(targets, settings) -> list[tuple[str, int]]:
    """(sheet, top row) of every indicator's block, from the Targets table and the judgements alone."""
    below: dict[str, int] = {}
    out = []
    for _, row in targets.iterrows():
        name = row["section"]
        top = below.get(name, FIRST_BLOCK_ROW)
        below[name] = top + block_rows(row, settings)
        out.append((name, top))
    return out


def write_heading(ws, title: str, subtitle_text: str) -> int:
    put(ws["A1"], title).font = styles.TITLE
    put(ws["A2"], subtitle_text).font = styles.SUBTITLE
    ws.column_dimensions["A"].width = 52
    ws.column_dimensions["B"].width = 21
    ws.column_dimensions["C"].width = 2
    return FIRST_BLOCK_ROW


def write_text_row(ws, row: int, value: str, font, height: float | None = None) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    cell = put(ws.cell(row, 1), value)
    cell.font, cell.alignment = font, styles.WRAP
    if height:
        ws.row_dimensions[row].height = height


def _lines(value: str, width: int = 80) -> int:
    return max(1, -(-len(value) // width))


def block_texts(assessment, index: int) -> dict[int, str]:
    """The block's data-dependent sentences by row offset: headline, description, data note, notes."""
    target = assessment.inputs.targets.iloc[index]
    figures = assessment.figures.at(index)
    per = target.get("rate_per")
    notes = " ".join(filter(None, [target.get("commentary", ""),
                                   text.series_break(chart_data.indicator_breaks(assessment, index)),
                                   text.intervals(figures, assessment.inputs.settings, target["measure"]),
                                   text.projection(figures, target["measure"], per),
                                   text.past_month_rule(figures),
                                   text.not_yet_assessable(assessment.reasons[index])]))
    return {1: text.headline(figures.change_from_baseline, target["measure"]),
            2: text.description(target, figures),
            3: text.data_note(figures, assessment.inputs.settings.latest_month),
            4: notes}


def write_block(ws, top: int, index: int, assessment, chart_block: ChartBlock, data_ws, live: Live | None):
    target = assessment.inputs.targets.iloc[index]
    figures = assessment.figures.at(index)
    block = IndicatorBlock(target["indicator"], index, ws.title, top)
    put(ws.cell(top, 1), target["name"]).font = styles.SUBTITLE
    texts = block_texts(assessment, index)
    write_text_row(ws, top + 1, texts[1], styles.BOLD)
    if live is not None:
        formula(ws.cell(top + 1, 1), live.headline(index))
    write_text_row(ws, top + 2, texts[2], styles.BODY, 13 * _lines(texts[2]) + 2)
    write_text_row(ws, top + 3, texts[3], styles.SMALL)
    write_text_row(ws, top + 4, texts[4], styles.SMALL, 11 * _lines(texts[4], 95) + 2 if texts[4] else None)
    write_table(ws, top + 5, block, figures, target["measure"], target["direction"], PERFORMANCE_TABLE, live)
    spc = has_spc_chart(target, assessment.inputs.settings)
    chart = charts.performance_chart(data_ws, chart_block, value_format(target["measure"]),
                                     targeted=target["target_type"] != "none", direction=target["direction"],
                                     projected=spc, breaks=bool(chart_data.indicator_breaks(assessment, index)))
    ws.add_chart(chart, f"{CHART_COLUMN}{top + 1}")
    if spc:
        ws.add_chart(charts.spc_chart(data_ws, chart_block, value_format(target["measure"])),
                     f"{CHART_COLUMN}{top + SPC_CHART_ROW}")
    return block


def write_section(ws, name: str, indices, assessment, chart_blocks, data_ws, live: Live | None = None,
                  writer=None) -> list[IndicatorBlock]:
    """Write a section sheet; ``writer`` lays out one block (the Perception sheet passes its own)."""
    s = assessment.inputs.settings
    row = write_heading(ws, name, subtitle(s))
    blocks, on_page = [], 0
    targets = assessment.inputs.targets
    for n, index in enumerate(indices):
        rows = block_rows(targets.iloc[index], s)
        if on_page + rows > PAGE_ROWS:  # the block would run over the page: it starts the next
            styles.page_break_after(ws, row - 1)
            on_page = 0
        blocks.append((writer or write_block)(ws, row, index, assessment, chart_blocks[index], data_ws, live))
        row += rows
        on_page += rows
    _colour_rules(ws, blocks, assessment.inputs.targets["direction"].tolist())
    styles.print_setup(ws, footer=f"{s.report_reference}  {s.security_marking}".strip())
    return blocks


def _colour_rules(ws, blocks, directions) -> None:
    """One set of conditional formats per sheet and direction, so live values keep their colours."""
    rag = SPEC.rag.key
    rag_cells = [b.cells[rag] for b in blocks if rag in b.cells]
    if rag_cells:
        styles.rag_rules(ws, " ".join(rag_cells))
    for direction in ("down", "up"):
        cells = [c for b in blocks if directions[b.index] == direction
                 for c in b.label_cells if c != b.cells.get(rag)]
        if cells:
            styles.label_rules(ws, " ".join(cells), direction)
