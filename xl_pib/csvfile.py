"""Every CSV file xl-pib writes, formula-safe: text that a spreadsheet would run as a formula stays text.

Excel and LibreOffice run a CSV cell starting with ``=`` (Excel also ``+``, ``-``, ``@``, and a
tab or carriage return before those) as a formula when the file is opened, so a crime type, an
area name or a file name that arrived from outside could run as one on an analyst's PC. Following
OWASP's CSV injection guidance (https://owasp.org/www-community/attacks/CSV_Injection), such a
text cell is written with a leading single quote, which both read as "this is text"; the csv
module's quoting keeps a separator or quote inside a cell from starting a new one. A number
stays a number: ``-5`` as an int or a float, and text that is nothing but a number, such as
"-5" or "1.5e-3", which neither program can read as a formula.

``defusedcsv`` does the same for a wrapped ``csv.writer`` but leaves a leading tab or carriage
return alone and rewrites ``|`` inside text, so xl-pib keeps its own few lines.

Standard library only: the batch parent, which never imports the engine, writes its report here.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

from .atomic import replacing

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def formula_safe(value):
    """A cell as it goes into a CSV file: formula-like text with a leading ``'``, anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_text(rows: Iterable[Iterable], **dialect) -> str:
    """Rows as CSV text, every cell formula-safe; ``None`` as an empty cell."""
    buffer = io.StringIO()
    csv.writer(buffer, **dialect).writerows(
        ["" if value is None else formula_safe(value) for value in row] for row in rows)
    return buffer.getvalue()


def write_csv(path: str | Path, rows: Iterable[Iterable], **dialect) -> Path:
    """A formula-safe CSV file (UTF-8), replaced whole or not at all (:func:`xl_pib.atomic.replacing`)."""
    text = csv_text(rows, **dialect)
    with replacing(path) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="")
    return Path(path)
