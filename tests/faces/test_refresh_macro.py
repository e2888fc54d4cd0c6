"""Macro level: the Refresh button's Python side run through xlwings' own object model.

Issue 4, "Tests required - Macro level". The book is xlwings' remote engine
(``xw.Book(json=payload)``, free under PolyForm Noncommercial with
``XLWINGS_LICENSE_KEY=noncommercial``): the payload is what the xlwings client
sends for the live template, every sheet's values as rows, dates as ISO strings.
``pib_macros.refresh()`` is called with no argument, so it finds the book through
``xw.Book.caller()`` (``set_mock_caller``), exactly as the button's
``RunPython "import pib_macros; pib_macros.main()"`` does in Excel. The
actions the book returns are what Excel would apply.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import time

import pytest

xw = pytest.importorskip("xlwings")

import helpers  # noqa: E402
import pib_bulletin  # noqa: E402
import pib_macros  # noqa: E402
from xl_pib import months  # noqa: E402
from xl_pib.assess import RESULTS_COLUMNS  # noqa: E402
from xl_pib.bulletin import refresh as ranges  # noqa: E402
from xl_pib.bulletin import summary  # noqa: E402
from xl_pib.inputs.schema import INPUT_SHEETS  # noqa: E402

INPUT_NAMES = {s.name for s in INPUT_SHEETS}  # Settings, Targets, Outcomes, Data, MSG
EXCEL_EPOCH = dt.date(1899, 12, 30)
LICENSE = ("XLWINGS_LICENSE_KEY", "noncommercial")

# Month columns of the input sheets: where Excel holds a date when an analyst types 2009-10.
MONTH_COLUMNS = {"Data": ("Month",), "Targets": ("Baseline end", "Target date")}


# --- the payload the xlwings client sends -------------------------------------------------------


def iso(value) -> str:
    """A date as the xlwings client sends it: 2009-10-01T00:00:00.000Z."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def serial(value) -> float:
    """A date as Excel stores it: days since 1899-12-30 (a cell that lost its date format)."""
    day = dt.date(value.year, value.month, value.day)
    seconds = value.hour * 3600 + value.minute * 60 + value.second if isinstance(value, dt.datetime) else 0
    return float((day - EXCEL_EPOCH).days) + seconds / 86400


def encode(value, dates: str):
    if isinstance(value, (dt.date, dt.datetime)):
        return iso(value) if dates == "iso" else serial(value)
    if isinstance(value, dt.time):
        return value.isoformat()
    return "" if value is None else value


def read_book(path) -> list[tuple[str, list[list]]]:
    """Every sheet's cells with python-calamine, in workbook order."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return [(name, book.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in book.sheet_names]


def make_payload(sheets: list[tuple[str, list[list]]], name: str, dates: str = "iso") -> dict:
    out = []
    for sheet, rows in sheets:
        width = max((len(r) for r in rows), default=0)
        values = [[encode(v, dates) for v in row] + [""] * (width - len(row)) for row in rows]
        out.append({"name": sheet, "values": values or [[]], "pictures": [], "tables": []})
    return {"client": "Office.js", "version": xw.__version__,
            "book": {"name": name, "active_sheet_index": 0, "selection": "A1"},
            "names": [], "sheets": out}


def sheet_values(payload, name: str) -> list[list]:
    return next(s["values"] for s in payload["sheets"] if s["name"] == name)


def column_index(payload, sheet: str, header: str) -> int:
    return [str(h).strip().lower() for h in sheet_values(payload, sheet)[0]].index(header.lower())


def run(payload, entry=pib_macros.refresh):
    """Open the payload as an xlwings book, make it the caller, click Refresh; (returned, actions)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(*LICENSE)
        book = xw.Book(json=copy.deepcopy(payload))
        book.set_mock_caller()
        returned = entry()
        return returned, book.json()["actions"]


# --- what the actions should be -----------------------------------------------------------------


def excel_cell(value):
    """A written value as the remote engine sends it to Excel: None -> "", dates as ISO dates."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def expected_actions(planned, names: list[str]) -> list[dict]:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    out = []
    for w in planned:
        letter, row = coordinate_from_string(w.cell)
        out.append({
            "func": "setValues", "sheet_position": names.index(w.sheet),
            "start_row": row - 1, "start_column": column_index_from_string(letter) - 1,
            "row_count": len(w.values), "column_count": len(w.values[0]),
            "values": [[excel_cell(v) for v in row] for row in w.values],
        })
    return out


def comparable(actions) -> list[dict]:
    keys = ("func", "sheet_position", "start_row", "start_column", "row_count", "column_count", "values")
    return [{k: a.get(k) for k in keys} for a in actions]


def written_cells(action) -> set[tuple[int, int]]:
    """(row, column), 1-based, of every cell an action writes."""
    top, left = action["start_row"] + 1, action["start_column"] + 1
    return {(top + r, left + c) for r, row in enumerate(action["values"]) for c in range(len(row))}


def status_only(actions, names) -> str:
    """The one action of a refresh that stopped: the status cell. Returns its message."""
    assert len(actions) == 1, f"a stopped refresh wrote {len(actions)} ranges: {comparable(actions)[:3]}"
    (action,) = actions
    sheet, cell = ranges.STATUS
    assert (names[action["sheet_position"]], action["start_row"], action["start_column"]) == (sheet, 4, 4)
    assert cell == "E5" and action["func"] == "setValues"
    assert action["row_count"] == action["column_count"] == 1
    message = action["values"][0][0]
    assert isinstance(message, str) and message.startswith("Refresh stopped, nothing was changed")
    return message


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def remote_engine():
    with helpers.remote_engine() as engine:
        yield engine


@pytest.fixture(scope="module")
def template_sheets(demo_template):
    return read_book(demo_template)


@pytest.fixture(scope="module")
def payload(template_sheets, demo_template):
    return make_payload(template_sheets, demo_template.name)


@pytest.fixture(scope="module")
def names(payload) -> list[str]:
    return [s["name"] for s in payload["sheets"]]


@pytest.fixture(scope="module")
def refreshed(payload):
    started = time.perf_counter()
    returned, actions = run(payload)
    print(f"\nrefresh through the remote engine: {time.perf_counter() - started:.3f}s, {len(actions)} actions")
    return returned, actions


@pytest.fixture(scope="module")
def expected(demo_assessment, names):
    return expected_actions(ranges.writes(demo_assessment), names)


# --- a refresh writes what the engine computes ----------------------------------------------------


def test_refresh_succeeds_with_status(refreshed, names):
    returned, actions = refreshed
    assert returned is True
    sheet, cell = ranges.STATUS
    status = [a for a in actions
              if names[a["sheet_position"]] == sheet and (a["start_row"], a["start_column"]) == (4, 4)]
    assert len(status) == 1
    assert status[0]["values"][0][0].startswith("Refreshed from the input sheets: 28 indicators")


def test_actions_are_the_planned_writes(refreshed, expected):
    _, actions = refreshed
    assert all(a["func"] == "setValues" for a in actions)
    assert comparable(actions) == expected


def test_results_sheet_equals_the_engine(refreshed, names, demo_assessment):
    _, actions = refreshed
    (action,) = [a for a in actions if names[a["sheet_position"]] == "Results"]
    assert (action["start_row"], action["start_column"]) == (0, 0)
    header, *rows = action["values"]
    assert header == list(RESULTS_COLUMNS)
    frame = demo_assessment.results
    assert len(rows) == len(frame) == 28
    for row, (_, engine) in zip(rows, frame.iterrows()):
        for column, got in zip(RESULTS_COLUMNS, row):
            want = engine[column]
            if isinstance(want, str):
                assert got == want, (engine["Indicator"], column)
            else:
                assert math.isclose(got, float(want), rel_tol=1e-12), (engine["Indicator"], column, got, want)


def test_summary_equals_the_engine(refreshed, names, demo_assessment):
    _, actions = refreshed
    (action,) = [a for a in actions if names[a["sheet_position"]] == summary.SHEET and a["start_row"] == 0]
    rows = {row[0]: row for row in action["values"]}
    outcomes = demo_assessment.outcomes
    assert len(outcomes) == 20
    rags = []
    for _, o in outcomes.iterrows():
        label = f"{o['outcome']}: {o['description']}" if o["description"] else o["outcome"]
        assert rows[label][1:] == [o["summary"] or "", o["rag"] or ""], label
        rags.append(rows[label][2])
    assert {"R", "A", "G"} <= set(rags), rags


def test_nothing_written_to_input_sheets(refreshed, names, demo_assessment):
    _, actions = refreshed
    written = {names[a["sheet_position"]] for a in actions}
    assert not written & INPUT_NAMES, f"refresh wrote to input sheets {written & INPUT_NAMES}"
    assert "xlwings.conf" not in written
    sections = set(demo_assessment.inputs.targets["section"])
    # Workings: only its Checks list (the consistency checks' findings); its figures are live formulas.
    assert written == {"Results", "Executive Summary", "Chart Data", "Series", "Workings", "Appendices", "Metadata",
                       *sections}


def test_overrides_are_kept_and_never_written(payload, names):
    """An analyst's RAG override and Summary override show on the Executive Summary; Outcomes is not touched."""
    changed = copy.deepcopy(payload)
    outcomes = sheet_values(changed, "Outcomes")
    rag_col = column_index(changed, "Outcomes", "RAG override")
    text_col = column_index(changed, "Outcomes", "Summary override")
    outcome = outcomes[3]
    outcome[rag_col], outcome[text_col] = "G", "Overridden by the analyst."
    returned, actions = run(changed)
    assert returned is True
    assert not {names[a["sheet_position"]] for a in actions} & INPUT_NAMES
    (action,) = [a for a in actions if names[a["sheet_position"]] == summary.SHEET and a["start_row"] == 0]
    rows = [row for row in action["values"] if str(row[0]).startswith(f"{outcome[1]}:") or row[0] == outcome[1]]
    assert rows and rows[0][1:] == ["Overridden by the analyst.", "G"]


def test_refresh_never_overwrites_a_formula_or_part_of_a_merged_range(refreshed, names, demo_template):
    """The live =PIB_ cells stay formulas; values go only to whole cells, never inside a merged range."""
    import openpyxl
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet.formula import ArrayFormula

    wb = openpyxl.load_workbook(demo_template)
    _, actions = refreshed
    clashes = []
    for action in actions:
        ws = wb[names[action["sheet_position"]]]
        cells = written_cells(action)
        for r, c in cells:
            value = ws.cell(r, c).value
            if isinstance(value, ArrayFormula) or (isinstance(value, str) and value.startswith("=")):
                clashes.append(f"{ws.title}!{ws.cell(r, c).coordinate} holds a formula")
        for merged in ws.merged_cells.ranges:
            left, top, right, bottom = range_boundaries(merged.coord)
            inside = {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)}
            if cells & inside - {(top, left)}:
                clashes.append(f"{ws.title}: a write covers part of the merged range {merged.coord}")
    # Array formulas (the Series blocks) cover their whole range.
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, ArrayFormula):
                    left, top, right, bottom = range_boundaries(cell.value.ref)
                    block = {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)}
                    for action in actions:
                        if names[action["sheet_position"]] == ws.title and written_cells(action) & block:
                            clashes.append(f"{ws.title}: a write covers the array formula {cell.value.ref}")
    assert not clashes, "\n".join(clashes[:20])


def test_second_refresh_gives_identical_actions(payload, refreshed):
    returned, again = run(payload)
    assert returned is True
    assert comparable(again) == comparable(refreshed[1])


def test_the_buttons_entry_point_runs_the_same_refresh(payload, refreshed):
    """The button runs ``import pib_macros; pib_macros.main()``; workbooks made before it ran
    ``import pib_bulletin; pib_bulletin.main()`` (xlwings' SampleCall, named after the workbook)."""
    for entry in (pib_macros.main, pib_bulletin.main):
        _, actions = run(payload, entry=entry)
        assert comparable(actions) == comparable(refreshed[1]), entry.__module__


# --- dates as the client may send them ------------------------------------------------------------


def test_dates_as_serial_numbers_give_the_same_actions(template_sheets, demo_template, refreshed):
    assert any(isinstance(v, dt.date) for _, rows in template_sheets for row in rows for v in row), \
        "the template holds no date cell: this test would prove nothing"
    returned, actions = run(make_payload(template_sheets, demo_template.name, dates="serial"))
    assert returned is True
    assert comparable(actions) == comparable(refreshed[1])


def _months_as_dates(template_sheets) -> list[tuple[str, list[list]]]:
    """The input sheets as Excel holds them when an analyst types 2009-10: real dates in every month cell."""
    out = []
    for name, rows in template_sheets:
        rows = [list(r) for r in rows]
        header = [str(h).strip().lower() for h in rows[0]] if rows else []
        columns = [header.index(h.lower()) for h in MONTH_COLUMNS.get(name, ()) if h.lower() in header]
        for row in rows[1:]:
            if name == "Settings" and str(row[0]).strip().lower() == "latest month":
                row[1] = months.to_date(months.parse(row[1]))
            for c in columns:
                if row[c] not in ("", None):
                    row[c] = months.to_date(months.parse(row[c]))
        out.append((name, rows))
    return out


@pytest.mark.parametrize("dates", ["iso", "serial"])
def test_month_cells_holding_dates_give_the_same_actions(template_sheets, demo_template, refreshed, dates):
    sheets = _months_as_dates(template_sheets)
    data = dict(sheets)["Data"]
    assert isinstance(data[1][0], dt.date)
    returned, actions = run(make_payload(sheets, demo_template.name, dates=dates))
    assert returned is True, actions[-1]["values"]
    assert comparable(actions) == comparable(refreshed[1])


# --- bad input: one message in the status cell, nothing else ----------------------------------------


@pytest.mark.parametrize("sheet, header, row, value, expected_text", [
    ("Targets", "Measure", 4, "cnt", "'cnt'"),
    ("Data", "Month", 11, "2009-13", "'2009-13'"),
    ("Data", "Value", 30, "lots", "'lots'"),
    ("Settings", "Value", 3, "soon", "a month"),  # Latest month
])
def test_bad_input_writes_only_the_status_message(payload, names, sheet, header, row, value, expected_text):
    bad = copy.deepcopy(payload)
    sheet_values(bad, sheet)[row - 1][column_index(bad, sheet, header)] = value
    returned, actions = run(bad)
    assert returned is False
    message = status_only(actions, names)
    assert sheet in message and f"row {row}" in message and header in message and expected_text in message, message


def with_extra_indicator(payload) -> dict:
    """The payload with one more indicator (a copy of the 12th, with its Data rows): a new layout."""
    changed = copy.deepcopy(payload)
    targets = sheet_values(changed, "Targets")
    extra = list(targets[12])
    extra[0] = "EXTRA"
    targets.append(extra)
    data = sheet_values(changed, "Data")
    data += [[r[0], "EXTRA", *r[2:]] for r in data[1:] if r[1] == targets[12][0]]
    return changed


def test_layout_change_through_a_server_says_how_to_rebuild(payload, names):
    """A book open through xlwings Server has a bare name (no folder here): nothing is written anywhere, and the
    status says the layout changed and which command builds the new workbook."""
    returned, actions = run(with_extra_indicator(payload))
    assert returned is False
    message = status_only(actions, names)
    assert "layout" in message and f'xl-pib build "{payload["book"]["name"]}" -o NEW.xlsm' in message, message


def test_layout_change_builds_the_new_workbook_beside_the_book(payload, names, tmp_path):
    """Desktop Excel gives the book's full path (``book.fullname``): the refresh builds the workbook of the new layout
    beside it (issue 13, deliverable 6), a new file with every input sheet, the overrides and xlwings.conf carried
    over, says where in the status cell, and writes nothing else into the open book. The new workbook refreshes."""
    changed = with_extra_indicator(payload)
    outcomes = sheet_values(changed, "Outcomes")
    outcomes[3][column_index(changed, "Outcomes", "RAG override")] = "G"
    conf = sheet_values(changed, "xlwings.conf")
    conf[0][1] = r"C:\Users\analyst\miniforge3\envs\pib\python.exe"
    book = tmp_path / "Anytown PIB Mar 2025.xlsm"
    changed["book"]["name"] = str(book)
    (tmp_path / "Anytown PIB Mar 2025 (new layout).xlsm").write_bytes(b"made earlier")  # never replaced

    returned, actions = run(changed)
    assert returned is False
    (action,) = actions
    message = action["values"][0][0]
    rebuilt = tmp_path / "Anytown PIB Mar 2025 (new layout 2).xlsm"
    assert (names[action["sheet_position"]], action["start_row"], action["start_column"]) == (summary.SHEET, 4, 4)
    assert message.startswith("Not refreshed:") and str(rebuilt) in message and "unchanged" in message, message
    assert (tmp_path / "Anytown PIB Mar 2025 (new layout).xlsm").read_bytes() == b"made earlier"
    assert rebuilt.is_file() and not list(tmp_path.glob(".*.tmp"))

    def plain(rows) -> list[list]:
        """Cells as comparable values: a date (as the client sends it, or as stored) is its ISO day."""
        def cell(v):
            if isinstance(v, (dt.date, dt.datetime)):
                return v.isoformat()[:10]
            if isinstance(v, str) and len(v) == 24 and v.endswith("T00:00:00.000Z"):
                return v[:10]
            return v
        width = max(len(r) for r in rows)
        return [[cell(v) for v in r] + [""] * (width - len(r)) for r in rows if any(v not in ("", None) for v in r)]

    new_sheets = dict(read_book(rebuilt))
    for name in INPUT_NAMES:
        assert plain(new_sheets[name]) == plain(sheet_values(changed, name)), f"{name} was not carried over"
    assert new_sheets["xlwings.conf"][0][1] == conf[0][1]
    again = make_payload(read_book(rebuilt), str(rebuilt))
    returned, actions = run(again)
    assert returned is True, actions[-1]["values"][0][0]
    (results,) = [a for a in actions if a["sheet_position"] == [s["name"] for s in again["sheets"]].index("Results")]
    assert len(results["values"]) == 30  # the header and 29 indicators, EXTRA among them
    assert "EXTRA" in [row[0] for row in results["values"]]


def test_next_month_refreshes_without_a_rebuild(payload, names):
    """A new month of data is the day-to-day use: docs/excel.md lists only indicator, section, outcome and target-date
    changes as layout changes, and chart_data says block ranges never move from month to month."""
    changed = copy.deepcopy(payload)
    settings = sheet_values(changed, "Settings")
    row = next(r for r in settings if str(r[0]).strip().lower() == "latest month")
    row[1] = months.iso(months.parse(row[1]) + 1)
    returned, actions = run(changed)
    assert returned is True, actions[-1]["values"][0][0]


def test_text_that_looks_like_a_formula_stays_text(payload, names):
    changed = copy.deepcopy(payload)
    targets = sheet_values(changed, "Targets")
    targets[2][column_index(changed, "Targets", "Name")] = "=HYPERLINK(\"http://example.invalid\",\"NI19\")"
    outcomes = sheet_values(changed, "Outcomes")
    outcomes[3][column_index(changed, "Outcomes", "Summary override")] = "=1+1 on the old counting rules"
    returned, actions = run(changed)
    assert returned is True
    formulas = [(names[a["sheet_position"]], a["start_row"] + 1 + r, a["start_column"] + 1 + c, v)
                for a in actions for r, row in enumerate(a["values"]) for c, v in enumerate(row)
                if isinstance(v, str) and v.startswith("=")]
    assert not formulas, f"{len(formulas)} text values Excel would enter as formulas, e.g. {formulas[:3]}"


def test_the_refresh_button_lists_a_contradiction_in_the_status_and_on_workings(payload, names):
    """Issue 21: a leftover Target value typed into the open workbook is named in the status cell and in the
    Workings sheet's Checks list, through xlwings as Excel would apply it; no input sheet is written."""
    from xl_pib.bulletin import workings

    changed = copy.deepcopy(payload)
    targets = sheet_values(changed, "Targets")
    row = next(i for i, r in enumerate(targets) if r[0] == "SAC")
    targets[row][column_index(changed, "Targets", "Target value")] = 1250
    returned, actions = run(changed)
    assert returned is True
    written = {names[a["sheet_position"]] for a in actions}
    assert not written & INPUT_NAMES
    (status,) = [a for a in actions if names[a["sheet_position"]] == summary.SHEET and a["values"] != []
                 and a["start_row"] == 4 and a["start_column"] == 4]
    text = status["values"][0][0]
    assert "Checks (1 input contradicting others, listed on the Workings sheet): Targets row " \
           f"{row + 1}, column 'Target value': SAC's Target value 1,250 is used" in text
    (listed,) = [a for a in actions if names[a["sheet_position"]] == workings.WORKINGS]
    assert (listed["start_row"], listed["start_column"]) == (0, workings.CHECKS_FIRST_COLUMN - 1)
    assert listed["values"][0] == list(workings.CHECKS_HEADER)
    assert listed["values"][1][:4] == ["Target value", "Targets", row + 1, "Target value"]
    assert len(listed["values"]) == workings.CHECKS_ROWS + 1
