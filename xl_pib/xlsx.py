"""Small openpyxl helpers every writer shares."""

from __future__ import annotations

import datetime as dt
import numbers
import os
import tempfile
from pathlib import Path

from openpyxl.cell.cell import Cell


def put(cell: Cell, value, number_format: str | None = None) -> Cell:
    """Write a value so that text stays text.

    openpyxl turns any string starting with "=" into a formula; a name such
    as "=Team" typed by an analyst must never become one, so text is always
    stored as a string cell.
    """
    if isinstance(value, bool) or value is None:
        cell.value = value
    elif isinstance(value, numbers.Number):
        # numpy scalars -> Python numbers; NaN is an empty cell.
        cell.value = None if value != value else (int(value) if isinstance(value, numbers.Integral) else float(value))
    elif isinstance(value, (dt.date, dt.datetime)):
        cell.value = value
    else:
        cell.value = str(value)
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    return cell


def formula(cell: Cell, text: str, number_format: str | None = None) -> Cell:
    """Write a formula on purpose (the only way formulas enter our workbooks)."""
    cell.value = text if text.startswith("=") else "=" + text
    if number_format:
        cell.number_format = number_format
    return cell


def write_rows(ws, rows, start_row: int = 1, start_col: int = 1) -> None:
    """Write rows of cells with :func:`put` (input sheets, tables)."""
    for r, row in enumerate(rows, start=start_row):
        for c, value in enumerate(row, start=start_col):
            put(ws.cell(row=r, column=c), value)


def save(wb, path: str | Path) -> Path:
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


def write_sheets(sheets: dict[str, list[list]], path: str | Path) -> Path:
    """Write sheets given as rows of cells (e.g. input sheets) to a new workbook, text kept as text."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        write_rows(wb.create_sheet(name), rows)
    return save(wb, path)
