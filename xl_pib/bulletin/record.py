"""What a live workbook remembers of its refreshes, so that it can say what moved since the last bulletin.

A live workbook's Data sheet is edited in place, so after the analyst pastes a new month nothing in it
says what the last bulletin showed. Every refresh therefore writes a *record* of what it published into a
hidden sheet, and keeps the record of the last refresh of an earlier month:

- ``Last Refresh``: the latest refresh: its partnership, Latest month, Results, outcome RAGs and Data;
- ``Previous Results``: the record of the last refresh whose Latest month was earlier than the latest
  one's: the bulletin "Since last month" compares with. A refresh for a new month moves ``Last Refresh``
  here first; refreshing again within the month keeps it, so the comparison stays with last month.

A record is one block of values from A1: a few labelled cells, then the Results, Outcomes and Data
tables, each under its title, and an ``End`` row; rows below it are padding a shorter record left.
"""

from __future__ import annotations

import pandas as pd

from .. import months
from ..movement import Snapshot

LAST_REFRESH, PREVIOUS = "Last Refresh", "Previous Results"
SHEETS = (LAST_REFRESH, PREVIOUS)
MARK = "xl-pib record"
_RESULTS, _OUTCOMES, _DATA, _END = "Results", "Outcomes", "Data", "End"
_OUTCOME_COLUMNS = ("Outcome", "RAG")
_DATA_COLUMNS = ("Month", "Indicator", "Value", "Denominator")


def _cell(value):
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def rows(snapshot: Snapshot) -> list[list]:
    """The record of ``snapshot`` as rows of plain values."""
    results = snapshot.results
    grid = [[MARK, 1], ["Partnership", snapshot.partnership], ["Latest month", months.iso(snapshot.latest_month)], [],
            [_RESULTS], list(results.columns)]
    grid += [[_cell(v) for v in row] for row in results.astype(object).itertuples(index=False)]
    grid += [[], [_OUTCOMES], list(_OUTCOME_COLUMNS)]
    grid += [[str(o), _cell(r)] for o, r in zip(snapshot.outcomes["outcome"], snapshot.outcomes["rag"])]
    data = snapshot.data
    grid += [[], [_DATA], list(_DATA_COLUMNS)]
    grid += [[months.iso(m), i, _cell(v), _cell(d)]
             for m, i, v, d in zip(data["month"], data["indicator"], data["value"], data["denominator"])]
    grid += [[], [_END]]
    return grid


def padded(grid: list[list], height: int = 0, width: int = 0) -> list[list]:
    """A rectangular block at least ``height`` × ``width`` (blanks over whatever a longer record left)."""
    wide = max([width, *map(len, grid)])
    return [list(row) + [None] * (wide - len(row)) for row in grid] + \
        [[None] * wide for _ in range(max(0, height - len(grid)))]


def _table(lines: list[list], title: str) -> pd.DataFrame:
    start = next(i for i, row in enumerate(lines) if row and row[0] == title) + 1
    header = [str(h) for h in lines[start] if h not in (None, "")]
    body = []
    for row in lines[start + 1:]:
        if not row or all(v in (None, "") for v in row):
            break
        body.append(list(row[:len(header)]) + [None] * (len(header) - len(row)))
    return pd.DataFrame(body, columns=header)


def read(grid, source: str = "") -> Snapshot | None:
    """The Snapshot a record sheet holds, or None when it holds none (a blank sheet, or no record yet)."""
    lines = [list(row) for row in (grid or [])]
    if not lines or not lines[0] or lines[0][0] != MARK:
        return None
    labels = {str(row[0]): row[1] for row in lines[1:4] if len(row) > 1}
    data = _table(lines, _DATA)
    data = pd.DataFrame({"indicator": data["Indicator"].astype(str),
                         "month": [months.parse(m) for m in data["Month"]],
                         "value": pd.to_numeric(data["Value"].replace("", None), errors="coerce"),
                         "denominator": pd.to_numeric(data["Denominator"].replace("", None), errors="coerce")})
    outcomes = _table(lines, _OUTCOMES).rename(columns={"Outcome": "outcome", "RAG": "rag"})
    results = _table(lines, _RESULTS).replace("", None)
    return Snapshot(str(labels["Partnership"]), months.parse(labels["Latest month"]), results,
                    outcomes.astype({"outcome": str}), data, source)


def compared_with(last: Snapshot | None, previous: Snapshot | None, latest_month: int) -> Snapshot | None:
    """The bulletin a refresh for ``latest_month`` compares with: the last refresh if it was for an earlier
    month, otherwise the record kept from before it."""
    if last is not None and last.latest_month < latest_month:
        return last
    return previous
