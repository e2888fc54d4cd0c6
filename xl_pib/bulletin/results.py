"""The Results sheet: one row per indicator, numbers as numbers, labels as the =PIB_ functions return them.

The last column, Why, says in a sentence why each judgement is what it is (:mod:`xl_pib.explain`); in the
live workbook it is one =PIB_EXPLAIN array formula, so it follows the data like the Performance Tables.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula

from .. import formats
from ..assess import FIGURE_COLUMNS, RESULTS_COLUMNS
from ..figures import RESULTS, SPEC
from ..xlsx import put
from . import styles

SHEET = "Results"
# Column widths by kind of figure: the indicator's name is wide, a RAG narrow, labels middling.
_WIDTHS = {SPEC.indicator.key: 14, SPEC.name.key: 40, SPEC.section.key: 16, SPEC.rag.key: 6}
WHY_WIDTH = 120
WHY_LETTER = get_column_letter(len(RESULTS_COLUMNS))


def grid(assessment, live: bool = False) -> list[list]:
    """The sheet's values; ``live``: without the Why column, which the live workbook computes itself."""
    frame = assessment.results
    columns = list(FIGURE_COLUMNS if live else RESULTS_COLUMNS)
    return [columns] + frame[columns].astype(object).values.tolist()


def write(ws, assessment, live=None) -> None:
    """The Results sheet; ``live`` (xl_pib.bulletin.live.LiveFormulas): the Why column as its formula."""
    measures = assessment.inputs.targets["measure"].tolist()
    specs = list(RESULTS) + [None]  # Why: text
    for r, row in enumerate(grid(assessment), start=1):
        for c, (value, spec) in enumerate(zip(row, specs), start=1):
            cell = put(ws.cell(r, c), value)
            if r == 1:
                cell.font, cell.fill = styles.BOLD, styles.HEADER_FILL
            elif spec is not None:
                number_format = formats.for_measure(spec.number_format, measures[r - 2])
                if number_format:
                    cell.number_format = number_format
    for c, spec in enumerate(RESULTS, start=1):
        width = _WIDTHS.get(spec.key, 12 if spec.number_format else 18)
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.column_dimensions[WHY_LETTER].width = WHY_WIDTH
    if live is not None and len(measures):
        ws[f"{WHY_LETTER}2"] = ArrayFormula(f"{WHY_LETTER}2:{WHY_LETTER}{len(measures) + 1}", live.why_column())
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = ws.dimensions
    styles.print_setup(ws, landscape=True, title_rows="1:1")
