"""Errors that reach analysts: short, and naming where the problem is."""

from __future__ import annotations


class PibError(Exception):
    """Base class for every error xl-pib reports to a user."""


class UsageError(PibError):
    """A command-line combination or server setting that cannot work (exit status 2).

    The CLI, batch, ingest and serve all raise this one class; it is reported
    like argparse's own errors, as ``xl-pib: <message>``.
    """


class OptionError(PibError, ValueError):
    """An argument of a measure is outside the values it accepts."""


class InputError(PibError):
    """A problem in an input workbook, located by sheet, row and column.

    ``row`` is the spreadsheet row number (headers are row 1), so the analyst
    can go straight to the cell.
    """

    def __init__(self, sheet: str, expected: str, *, row: int | None = None,
                 column: str | None = None, got: object = None):
        self.sheet, self.row, self.column = sheet, row, column
        self.expected, self.got = expected, got
        where = sheet
        if row is not None:
            where += f" row {row}"
        if column is not None:
            where += f", column '{column}'" if row is not None else f" column '{column}'"
        message = f"{where}: expected {expected}"
        if got is not None:
            message += f"; got {got!r}"
        super().__init__(message)


def one_line(error: BaseException) -> str:
    """An error as every face reports it after 'xl-pib: ': our own errors as they read, anything else
    named as unexpected; always one line."""
    text = str(error) if isinstance(error, PibError) else f"unexpected error: {type(error).__name__}: {error}"
    return " ".join(text.split())
