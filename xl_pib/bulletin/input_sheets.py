"""Copies of the input sheets, so a bulletin carries the figures it was built from.

The copies keep the notes, drop-downs and formats of :mod:`.input_guides`, so the
live workbook's input sheets help the analyst as a new workbook's do.
"""

from __future__ import annotations

from .. import formats
from ..xlsx import put
from . import styles


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
