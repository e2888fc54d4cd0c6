"""Calendar-month arithmetic.

A month is held as one integer, ``year * 12 + (month - 1)``, so that "months
from the end of the baseline period to the month being assessed" (m) and "to
the target date" (N) are plain subtractions and vectorise over arrays.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

import numpy as np

# The one month grammar of every face: Settings, Targets, Data, counts files and =PIB_ arguments.
ACCEPTED = "YYYY-MM, MM/YYYY, Mar-10, Mar 2010, March 2010, 2010-03-01 or a date"
_ISO = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2})(?:[T ][0-9:.]+)?)?$")
_MM_YYYY = re.compile(r"^(\d{1,2})\s*/\s*(\d{4})$")
_DD_MM_YYYY = re.compile(r"^(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})$")  # UK dates, as Excel writes them in CSV
_NAME_YEAR = re.compile(r"^([A-Za-z]{3,9})\.?[\s\-/']*(\d{2}|\d{4})$")
_NAMES = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_EXCEL_EPOCH = dt.date(1899, 12, 30)


class NotAMonth(ValueError):
    """Raised by :func:`parse`; the message echoes the value and lists the accepted forms.

    ``expected`` completes "expected ..." in an input error naming the cell.
    """

    def __init__(self, message: str, expected: str):
        super().__init__(message)
        self.expected = expected


def from_year_month(year: int, month: int) -> int:
    return year * 12 + (month - 1)


# Months outside these years are typing mistakes (Excel's own dates start in 1900), and a month
# axis running to them would be thousands of years long.
FIRST, LAST = from_year_month(1900, 1), from_year_month(2199, 12)
RANGE = "between 1900-01 and 2199-12"


def _not_a_month(value) -> NotAMonth:
    return NotAMonth(f"{value!r} is not a month: write it as {ACCEPTED}", f"a month ({ACCEPTED})")


def _from_text(text: str) -> int | None:
    match = _ISO.match(text)
    if match and 1 <= int(match.group(2)) <= 12:
        return from_year_month(int(match.group(1)), int(match.group(2)))
    for pattern, year_group, month_group in ((_MM_YYYY, 2, 1), (_DD_MM_YYYY, 3, 2)):
        match = pattern.match(text)
        if match and 1 <= int(match.group(month_group)) <= 12:
            return from_year_month(int(match.group(year_group)), int(match.group(month_group)))
    match = _NAME_YEAR.match(text)
    if match:
        word = match.group(1).lower()
        number = next((n for name, n in _NAMES.items() if name.startswith(word)), None)  # Apr, Sept, April
        if number is not None:
            year = int(match.group(2))
            if len(match.group(2)) == 2:  # Mar-10 is March 2010, Apr-97 April 1997
                year += 2000 if year < 70 else 1900
            return from_year_month(year, number)
    return None


def _parse(value) -> int:
    if isinstance(value, (dt.date, dt.datetime)):
        return from_year_month(value.year, value.month)
    if isinstance(value, np.datetime64):
        return _parse(value.astype("datetime64[D]").item())
    if hasattr(value, "year") and hasattr(value, "month"):  # pandas.Timestamp
        return from_year_month(int(value.year), int(value.month))
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        # Excel stores dates as day serials; a cell that lost its date format arrives so.
        if value == value and 367 <= value < 2958466:
            return _parse(_EXCEL_EPOCH + dt.timedelta(days=int(value)))
        raise _not_a_month(value)
    if isinstance(value, str):
        found = _from_text(value.strip())
        if found is not None:
            return found
    raise _not_a_month(value)


def parse(value) -> int:
    """Read a month from a cell in any of the :data:`ACCEPTED` forms, or an Excel date serial.

    Months outside 1900-01 .. 2199-12 are refused as typing mistakes.
    """
    month = _parse(value)
    if not FIRST <= month <= LAST:
        raise NotAMonth(f"{value!r} is not a month {RANGE}", f"a month {RANGE}")
    return month


def to_date(month) -> dt.date:
    """First day of the month, for writing real dates into Excel."""
    year, index = divmod(int(month), 12)
    return dt.date(year, index + 1, 1)


def label(month) -> str:
    """'Nov 2009', as the bulletin writes months."""
    return to_date(month).strftime("%b %Y")


_ABBREVIATIONS = np.array(list(calendar.month_abbr)[1:], dtype=object)


def labels(values) -> np.ndarray:
    """:func:`label` of many months at once ("" for NaN)."""
    m = np.asarray(values, dtype=float)
    known = ~np.isnan(m)
    whole = np.where(known, m, 0).astype("int64")
    text = _ABBREVIATIONS[whole % 12] + " " + np.char.mod("%d", whole // 12).astype(object)
    return np.where(known, text, "").astype(object)


def iso(month) -> str:
    """'2009-11', the input format."""
    year, index = divmod(int(month), 12)
    return f"{year:04d}-{index + 1:02d}"


def isos(values) -> np.ndarray:
    """:func:`iso` of many months at once."""
    m = np.asarray(values, dtype="int64")
    return np.char.add(np.char.add(np.char.mod("%04d", m // 12), "-"), np.char.mod("%02d", m % 12 + 1)).astype(object)


def between(start, end):
    """Whole months from ``start`` to ``end`` (vectorised); negative if ``end`` is earlier."""
    return np.asarray(end) - np.asarray(start)


def axis(first: int, last: int) -> np.ndarray:
    """Every month from ``first`` to ``last`` inclusive."""
    return np.arange(first, last + 1)


def to_serials(months) -> np.ndarray:
    """Excel's day serials of the first days of the months (what date cells hold); NaN stays NaN."""
    m = np.asarray(months, dtype=float)
    known = ~np.isnan(m)
    first_days = (np.datetime64("0000-01", "M") + np.where(known, m, 0).astype("int64")).astype("datetime64[D]")
    days = (first_days - np.datetime64(_EXCEL_EPOCH, "D")).astype(float)
    return np.where(known, days, np.nan)


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or \
        (isinstance(value, float) and value != value)


def parse_many(values) -> np.ndarray:
    """Months of many cells at once (float array, NaN for blank cells).

    Each distinct cell value is parsed once (pandas.factorize hashes the
    column in C), so a Data column of 50,000 rows with 48 distinct months
    costs 48 parses. Raises :class:`NotAMonth` for the first cell that is not
    a month, with its position in ``.index``.
    """
    import pandas as pd

    flat = np.asarray(values, dtype=object).ravel()
    codes, uniques = pd.factorize(flat, use_na_sentinel=True)
    parsed = np.full(len(uniques) + 1, np.nan)  # last slot: the NA sentinel (-1)
    for code, value in enumerate(uniques):
        if _is_blank(value):
            continue
        try:
            parsed[code] = parse(value)
        except NotAMonth as error:
            error.index = int(np.flatnonzero(codes == code)[0])
            raise
    return parsed[codes].reshape(np.shape(values))
