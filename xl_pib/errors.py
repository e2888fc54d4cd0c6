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


def cell_place(sheet: str, row: int | None = None, column: str | None = None) -> str:
    """Where a cell is, as every message naming one says it: "Targets row 18, column 'Target value'"."""
    where = sheet
    if row is not None:
        where += f" row {row}"
    if column is not None:
        where += f", column '{column}'" if row is not None else f" column '{column}'"
    return where


class InputError(PibError):
    """A problem in an input workbook, located by sheet, row and column.

    ``row`` is the spreadsheet row number (headers are row 1), so the analyst
    can go straight to the cell.
    """

    def __init__(self, sheet: str, expected: str, *, row: int | None = None,
                 column: str | None = None, got: object = None):
        self.sheet, self.row, self.column = sheet, row, column
        self.expected, self.got = expected, got
        message = f"{cell_place(sheet, row, column)}: expected {expected}"
        if got is not None:
            message += f"; got {got!r}"
        super().__init__(message)


class StrictRefusal(InputError):
    """``--strict``: the inputs gave warnings, and a strict run turns each into an error (exit status 2), so
    nothing is written. ``warnings`` are the lines a run without ``--strict`` would have printed."""

    def __init__(self, warnings, what: str = "nothing was written"):
        self.warnings = tuple(warnings)
        self.sheet, self.row, self.column, self.expected, self.got = None, None, None, None, None
        count = len(self.warnings)
        self.summary = f"{count} warning{'s' if count != 1 else ''} and --strict, so {what}"
        PibError.__init__(self, f"{self.summary}: " + " | ".join(self.warnings))


def one_line(error: BaseException) -> str:
    """An error as every face reports it after 'xl-pib: ': our own errors as they read, anything else
    named as unexpected; always one line."""
    text = str(error) if isinstance(error, PibError) else f"unexpected error: {type(error).__name__}: {error}"
    return " ".join(text.split())
