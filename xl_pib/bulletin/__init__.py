"""Writing the bulletin workbook with openpyxl: one module per output section.

:func:`build_workbook` lays out every sheet from an :class:`~xl_pib.assess.Assessment`
and returns the layout (where each figure sits) for the live template and
the Refresh macro; :func:`save` writes it without ever leaving a
half-written file.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from . import appendices, chart_data, input_sheets, metadata, perception, results, section, summary
from .section import IndicatorBlock, Live

OUTPUT_SHEETS = (summary.SHEET, appendices.SHEET, metadata.SHEET, results.SHEET, chart_data.SHEET)


@dataclass(frozen=True)
class Layout:
    sections: tuple[str, ...]
    blocks: tuple[IndicatorBlock, ...]
    chart_blocks: tuple[chart_data.ChartBlock, ...]


def sections_in_order(targets) -> list[str]:
    return list(dict.fromkeys(targets["section"]))


def build_workbook(assessment, live: Live | None = None) -> tuple[Workbook, Layout]:
    inputs = assessment.inputs
    targets = inputs.targets
    wb = Workbook()
    summary_ws = wb.active
    summary_ws.title = summary.SHEET
    summary.write(summary_ws, assessment)

    data_ws = wb.create_sheet(chart_data.SHEET)
    blocks_by_index = chart_data.layout(targets, inputs.settings.latest_month)
    input_sheets.write(data_ws, chart_data.grid(assessment, blocks_by_index))
    for block in blocks_by_index:
        for r in range(block.first_row, block.last_row + 1):
            data_ws.cell(r, 1).number_format = "mmm yyyy"
    data_ws.sheet_state = "hidden"

    written: list[IndicatorBlock] = []
    sections = sections_in_order(targets)
    for name in sections:
        ws = wb.create_sheet(name, index=len(wb.sheetnames) - 1)
        indices = [i for i, s in enumerate(targets["section"]) if s == name]
        written += section.write_section(
            ws, name, indices, assessment, blocks_by_index, data_ws, live,
            writer=lambda *a: (perception.write_block if blocks_by_index[a[2]].perception else section.write_block)(*a))
    for module in (appendices, metadata, results):
        module.write(wb.create_sheet(module.SHEET, index=len(wb.sheetnames) - 1), assessment)
    for name, rows in inputs.sheets.items():
        input_sheets.write(wb.create_sheet(name, index=len(wb.sheetnames) - 1), rows)
    return wb, Layout(tuple(sections), tuple(written), tuple(blocks_by_index))


def save(wb: Workbook, path: str | Path) -> Path:
    """Save via a temporary file in the same folder and rename, so a failure leaves any old file intact."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(handle)
    try:
        wb.save(temporary)
        # mkstemp creates 0600 files; give the bulletin the permissions any new file gets.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def print_sheets(layout: Layout) -> list[str]:
    """Sheets that make up the printed bulletin (the PDF), in order."""
    return [summary.SHEET, *layout.sections, appendices.SHEET, metadata.SHEET]
