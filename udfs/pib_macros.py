"""The Refresh button: recompute the bulletin inside the open workbook.

``main`` is what the workbook's button runs, whatever the workbook is called:
its macro (:mod:`xl_pib.refresh_button`) calls xlwings'
``RunPython "import pib_macros; pib_macros.main()"``.

``refresh`` reads the input sheets through xlwings, runs the same engine as
``xl-pib build``, and writes Results, the Executive Summary, the chart data
and the status cell: the ranges listed in :mod:`xl_pib.bulletin.refresh`.
It never writes to an input sheet, so never to "RAG override" or "Summary
override". Everything is computed before anything is written, so bad input
leaves the workbook as it was, with the problem named in the status cell.

When the Targets or Outcomes sheet changed the layout (an indicator, section,
outcome or target date added, removed or moved), the ranges no longer fit:
the refresh builds the live workbook of the new layout beside the open one
instead (``NAME (new layout).xlsm``, a new file, never the open one), with
every input sheet (the overrides are on them) and the xlwings.conf values,
and the status cell says where it is. The folder is the one ``book.fullname``
names; a workbook open through xlwings Server (Office.js, or the remote engine
with a bare name) has no folder on this machine, so the status cell says the
layout changed and how to rebuild it instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

import xlwings as xw

try:  # xl-pib's engine. When it cannot be imported here, main() says so in the workbook, not in a traceback.
    from xl_pib.assess import assess
    from xl_pib.build import conf_values, new_layout_path, rebuild_live
    from xl_pib.bulletin import refresh as ranges
    from xl_pib.errors import PibError, one_line
    from xl_pib.inputs import parse_sheets
    from xl_pib.inputs.schema import INPUT_SHEETS
    from xl_pib.template import CONF_SHEET
except ImportError as error:
    _ENGINE_MISSING: ImportError | None = error
else:
    _ENGINE_MISSING = None
    _INPUT_NAMES = {sheet.name.lower() for sheet in INPUT_SHEETS}

# The status cell's defined name, as xl_pib.refresh_button.STATUS_NAME (not importable when the engine is not).
STATUS_NAME = "PIB_STATUS"


def main() -> None:
    """What the workbook's Refresh button runs: ``refresh`` on the workbook that called."""
    book = xw.Book.caller()
    if _ENGINE_MISSING is None:
        refresh(book)
        return
    message = engine_missing_text(_ENGINE_MISSING)
    try:
        book.names[STATUS_NAME].refers_to_range.value = message
    except Exception:  # noqa: BLE001 - no status cell (the name was deleted): xlwings shows the message instead
        raise SystemExit(message) from None


def engine_missing_text(error: ImportError) -> str:
    """The status when this Python has xlwings but not a working xl-pib: which Python, why, and what to do."""
    python = sys.executable
    return (f"Refresh could not start: xl-pib is missing or incomplete in the Python that ran it, {python} "
            f"({error}). Install it there with: \"{python}\" -m pip install xl-pib. Or set Interpreter_Win "
            f"(Interpreter_Mac on a Mac) on the xlwings.conf sheet to the Python where xl-pib is installed. "
            f"Nothing was changed.")


def read_input_sheets(book, names=None) -> dict[str, list[list]]:
    """Each input sheet's cells (or those of the sheets ``names``) from A1 to the end of its used range, as rows."""
    wanted = _INPUT_NAMES if names is None else {name.lower() for name in names}
    sheets = {}
    for sheet in book.sheets:
        if sheet.name.strip().lower() not in wanted:
            continue
        last = sheet.used_range.last_cell
        sheets[sheet.name] = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
    return sheets


def _layout_of(book) -> str | None:
    sheet, cell = ranges.FINGERPRINT
    names = [s.name for s in book.sheets]
    return book.sheets[sheet].range(cell).value if sheet in names else None


class LayoutChanged(Exception):
    """The input sheets no longer fit the workbook's layout; ``assessment`` is what they hold now."""

    def __init__(self, assessment):
        super().__init__("the layout changed")
        self.assessment = assessment


def plan(book) -> tuple[list[ranges.RangeWrite], list[ranges.NoteWrite]]:
    """Everything the refresh will write (values, then the judged cells' notes), computed before anything is
    written."""
    assessment = assess(parse_sheets(read_input_sheets(book)))
    expected, found = ranges.fingerprint(assessment), _layout_of(book)
    if found != expected:
        raise LayoutChanged(assessment)
    history = ranges.History.of(read_input_sheets(book, ranges.HISTORY_SHEETS))
    return ranges.writes(assessment, history), ranges.note_writes(assessment)


def write_notes(book, notes: list) -> bool:
    """Replace the judged cells' notes (their explanations); False when this Excel cannot write notes
    (xlwings Server's clients before ExcelApi 1.18, the remote engine without Office.js): the same sentences
    are in Results' Why column and printed under each block, so the refresh goes on without them."""
    for note in notes:
        cell = book.sheets[note.sheet].range(note.cell)
        try:
            existing = cell.note
            if existing is None:
                cell.add_note(note.text)
            else:
                existing.text = note.text
        except (NotImplementedError, AttributeError):
            return False
    return True


def folder_of(book) -> Path | None:
    """The folder the open workbook is saved in on this machine, or None (a server, a URL, never saved)."""
    path = Path(str(book.fullname or ""))
    return path.parent if path.is_absolute() and path.parent.is_dir() else None


def rebuild(book, assessment, beside: bool = True) -> str:
    """Build the workbook of the new layout beside ``book``; the status to show in ``book``.

    ``beside=False`` (xlwings Server) never writes a file: the book's name comes from the client, and a
    server must not save files where a caller's name points.
    """
    if not beside or folder_of(book) is None:
        return ranges.layout_text(None, book.name)
    target = new_layout_path(Path(book.fullname))
    conf = {}
    if CONF_SHEET in [s.name for s in book.sheets]:
        conf = conf_values(book.sheets[CONF_SHEET].range("A1:B50").options(ndim=2).value)
    rebuild_live(assessment, target, conf)
    return ranges.layout_text(target, book.name)


def refresh(book=None, beside: bool = True) -> bool:
    """Recompute the bulletin in ``book`` (default: the workbook that called). Returns True on success.

    False when nothing was refreshed: bad input (named in the status cell), or a new layout, whose
    workbook is built beside this one (its path in the status cell; never on a server: ``beside=False``).
    """
    book = book or xw.Book.caller()
    sheet, cell = ranges.STATUS
    try:
        planned, notes = plan(book)
    except LayoutChanged as changed:
        try:
            status = rebuild(book, changed.assessment, beside)
        except Exception as error:  # noqa: BLE001 - the analyst sees one line in the workbook, not a traceback
            status = ranges.error_text(one_line(error))
        book.sheets[sheet].range(cell).value = status
        return False
    except Exception as error:  # noqa: BLE001 - the analyst sees one line in the workbook, not a traceback
        book.sheets[sheet].range(cell).value = ranges.error_text(one_line(error))
        return False
    for write in planned:
        book.sheets[write.sheet].range(write.cell).value = as_typed_text(write.values)
    write_notes(book, notes)
    return True


# Excel (COM Range.Value and Office.js setValues alike) enters text beginning with
# these as a formula; a leading apostrophe keeps it text, as when typing it. A leading
# tab or carriage return is how CSV injection hides a formula from a quick look.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_typed_text(rows: list[list]) -> list[list]:
    """Protect text that Excel would otherwise turn into a formula (e.g. a name "=Team")."""
    return [[f"'{v}" if isinstance(v, str) and v.startswith(_FORMULA_STARTS) else v for v in row] for row in rows]
