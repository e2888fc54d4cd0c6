"""The Results sheet: one row per indicator, numbers as numbers, labels as the =PIB_ functions return them."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from .. import formats
from ..assess import RESULTS_COLUMNS
from ..figures import RESULTS, SPEC
from ..xlsx import put
from . import styles

SHEET = "Results"
# Column widths by kind of figure: the indicator's name is wide, a RAG narrow, labels middling.
_WIDTHS = {SPEC.indicator.key: 14, SPEC.name.key: 40, SPEC.section.key: 16, SPEC.rag.key: 6}


def grid(assessment) -> list[list]:
    frame = assessment.results
    return [list(RESULTS_COLUMNS)] + frame.astype(object).values.tolist()


def write(ws, assessment) -> None:
    measures = assessment.inputs.targets["measure"].tolist()
    for r, row in enumerate(grid(assessment), start=1):
        for c, (value, spec) in enumerate(zip(row, RESULTS), start=1):
            cell = put(ws.cell(r, c), value)
            if r == 1:
                cell.font, cell.fill = styles.BOLD, styles.HEADER_FILL
            else:
                number_format = formats.for_measure(spec.number_format, measures[r - 2])
                if number_format:
                    cell.number_format = number_format
    for c, spec in enumerate(RESULTS, start=1):
        width = _WIDTHS.get(spec.key, 12 if spec.number_format else 18)
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = ws.dimensions
    styles.print_setup(ws, landscape=True, title_rows="1:1")
