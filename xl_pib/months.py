"""Calendar-month arithmetic.

A month is held as one integer, ``year * 12 + (month - 1)``, so that "months
from the end of the baseline period to the month being assessed" (m) and "to
the target date" (N) are plain subtractions and vectorise over arrays.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2})(?:[T ][0-9:.]+)?)?\s*$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


class NotAMonth(ValueError):
    """Raised by :func:`parse` with a message saying what a month looks like."""


def from_year_month(year: int, month: int) -> int:
    return year * 12 + (month - 1)


def parse(value) -> int:
    """Read a month from a cell: ``YYYY-MM``, an ISO date, a date, or an Excel date serial."""
    if isinstance(value, (dt.date, dt.datetime)):
        return from_year_month(value.year, value.month)
    if isinstance(value, np.datetime64):
        return parse(value.astype("datetime64[D]").item())
    if hasattr(value, "year") and hasattr(value, "month"):  # pandas.Timestamp
        return from_year_month(int(value.year), int(value.month))
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        # Excel stores dates as day serials; a cell that lost its date format arrives so.
        if value == value and 367 <= value < 2958466:
            return parse(_EXCEL_EPOCH + dt.timedelta(days=int(value)))
        raise NotAMonth(f"not a month: {value!r}")
    if isinstance(value, str):
        match = _ISO.match(value)
        if match and 1 <= int(match.group(2)) <= 12:
            return from_year_month(int(match.group(1)), int(match.group(2)))
    raise NotAMonth(f"not a month: {value!r}")


def to_date(month) -> dt.date:
    """First day of the month, for writing real dates into Excel."""
    year, index = divmod(int(month), 12)
    return dt.date(year, index + 1, 1)


def label(month) -> str:
    """'Nov 2009', as the bulletin writes months."""
    return to_date(month).strftime("%b %Y")


def iso(month) -> str:
    """'2009-11', the input format."""
    year, index = divmod(int(month), 12)
    return f"{year:04d}-{index + 1:02d}"


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
