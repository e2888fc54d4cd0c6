"""Copies of the input sheets, so a bulletin carries the figures it was built from.

The copies keep the notes, drop-downs and formats of :mod:`.input_guides`, so the
live workbook's input sheets help the analyst as a new workbook's do.
"""

from __future__ import annotations

import dataclasses

from .. import formats
from ..inputs.schema import BREAKS
from ..xlsx import put
from . import styles

# An input sheet every live workbook carries, if only as its header row, so that its formulas can read a row the
# analyst adds later: the Breaks sheet (the Area column is for workbooks that hold several partnerships).
BREAKS_HEADERS = [c.header for c in BREAKS.columns if c.key != "area"]


def with_breaks_sheet(inputs):
    """``inputs`` with a Breaks sheet of headers only when it has none (the live workbook's formulas read it)."""
    if any(name.strip().lower() == BREAKS.name.lower() for name in inputs.sheets):
        return inputs
    return dataclasses.replace(inputs, sheets={**inputs.sheets, BREAKS.name: [list(BREAKS_HEADERS)]})


def write(ws, rows: list[list]) -> None:
    widths: dict[int, int] = {}
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = put(ws.cell(r, c), value)
            if r == 1:
                cell.font, cell.fill = styles.BOLD, styles.HEADER_FILL
            elif hasattr(value, "year"):
                cell.number_format = formats.INPUT_MONTH
            widths[c] = max(widths.get(c, 8), min(len(str(value)) + 2, 60))
    for c, width in widths.items():
        ws.column_dimensions[ws.cell(1, c).column_letter].width = width
    ws.freeze_panes = "A2"
