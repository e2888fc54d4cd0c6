"""Excel cell shapes <-> engine arrays, for the Excel functions and the Refresh macro.

Excel hands a function a scalar for one cell and a list of rows for a range
(xlwings is told ``ndim=2`` so a column stays a column). Plain Python callers
may pass scalars, flat lists (read as a column), nested lists or numpy arrays.
Blank cells arrive as ``None`` or ``""``.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import labels
from .errors import OptionError

# Text a numeric argument may hold without being an error: blanks and the
# bulletin's own "not applicable" marks, as produced by other =PIB_ cells.
_MISSING_TEXT = {"", labels.NA.lower(), "#n/a", "na", "n/a"}


def is_scalar(value) -> bool:
    # isinstance first: np.ndim on a 10,000-row list would build an array just to ask.
    if isinstance(value, (list, tuple)):
        return False
    return not isinstance(value, np.ndarray) or value.ndim == 0


def grid(value) -> np.ndarray:
    """Any cell shape as a 2-D object array (rows × columns); flat lists are columns."""
    arr = np.array(value, dtype=object)
    if arr.ndim == 0:
        return arr.reshape(1, 1)
    if arr.ndim == 1:
        return arr.reshape(-1, 1)
    if arr.ndim == 2:
        return arr
    raise OptionError("expected a cell or a range of cells")


def numbers_of(name: str, value) -> np.ndarray:
    """Cells as floats (2-D); blanks and N/A become NaN, other text is an error."""
    cells = grid(value)
    # TRUE/FALSE would convert to 1/0; set(map(type, ...)) finds them at C speed.
    if cells.dtype != object or bool not in set(map(type, cells.ravel())):
        try:
            # One C-level conversion for the usual case: numbers and None (-> NaN).
            return cells.astype(float)
        except (TypeError, ValueError):
            pass
    # Slow path only when some cell is text: find it and say which.
    return np.vectorize(lambda cell: _number(name, cell), otypes=[float])(cells)


def number_of(name: str, cell) -> float:
    """One cell as a float (NaN for blanks and N/A): the scalar twin of :func:`numbers_of`."""
    if type(cell) in (int, float):
        return float(cell)
    return _number(name, cell.item() if isinstance(cell, np.generic) else cell)


def _number(name: str, cell) -> float:
    if cell is None:
        return np.nan
    if isinstance(cell, bool):
        raise OptionError(f"{name}: expected a number; got {cell!r}")
    if isinstance(cell, numbers.Number):
        return float(cell)
    if isinstance(cell, str):
        text = cell.strip()
        if text.lower() in _MISSING_TEXT:
            return np.nan
        try:
            return float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
        except ValueError:
            pass
    raise OptionError(f"{name}: expected a number; got {cell!r}")


def texts_of(value) -> np.ndarray:
    """Cells as text (2-D object array); blanks become ""."""
    cells = grid(value)
    blank = np.equal(cells, None) | np.not_equal(cells, cells)
    return np.where(blank, "", cells).astype(str).astype(object)


def series_of(name: str, value) -> tuple[np.ndarray, bool]:
    """A range of monthly values as engine series (one per row of the result).

    A single row is one series read left to right; otherwise each column is
    a series read top to bottom (months down the rows, as analysts lay out
    data). Returns the series and whether they came from columns.
    """
    cells = numbers_of(name, value)
    if cells.shape[0] == 1 and cells.shape[1] > 1:
        return cells, False
    return cells.T, True


def scalar_or_grid(arr, *, blank_nan: bool = False):
    """Shape a result for Excel: a scalar for one cell, else a list of rows.

    NaN becomes "N/A" (a figure that does not apply) or, with ``blank_nan``,
    an empty cell.
    """
    if not isinstance(arr, np.ndarray) or arr.ndim == 0:
        return _one_cell(arr, blank_nan)
    if arr.dtype.kind == "U":
        arr = arr.astype(object)
    elif arr.dtype.kind in "fiub":
        arr = arr.astype(float).astype(object)
    nan = np.not_equal(arr, arr)
    if nan.any():
        arr = arr.copy()
        arr[nan] = None if blank_nan else labels.NA
    if arr.ndim == 0:
        return _plain(arr.item())
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    return arr.tolist()


def _one_cell(value, blank_nan: bool):
    """:func:`scalar_or_grid` for one cell, without building arrays (a scalar =PIB_ call's answer)."""
    value = _plain(value.item() if isinstance(value, np.ndarray) else value)
    if isinstance(value, (bool, int, float)):
        value = float(value)
        if value != value:
            return None if blank_nan else labels.NA
    elif value is None or (isinstance(value, float) and value != value):
        return None if blank_nan else labels.NA
    return value


def _plain(value):
    """numpy scalars -> Python scalars, which every Excel bridge understands."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def cell_text(value) -> str:
    """A cell as an analyst reads it, trimmed: 12.0 -> "12" (a whole number typed as an id), None -> ""."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
