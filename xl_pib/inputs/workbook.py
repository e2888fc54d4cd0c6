"""Reading input sheets from an .xlsx/.xlsm file with python-calamine (fast, no openpyxl)."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from .parse import parse_sheets
from .schema import INPUT_SHEETS


def read_sheets(path: str | Path) -> dict[str, list[list]]:
    """The input sheets of a workbook as rows of cells, starting at A1."""
    from python_calamine import CalamineWorkbook

    path = Path(path)
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
            # Blank cells arrive as ""; parse_sheets treats "" and None alike.
            sheets[name] = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return sheets


def read_workbook(path: str | Path):
    """Read and validate an input workbook into :class:`xl_pib.model.Inputs`."""
    return parse_sheets(read_sheets(path))
