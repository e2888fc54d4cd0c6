"""Writing the bulletin workbook with openpyxl: one module per output section.

:func:`build_workbook` lays out every sheet from an :class:`~xl_pib.assess.Assessment`
and returns the layout (where each figure sits) for the live workbook and
the Refresh macro; :func:`save` writes it without ever leaving a
half-written file. With ``live=True`` the same layout carries =PIB_
formulas (see :mod:`xl_pib.bulletin.live`) instead of the engine's values.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl import Workbook

from . import (appendices, chart_data, input_guides, input_sheets, metadata, perception, record, results, section,
               since, summary, workings)
from ..xlsx import save
from .live import LiveFormulas
from .section import IndicatorBlock


@dataclass(frozen=True)
class Layout:
    sections: tuple[str, ...]
    blocks: tuple[IndicatorBlock, ...]
    chart_blocks: tuple[chart_data.ChartBlock, ...]
    series: workings.SeriesLayout
    since: bool = False  # the "Since last month" section follows the Executive Summary


# Hidden sheets only the live workbook has: the records of its refreshes (see .record).
LIVE_ONLY = record.SHEETS


def sections_in_order(targets) -> list[str]:
    return list(dict.fromkeys(targets["section"]))


def sheet_order(inputs, since_section: bool = False, live: bool = False) -> list[str]:
    """Every sheet of a bulletin, in order; "Since last month" after the Executive Summary when compared with
    a previous bulletin (always in the live workbook), and the hidden sheets last."""
    return [summary.SHEET, *([since.SHEET] if since_section or live else []), *sections_in_order(inputs.targets),
            appendices.SHEET, metadata.SHEET, results.SHEET, workings.WORKINGS, workings.SERIES, *inputs.sheets,
            *(LIVE_ONLY if live else ()), chart_data.SHEET]


def print_sheets(layout: Layout) -> list[str]:
    """Sheets that make up the printed bulletin (the PDF), in order."""
    return [summary.SHEET, *([since.SHEET] if layout.since else []), *layout.sections, appendices.SHEET,
            metadata.SHEET]


def build_workbook(assessment, live: bool = False, wb: Workbook | None = None,
                   movement=None) -> tuple[Workbook, Layout]:
    """Lay out the bulletin; into ``wb``'s sheets of the same names when given (the live template).
    ``movement`` (:func:`xl_pib.movement.compare`): what moved since the previous bulletin."""
    inputs = assessment.inputs
    targets = inputs.targets
    if wb is None:
        wb = Workbook()
        wb.remove(wb.active)
    sheets = {}
    compared = live or movement is not None
    for name in sheet_order(inputs, compared, live):
        sheets[name] = wb[name] if name in wb.sheetnames else wb.create_sheet(name)

    series_layout = workings.series_layout(assessment)
    formulas = LiveFormulas(assessment, series_layout) if live else None
    summary.write(sheets[summary.SHEET], assessment, notes=not live, movement=movement, compared=compared)
    if compared:
        since.write(sheets[since.SHEET], assessment, movement, live)
    if live:
        from ..movement import snapshot_of
        from ..xlsx import write_rows

        write_rows(sheets[record.LAST_REFRESH], record.rows(snapshot_of(assessment)))
        for name in record.SHEETS:
            sheets[name].sheet_state = "hidden"

    data_ws = sheets[chart_data.SHEET]
    chart_blocks = chart_data.layout(targets, inputs.settings.latest_month)
    chart_data.write(data_ws, assessment, chart_blocks)

    written: list[IndicatorBlock] = []
    sections = sections_in_order(targets)
    for name in sections:
        indices = [i for i, s in enumerate(targets["section"]) if s == name]
        written += section.write_section(
            sheets[name], name, indices, assessment, chart_blocks, data_ws,
            formulas,
            writer=lambda *a: (perception.write_block if chart_blocks[a[2]].perception else section.write_block)(*a))
    for module in (appendices, metadata):
        module.write(sheets[module.SHEET], assessment)
    results.write(sheets[results.SHEET], assessment, formulas)
    workings.write_workings(sheets[workings.WORKINGS], assessment, formulas)
    workings.write_series(sheets[workings.SERIES], assessment, formulas)
    for name, rows in inputs.sheets.items():
        input_sheets.write(sheets[name], rows)
    input_guides.apply(wb, list(inputs.sheets))
    return wb, Layout(tuple(sections), tuple(written), tuple(chart_blocks), series_layout, compared)


__all__ = ["Layout", "build_workbook", "print_sheets", "save", "sheet_order", "sections_in_order"]
