"""Reading input sheets from an .xlsx/.xlsm file with python-calamine (fast, no openpyxl)."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from .guard import check_input_file
from .parse import parse_sheets
from .schema import INPUT_SHEETS


def _fill_merged(name: str, rows: list[list], merged) -> str | None:
    """Give every cell of a merged range the range's value, as the analyst sees it; a note says where.

    A merged range holds its value in the top-left cell only; read as it is
    stored, the other rows of a merged Indicator or Section would be blank.
    """
    from openpyxl.utils import get_column_letter

    filled = []
    for (top, left), (bottom, right) in merged:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(left, min(right, len(row) - 1) + 1):
                row[c] = value
        filled.append(f"{get_column_letter(left + 1)}{top + 1}:{get_column_letter(right + 1)}{bottom + 1}")
    if not filled:
        return None
    shown = ", ".join(filled[:3]) + (f" and {len(filled) - 3} more" if len(filled) > 3 else "")
    return (f"{name}: merged cells {shown} were read as if every cell held the merged value "
            "(unmerge them to be sure)")


def read_sheets(path: str | Path, notes: list[str] | None = None) -> dict[str, list[list]]:
    """The input sheets of a workbook as rows of cells, starting at A1.

    The file is checked first (:func:`~xl_pib.inputs.guard.check_input_file`):
    calamine is never handed an encrypted, legacy, oversized or bomb file.
    Notes about merged cells are appended to ``notes`` when given.
    """
    from python_calamine import CalamineWorkbook

    path = Path(path)
    check_input_file(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except FileNotFoundError:
        raise InputError(str(path), "an existing .xlsx or .xlsm file") from None
    except Exception as error:  # calamine raises its own types for corrupt files
        raise InputError(path.name, f"a readable .xlsx or .xlsm workbook ({error})") from None
    wanted = {sheet.name.lower() for sheet in INPUT_SHEETS}
    sheets = {}
    for name in book.sheet_names:
        if name.strip().lower() in wanted:
            try:
                sheet = book.get_sheet_by_name(name)
                # Blank cells arrive as ""; parse_sheets treats "" and None alike.
                rows = sheet.to_python(skip_empty_area=False)
                merged = sheet.merged_cell_ranges or []
            except Exception as error:  # calamine's own error types for a damaged sheet part
                raise InputError(name, f"a readable sheet ({error})") from None
            note = _fill_merged(name, rows, merged)
            if note and notes is not None:
                notes.append(note)
            sheets[name] = rows
    return sheets


def read_workbook(path: str | Path):
    """Read and validate an input workbook into :class:`xl_pib.model.Inputs`."""
    notes: list[str] = []
    sheets = read_sheets(path, notes)
    return parse_sheets(sheets, notes=notes)
