"""The small tables an ingest is given: LSOA lookups, mappings, populations, groups and analysts' counts.

They are read whole (a few thousand rows at most) as rows of cells: CSV with
the csv module, Excel with python-calamine, the same reader ``xl-pib build``
uses. CSV must be UTF-8 (a byte-order mark is allowed). Anything else is
refused with the line of the first byte that is not UTF-8, rather than
guessed: a Windows-1252 guess would silently turn an area name such as
"Ynys Môn" into one that no longer matches the lookup.

Headers are compared by :func:`header_key` in every ingest reader, so the
published spellings ``Financial_Year``, ``financial year`` and ``FINANCIAL
YEAR`` are one column, as are ``LSOA11CD`` and ``lsoa11cd``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from ..cells import cell_text
from ..errors import InputError
from ..inputs.guard import check_input_file

EXCEL = (".xlsx", ".xlsm", ".xls", ".ods")


def header_key(text) -> str:
    """A header as ingest compares it: case, spaces and underscores ignored ('Financial_Year' = 'financial year')."""
    return "".join(cell_text(text).lower().replace("_", " ").split())


def decode_utf8(raw: bytes, name: str) -> str:
    """UTF-8 text (BOM removed), or an error naming the line of the first bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise InputError(name, f"UTF-8 text (save it as 'CSV UTF-8'); byte 0x{raw[error.start]:02X} is not UTF-8",
                         row=line) from None


def read_rows(path: str | Path, sheet: str | None = None) -> list[list]:
    """Rows of cells, header first. Excel: ``sheet`` (case-insensitive) or the first sheet."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "an existing file")
    if path.suffix.lower() in EXCEL:
        from python_calamine import CalamineWorkbook

        check_input_file(path)  # never hand calamine an encrypted, oversized or bomb file
        try:
            book = CalamineWorkbook.from_path(str(path))
        except Exception as error:  # calamine raises its own types for corrupt files
            raise InputError(path.name, f"a readable workbook ({error})") from None
        names = book.sheet_names
        if sheet is not None:
            found = [n for n in names if n.strip().lower() == sheet.lower()]
            if not found:
                raise InputError(path.name, f"a sheet named '{sheet}'")
            names = found
        return book.get_sheet_by_name(names[0]).to_python(skip_empty_area=False)
    text = decode_utf8(path.read_bytes(), path.name)
    return [row for row in csv.reader(io.StringIO(text))]


def frame(rows: list[list], name: str, columns: dict[str, tuple[str, ...]], required: tuple[str, ...]) -> pd.DataFrame:
    """Rows -> a frame with one column per wanted name and ``_row`` (the file's line or sheet row).

    ``columns`` maps each canonical column to the headers accepted for it
    (matched by :func:`header_key`; the first found wins). Blank rows are dropped.
    """
    if not rows:
        raise InputError(name, "a header row", row=1)
    header = [header_key(h) for h in rows[0]]
    width = len(header)
    body = [list(r[:width]) + [None] * (width - len(r)) for r in rows[1:]]
    out = pd.DataFrame({"_row": np.arange(2, len(rows) + 1)})
    for key, accepted in columns.items():
        index = next((header.index(header_key(h)) for h in accepted if header_key(h) in header), None)
        if index is None:
            if key in required:
                raise InputError(name, f"a column headed '{accepted[0]}'", row=1, column=accepted[0])
            continue
        out[key] = pd.Series([r[index] for r in body], dtype=object)
    blank = np.ones(len(out), dtype=bool)
    for key in columns:
        if key in out:
            blank &= out[key].map(cell_text).to_numpy() == ""
    return out[~blank].reset_index(drop=True)
