"""The input hash (xl_pib/provenance.py): the canonical values of the input sheets' cells as the bulletin reads
them, so it changes with any input cell and with nothing else. Files (re-save, LibreOffice) are in
tests/faces/test_provenance_files.py."""

from __future__ import annotations

import copy
import datetime as dt

from xl_pib import months
from xl_pib.inputs import parse_sheets
from xl_pib.provenance import SHOWN, input_hash


def hashed(sheets) -> str:
    return input_hash(parse_sheets(sheets))


def test_the_hash_is_shown_as_sha256_and_its_first_digits(demo_sheets):
    shown = hashed(demo_sheets)
    assert shown.startswith("sha256:") and len(shown) == len("sha256:") + SHOWN
    int(shown.split(":")[1], 16)


def test_any_input_cell_changes_it(demo_sheets):
    before = hashed(demo_sheets)
    for sheet, row, col, value in (("Data", 5, 2, 1234), ("Targets", 1, 1, "Renamed"), ("Settings", 1, 1, "Corby"),
                                   ("Outcomes", 2, 5, "G"), ("MSG", 3, 2, 1), ("Targets", 3, 21, "a new note")):
        changed = copy.deepcopy(demo_sheets)
        changed[sheet][row][col] = value
        assert hashed(changed) != before, (sheet, row, col, value)


def test_blanks_number_types_month_forms_names_and_other_sheets_do_not(demo_sheets):
    before = hashed(demo_sheets)
    same = {name.upper() + " ": [list(r) for r in rows] for name, rows in reversed(list(demo_sheets.items()))}
    data = same["DATA "]
    for row in data[1:]:
        month = months.parse(row[0])
        row[0] = dt.datetime(month // 12, month % 12 + 1, 1)  # a date cell instead of "2009-11"
        row[2] = float(row[2]) if isinstance(row[2], int) else row[2]  # 5 and 5.0
    data.insert(3, [None] * len(data[0]))  # a blank row
    same["Notes"] = [["an analyst's own sheet"]]
    same["Breaks"] = [["Indicator", "Month", "Reason"]]  # headers only: no breaks
    assert hashed(same) == before
