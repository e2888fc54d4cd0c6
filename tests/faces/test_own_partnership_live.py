"""A new partnership's live workbook, through Refresh alone (issue 13, "Done when": "the same works in the live
workbook through Refresh").

``xl-pib new --live`` makes the workbook from a counts file with MM/YYYY months; the analyst types the targets
into the open workbook (here: into the values xlwings' remote engine holds, as Excel would hand them over) and
clicks Refresh. The targets' dates change the layout, so Refresh builds the workbook of the new layout beside
the open one; opened and refreshed, it gives the figures computed here from the counts file alone.
"""

from __future__ import annotations

import csv
import math

import pytest

pytest.importorskip("xlwings")

import helpers  # noqa: E402  (puts tools/ on sys.path)
import own_partnership as walkthrough  # noqa: E402
from test_refresh_macro import make_payload, read_book, run, sheet_values  # noqa: E402
from xl_pib.cli import main  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def remote_engine():
    with helpers.remote_engine() as engine:
        yield engine


def twelve(values: list[int], last: int) -> int:
    return sum(values[last - 11:last + 1])


def test_a_new_live_workbook_refreshes_into_its_bulletin(tmp_path):
    counts, _ = walkthrough.write_counts(tmp_path)
    book = tmp_path / "Anytown PIB.xlsm"
    assert main(["new", walkthrough.PARTNERSHIP, "-o", str(book), "--from", str(counts), "--live"]) == 0

    open_book = make_payload(read_book(book), str(book))  # Excel gives the book's full path
    targets = sheet_values(open_book, "Targets")
    header = [str(h).strip() for h in targets[0]]
    for row in targets[1:]:
        typed = walkthrough.TYPED_TARGETS.get(row[header.index("Name")])
        if typed:
            for column, value in zip(("Target type", "Target amount", "Target date"), typed):
                row[header.index(column)] = value
    returned, actions = run(open_book)
    assert returned is False
    (status,) = actions
    rebuilt = tmp_path / "Anytown PIB (new layout).xlsm"
    assert str(rebuilt) in status["values"][0][0] and rebuilt.is_file()

    returned, actions = run(make_payload(read_book(rebuilt), str(rebuilt)))
    assert returned is True
    names = [name for name, _ in read_book(rebuilt)]
    (results,) = [a for a in actions if names[a["sheet_position"]] == "Results"]
    head, *rows = results["values"]
    got = {row[head.index("Name")]: row for row in rows}

    with open(counts, newline="", encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    series = {name: [int(r[name]) for r in table] for name in table[0] if name != "Month"}
    assert set(got) == set(series)
    for name, values in series.items():
        base, current = twelve(values, 11), twelve(values, len(values) - 1)
        row = got[name]
        assert (row[head.index("Baseline")], row[head.index("Current")]) == (base, current), name
        kind, amount, _ = walkthrough.TYPED_TARGETS.get(name, ("none", None, None))
        if kind == "reduction_pct":
            assert row[head.index("Target")] == base - math.ceil(base * amount - 1e-9), name
        elif kind == "level":
            assert row[head.index("Target")] == amount, name
