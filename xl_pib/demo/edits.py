"""Single-cell edits of the demo: the leftovers each consistency check catches.

:mod:`xl_pib.checks` declares, with each check, one :class:`Edit` of the
Kettering demo that the check warns about: the cell an analyst adapting the
demo by hand might have left, or mistyped. The checks page of the
documentation prints the warning each edit gives, and the tests assert that
it names exactly that cell, so the examples cannot drift from the checks.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from ..cells import cell_text
from . import demo_sheets


@dataclass(frozen=True)
class Edit:
    """Type ``value`` in ``column`` of the first ``sheet`` row whose cells match ``row`` (header -> text).

    ``names`` is the cell the warning names when it is not the edited one: (row match, column).
    """

    sheet: str
    row: dict[str, str]
    column: str
    value: object
    describe: str
    names: tuple[dict[str, str], str] | None = field(default=None)


def _row_number(rows: list[list], match: dict[str, str], sheet: str) -> int:
    """The spreadsheet row (1-based) of the first row whose cells match."""
    header = [cell_text(h) for h in rows[0]]
    where = {header.index(h): v for h, v in match.items()}
    for number, row in enumerate(rows[1:], start=2):
        if all(cell_text(row[c] if c < len(row) else None) == v for c, v in where.items()):
            return number
    raise LookupError(f"no {sheet} row with {match}")


def apply(edit: Edit, sheets: dict[str, list[list]] | None = None) -> tuple[dict[str, list[list]], tuple[int, str]]:
    """The sheets (default: the demo's) with the edit made, and the cell its warning names: (row, column)."""
    sheets = copy.deepcopy(sheets if sheets is not None else demo_sheets())
    rows = sheets[edit.sheet]
    number = _row_number(rows, edit.row, edit.sheet)
    column = [cell_text(h) for h in rows[0]].index(edit.column)
    if edit.names is not None:  # located before the edit: the edit may change which row matches
        named = (_row_number(rows, edit.names[0], edit.sheet), edit.names[1])
    else:
        named = (number, edit.column)
    rows[number - 1][column] = edit.value
    return sheets, named


__all__ = ["Edit", "apply"]
