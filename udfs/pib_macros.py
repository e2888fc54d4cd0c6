"""The Refresh button: recompute the bulletin inside the open workbook.

``refresh`` reads the input sheets through xlwings, runs the same engine as
``xl-pib build``, and writes Results, the Executive Summary, the chart data
and the status cell: the ranges listed in :mod:`xl_pib.bulletin.refresh`.
It never writes to an input sheet, so never to "RAG override" or "Summary
override". Everything is computed before anything is written, so bad input
leaves the workbook as it was, with the problem named in the status cell.
"""

from __future__ import annotations

import xlwings as xw

from xl_pib.assess import assess
from xl_pib.bulletin import refresh as ranges
from xl_pib.errors import PibError, one_line
from xl_pib.inputs import parse_sheets
from xl_pib.inputs.schema import INPUT_SHEETS

_INPUT_NAMES = {sheet.name.lower() for sheet in INPUT_SHEETS}


def read_input_sheets(book) -> dict[str, list[list]]:
    """Each input sheet's cells from A1 to the end of its used range, as rows."""
    sheets = {}
    for sheet in book.sheets:
        if sheet.name.strip().lower() not in _INPUT_NAMES:
            continue
        last = sheet.used_range.last_cell
        sheets[sheet.name] = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
    return sheets


def _layout_of(book) -> str | None:
    sheet, cell = ranges.FINGERPRINT
    names = [s.name for s in book.sheets]
    return book.sheets[sheet].range(cell).value if sheet in names else None


def plan(book) -> list[ranges.RangeWrite]:
    """Everything the refresh will write, computed before anything is written."""
    assessment = assess(parse_sheets(read_input_sheets(book)))
    expected, found = ranges.fingerprint(assessment), _layout_of(book)
    if found != expected:
        raise PibError("the Targets or Outcomes sheet no longer matches this workbook's layout (an indicator, "
                       "section, outcome or target date was added, removed or moved); rebuild the workbook with "
                       "'xl-pib template --input THIS_BOOK.xlsm -o NEW_BOOK.xlsm'")
    return ranges.writes(assessment)


def refresh(book=None) -> bool:
    """Recompute the bulletin in ``book`` (default: the workbook that called). Returns True on success."""
    book = book or xw.Book.caller()
    sheet, cell = ranges.STATUS
    try:
        planned = plan(book)
    except Exception as error:  # noqa: BLE001 - the analyst sees one line in the workbook, not a traceback
        book.sheets[sheet].range(cell).value = ranges.error_text(one_line(error))
        return False
    for write in planned:
        book.sheets[write.sheet].range(write.cell).value = as_typed_text(write.values)
    return True


# Excel (COM Range.Value and Office.js setValues alike) enters text beginning with
# these as a formula; a leading apostrophe keeps it text, as when typing it. A leading
# tab or carriage return is how CSV injection hides a formula from a quick look.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_typed_text(rows: list[list]) -> list[list]:
    """Protect text that Excel would otherwise turn into a formula (e.g. a name "=Team")."""
    return [[f"'{v}" if isinstance(v, str) and v.startswith(_FORMULA_STARTS) else v for v in row] for row in rows]
