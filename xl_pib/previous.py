"""The previous bulletin, read back from its workbook for ``--previous`` (``xl-pib build`` and ``batch``).

Any bulletin xl-pib wrote will do:

- a static bulletin (``xl-pib build``'s .xlsx): its Results sheet is what it published, its copies of the
  input sheets give its data and its outcomes (their RAGs are the outcome rule over its published
  indicator RAGs, with its overrides);
- a live workbook: the record its refreshes keep (:mod:`xl_pib.bulletin.record`), the last refresh of a
  month before the one being built; a live workbook made before records existed is read like a static one.

Everything is read with python-calamine. A file that is not a readable bulletin, or is another area's,
is a one-line :class:`~xl_pib.errors.InputError` naming the file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError, PibError, one_line
from .movement import Snapshot

_RESULTS = "Results"


def _sheets(path: Path) -> dict[str, list[list]]:
    from python_calamine import CalamineWorkbook

    from .inputs.guard import check_input_file

    if not path.is_file():
        raise InputError(str(path), "an earlier bulletin (.xlsx or .xlsm) for --previous")
    check_input_file(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}
    except Exception as error:  # calamine's own error types for a damaged file
        raise InputError(path.name, f"a readable bulletin workbook ({one_line(error)})") from None


def _results(path: Path, grid: list[list]) -> pd.DataFrame:
    if not grid or not grid[0] or str(grid[0][0]).strip() != "Indicator":
        raise InputError(f"{path.name} sheet '{_RESULTS}'", "a Results sheet as xl-pib writes it (Indicator in A1)")
    header = [str(h) for h in grid[0] if h not in (None, "")]
    body = [list(row[:len(header)]) for row in grid[1:] if row and row[0] not in (None, "")]
    return pd.DataFrame(body, columns=header).replace("", None)


def _static(path: Path, sheets: dict[str, list[list]]) -> Snapshot:
    from .inputs import parse_sheets
    from .inputs.schema import INPUT_SHEETS
    from .outcomes import assess_outcomes

    found = {name.strip().lower(): name for name in sheets}
    if _RESULTS.lower() not in found:
        raise InputError(path.name, "a bulletin with a Results sheet (the output of xl-pib build, or a live workbook)")
    results = _results(path, sheets[found[_RESULTS.lower()]])
    wanted = {sheet.name.lower() for sheet in INPUT_SHEETS}
    try:
        inputs = parse_sheets({name: rows for name, rows in sheets.items() if name.strip().lower() in wanted})
    except PibError as error:
        raise InputError(path.name, f"a bulletin whose copies of the input sheets can be read ({one_line(error)})") \
            from None
    ids = inputs.targets["indicator"].astype(str)
    aligned = results.set_index(results.columns[0], drop=False).reindex(ids)
    aligned.index = range(len(aligned))
    outcomes = assess_outcomes(inputs, aligned.fillna({aligned.columns[0]: ""}), np.full(len(ids), "", dtype=object))
    data = inputs.data[["indicator", "month", "value", "denominator"]].reset_index(drop=True)
    return Snapshot(inputs.settings.partnership, int(inputs.settings.latest_month), results,
                    outcomes[["outcome", "rag"]], data, path.name)


def read_previous(path: str | Path, partnership: str, latest_month: int) -> Snapshot:
    """The bulletin ``path`` published, to compare a bulletin of ``partnership`` for ``latest_month`` with."""
    from .bulletin import record

    path = Path(path)
    sheets = _sheets(path)
    if record.LAST_REFRESH in sheets:
        snapshot = record.compared_with(record.read(sheets[record.LAST_REFRESH], path.name),
                                        record.read(sheets.get(record.PREVIOUS), path.name), latest_month)
        if snapshot is None:
            raise InputError(path.name, "a live workbook refreshed for an earlier month (it has no earlier refresh "
                                        "to compare with yet)")
    else:
        snapshot = _static(path, sheets)
    if snapshot.partnership.strip().lower() != partnership.strip().lower():
        raise InputError(path.name, f"an earlier bulletin for {partnership}", got=snapshot.partnership)
    return snapshot
