"""The Results sheet: one row per indicator, numbers as numbers, labels as the =PIB_ functions return them."""

from __future__ import annotations

from ..assess import RESULTS_COLUMNS
from ..xlsx import put
from . import styles

SHEET = "Results"

FORMATS = {
    "Change from baseline": styles.SIGNED_PERCENT, "Reduction required": styles.PERCENT,
    "Comparative 12 months": styles.SIGNED_PERCENT, "MSG distance": styles.SIGNED_PERCENT,
}


def grid(assessment) -> list[list]:
    frame = assessment.results
    return [list(RESULTS_COLUMNS)] + frame.astype(object).values.tolist()


def write(ws, assessment) -> None:
    measures = assessment.inputs.targets["measure"].tolist()
    for r, row in enumerate(grid(assessment), start=1):
        for c, value in enumerate(row, start=1):
            cell = put(ws.cell(r, c), value)
            header = RESULTS_COLUMNS[c - 1]
            if r == 1:
                cell.font, cell.fill = styles.BOLD, styles.HEADER_FILL
            elif header in FORMATS:
                cell.number_format = FORMATS[header]
            elif header in ("Baseline", "Target", "Current"):
                cell.number_format = {"percentage": styles.PERCENT, "rate": "#,##0.0#"}.get(measures[r - 2], styles.COUNT)
    for letter, width in zip("ABCDEFGHIJKLMNO", (14, 40, 16, 10, 10, 10, 12, 12, 10, 20, 12, 10, 20, 14, 6)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = ws.dimensions
    styles.print_setup(ws, landscape=True, title_rows="1:1")
