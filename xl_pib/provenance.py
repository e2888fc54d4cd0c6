"""Where a bulletin came from: the hash of its input sheets, and the version of xl-pib that built it.

The **input hash** identifies the inputs, not the file: the SHA-256 of the *canonical values* of the
input sheets' cells, i.e. every cell as the bulletin reads it (Settings, Targets, Outcomes, Data, MSG,
Breaks, after validation), so it changes with any input cell the bulletin reads and with nothing else.
Re-saving the workbook, reordering the parts of its zip, LibreOffice's round trip, sheet order,
formatting, column widths, notes, blank rows and every other sheet leave it as it was; so does the way a
month is typed (``2009-11``, a date cell, Excel's serial number: the same month). Canonical values:

- each sheet as its table (columns in the order of :data:`~xl_pib.inputs.schema.INPUT_SHEETS`, rows in
  the analyst's order, blank rows left out), and each setting by name;
- blanks are alike, a number is its value (``5`` and ``5.0`` alike; a float to the 15 significant digits
  a spreadsheet keeps), a month its month, text exactly as typed;
- Data rows after the Latest month are not read, so they do not count.

The hash is shown as ``sha256:`` and its first :data:`SHOWN` hex digits, on the Metadata page of every
bulletin and in the live workbook's Metadata, which every Refresh rewrites.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json

from . import __version__

SHOWN = 16
VERSION = __version__


def _canonical(value):
    """One value as the hash reads it (see the module docstring)."""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # a numpy scalar
        value = value.item()
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        number = float(value)
        if number != number:
            return None
        return int(number) if number.is_integer() and abs(number) < 2 ** 53 else float(f"{number:.15g}")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return str(value)


def _table(frame) -> list:
    """A parsed sheet: its columns (the private ones, such as row numbers, left out) and rows of values."""
    columns = [c for c in frame.columns if not str(c).startswith("_")]
    values = frame[columns].astype(object).to_numpy().tolist()
    # One pass over the input values per build (a few thousand: about 10 ms for the demo).
    return [columns, [[_canonical(v) for v in row] for row in values]]


def input_hash(inputs) -> str:
    """"sha256:<first SHOWN hex digits>" of the canonical values of an :class:`~xl_pib.model.Inputs`."""
    settings = {f.name: _canonical(getattr(inputs.settings, f.name)) for f in dataclasses.fields(inputs.settings)}
    canonical = {"Settings": settings, **{name: _table(getattr(inputs, name))
                                          for name in ("targets", "outcomes", "data", "msg", "breaks")}}
    digest = hashlib.sha256(json.dumps(canonical, ensure_ascii=False, separators=(",", ":")).encode())
    return f"sha256:{digest.hexdigest()[:SHOWN]}"


__all__ = ["input_hash", "VERSION", "SHOWN"]
