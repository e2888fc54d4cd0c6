"""``xl-pib new`` (issue 13, deliverable 1): a clean input workbook for a new partnership, from its own counts.

The workbooks are read back with openpyxl (what is in the cells, notes and drop-downs) and python-calamine
(what ``xl-pib build`` reads); the counts files are written here, as an analyst keeps them.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from xl_pib import months
from xl_pib.bulletin import input_guides
from xl_pib.cli import main
from xl_pib.inputs import read_workbook
from xl_pib.inputs.schema import BREAKS, DATA, INPUT_SHEETS, MSG, OUTCOMES, TARGETS, sheet as schema_sheet
from xl_pib.settings import Settings

SERIES = ("All crime", "Burglary", "ASB incidents")
IDS = ("ALL_CRIME", "BURGLARY", "ASB_INCIDENTS")
FIRST = months.parse("2021-04")


def count(series: int, month: int) -> int:
    return 900 - 3 * month + 7 * series + (month * 37 + series * 11) % 40 if series == 0 else \
        60 + (month * 13 + series) % 17 if series == 1 else 400 - month + (month * 29) % 31


def write_counts(path: Path, n: int = 30, long: bool = False) -> Path:
    """Monthly counts from April 2021, months written MM/YYYY (wide: one column per crime type)."""
    rows = []
    for m in range(n):
        label = months.to_date(FIRST + m).strftime("%m/%Y")
        if long:
            rows += [[label, name, count(s, m)] for s, name in enumerate(SERIES)]
        else:
            rows.append([label, *(count(s, m) for s in range(len(SERIES)))])
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Month", "Indicator", "Value"] if long else ["Month", *SERIES])
        writer.writerows(rows)
    return path


def run(capsys, *args) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def rows_of(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def every_text(path: Path) -> str:
    """Every cell value and note of a workbook, as text."""
    wb = openpyxl.load_workbook(path)
    parts = []
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                parts += [str(cell.value or ""), cell.comment.text if cell.comment else ""]
    return "\n".join(parts)


@pytest.fixture
def made(tmp_path, capsys):
    counts = write_counts(tmp_path / "counts.csv")
    status, out, err = run(capsys, "new", "Anytown CSP", "-o", tmp_path / "anytown.xlsx", "--from", counts)
    assert status == 0, err
    return tmp_path / "anytown.xlsx", out


# --- what it writes -------------------------------------------------------------------------------


def test_the_sheets_of_a_new_workbook(made):
    book, out = made
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Start here", "Settings", "Targets", "Outcomes", "Data", "MSG", "Breaks"]
    assert "wrote" in out and "3 indicators from counts.csv, Apr 2021 to Sep 2023" in out
    assert f"xl-pib build {book}" in out
    start = " ".join(str(v) for (v,) in wb["Start here"].iter_rows(values_only=True) if v)
    assert "Anytown CSP" in start and "Target type" in start and "xl-pib build" in start


def test_settings_every_declared_setting_with_its_default_and_help(made):
    book, _ = made
    header, *rows = rows_of(openpyxl.load_workbook(book)["Settings"])
    assert header == ["Setting", "Value", "Default", "What it is"]
    specs = Settings.specs()
    assert [r[0] for r in rows] == [s.label for s in specs]
    for row, spec in zip(rows, specs):
        assert row[3] == spec.help, spec.label
        assert row[2] == ("required" if spec.required else "blank" if spec.default == "" else spec.default)
    values = {r[0]: r[1] for r in rows}
    assert values.pop("Partnership") == "Anytown CSP"
    assert values.pop("Latest month") == dt.datetime(2023, 9, 1)  # the last month of the counts
    assert set(values.values()) == {None}, "every other setting is left blank, for its default"


def test_one_targets_row_per_series_ready_for_a_target(made):
    book, _ = made
    header, *rows = rows_of(openpyxl.load_workbook(book)["Targets"])
    assert header == [c.header for c in TARGETS.columns]
    col = {h: i for i, h in enumerate(header)}
    assert [r[col["Indicator"]] for r in rows] == list(IDS)
    assert [r[col["Name"]] for r in rows] == list(SERIES)
    for row in rows:
        assert (row[col["Measure"]], row[col["Direction"]], row[col["Target type"]]) == ("count", "down", "none")
        # the first April-to-March year of the counts
        assert (row[col["Baseline period"]], row[col["Baseline end"]]) == ("2021/22", dt.datetime(2022, 3, 1))
        assert row[col["Target amount"]] is None and row[col["Target date"]] is None


def test_data_is_the_counts_and_outcomes_and_msg_are_empty(made):
    book, _ = made
    inputs = read_workbook(book)
    got = {(r.indicator, r.month): r.value for r in inputs.data.itertuples()}
    want = {(IDS[s], FIRST + m): count(s, m) for s in range(3) for m in range(30)}
    assert got == want
    wb = openpyxl.load_workbook(book)
    assert rows_of(wb["Outcomes"]) == [[c.header for c in OUTCOMES.columns]]
    assert rows_of(wb["MSG"]) == [[c.header for c in MSG.columns]]
    assert inputs.settings.partnership == "Anytown CSP" and inputs.settings.latest_month == FIRST + 29


def test_no_demo_content(made):
    text = every_text(made[0])
    for demo in ("Kettering", "Northamptonshire", "NI16", "SCB 091204D", "CDRP Targets", "Vehicle Crime"):
        assert demo not in text, demo


def test_it_builds_as_it_is(made, tmp_path, capsys):
    book, _ = made
    status, out, err = run(capsys, "build", book, "-o", tmp_path / "bulletin.xlsx")
    assert status == 0, err
    assert "3 indicators, 0 outcomes" in out


def test_long_counts_in_a_workbook_with_months_written_out(tmp_path, capsys):
    source = write_counts(tmp_path / "long.csv", long=True)
    with open(source, encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    wb = openpyxl.Workbook()
    for r, row in enumerate(rows):
        if r:
            row[0] = months.to_date(months.parse(row[0])).strftime("%B %Y")  # "April 2021"
            row[2] = int(row[2])
        wb.active.append(row)
    wb.save(tmp_path / "long.xlsx")
    status, out, err = run(capsys, "new", "Anytown CSP", "-o", tmp_path / "a.xlsx", "--from", tmp_path / "long.xlsx",
                           "--latest", "2023-06")
    assert status == 0, err
    inputs = read_workbook(tmp_path / "a.xlsx")
    assert inputs.targets["indicator"].tolist() == list(IDS) and inputs.settings.latest_month == months.parse("2023-06")
    assert len(inputs.data) == 3 * 27  # later months are in Data but after Latest month


def test_without_counts_one_example_row(tmp_path, capsys):
    status, out, err = run(capsys, "new", "Anytown CSP", "-o", tmp_path / "a.xlsx", "--latest", "March 2025")
    assert status == 0, err
    inputs = read_workbook(tmp_path / "a.xlsx")
    assert len(inputs.targets) == 1 and inputs.targets["target_type"].item() == "reduction_pct"
    assert inputs.settings.latest_month == months.parse("2025-03") and inputs.data.empty
    assert run(capsys, "build", tmp_path / "a.xlsx", "-o", tmp_path / "b.xlsx")[0] == 0


def test_live_writes_the_live_workbook(tmp_path, capsys):
    counts = write_counts(tmp_path / "counts.csv")
    status, out, err = run(capsys, "new", "Anytown CSP", "-o", tmp_path / "a.xlsm", "--from", counts, "--live")
    assert status == 0, err
    assert "click Refresh" in out
    wb = openpyxl.load_workbook(tmp_path / "a.xlsm", keep_vba=True)
    assert wb.sheetnames[:2] == ["Start here", "Executive Summary"] and "xlwings.conf" in wb.sheetnames
    start = " ".join(str(v) for (v,) in wb["Start here"].iter_rows(values_only=True) if v)
    assert "Click Refresh" in start and "beside this one" in start
    with zipfile.ZipFile(tmp_path / "a.xlsm") as package:
        assert "xl/vbaProject.bin" in package.namelist()
    assert str(wb["Executive Summary"]["E5"].value).startswith("Refreshed from the input sheets: 3 indicators")
    assert run(capsys, "build", tmp_path / "a.xlsm", "-o", tmp_path / "b.xlsm")[1].startswith("refreshed")


# --- bad input: one line, exit 2, nothing written ---------------------------------------------------


@pytest.mark.parametrize("args,says", [
    (["--latest", "Marhc 2025"], ["--latest: 'Marhc 2025' is not a month", months.ACCEPTED]),
    ([], ["give --from COUNTS", "--latest MONTH"]),
    (["--latest", "2025-03", "--live"], ["written as .xlsm"]),
])
def test_bad_arguments(tmp_path, capsys, args, says):
    status, out, err = run(capsys, "new", "Anytown CSP", "-o", tmp_path / "a.xlsx", *args)
    assert status == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert all(s in err for s in says), err
    assert list(tmp_path.iterdir()) == []


def test_an_existing_workbook_is_never_replaced(made, capsys):
    book, _ = made
    before = book.read_bytes()
    status, _, err = run(capsys, "new", "Other CSP", "-o", book, "--latest", "2025-03")
    assert status == 2 and "already exists" in err and book.read_bytes() == before


def test_an_unreadable_month_in_the_counts_names_the_cell(tmp_path, capsys):
    counts = write_counts(tmp_path / "counts.csv")
    text = counts.read_text().replace("06/2021", "Juen 2021")
    counts.write_text(text)
    status, _, err = run(capsys, "new", "Anytown CSP", "-o", tmp_path / "a.xlsx", "--from", counts)
    assert status == 2 and "counts.csv row 4, column 'Month'" in err and "'Juen 2021'" in err, err
    assert not (tmp_path / "a.xlsx").exists() and not list(tmp_path.glob(".*.tmp"))


def test_build_given_a_csv_names_the_command_that_reads_it(tmp_path, capsys):
    counts = write_counts(tmp_path / "counts.csv")
    status, _, err = run(capsys, "build", counts, "-o", tmp_path / "b.xlsx")
    assert status == 2 and f'xl-pib new "PARTNERSHIP" -o BOOK.xlsx --from {counts.name}' in err, err


# --- Excel's help on the input sheets, and where it survives ------------------------------------------


def guides(path: Path) -> dict[str, dict]:
    """Per input sheet: header -> note, header -> drop-down list, header -> column number format."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb:
        if schema_sheet(ws.title) is None:
            continue
        headers = {c.column_letter: c.value for c in ws[1] if c.value}
        lists = {}
        for validation in ws.data_validations.dataValidation:
            for ref in str(validation.sqref).split():
                letter = "".join(ch for ch in ref.split(":")[0] if ch.isalpha())
                key = headers.get(letter) if ws.title != "Settings" else ws[f"A{ref[1:].split(':')[0]}"].value
                lists[key] = validation.formula1
        out[ws.title] = {"notes": {c.value: c.comment.text for c in ws[1] if c.comment},
                         "lists": lists,
                         "formats": {h: ws.column_dimensions[letter].number_format for letter, h in headers.items()
                                     if ws.column_dimensions[letter].number_format != "General"},
                         "setting notes": {c.value: c.comment.text for (c,) in ws.iter_rows(min_row=2, max_col=1)
                                           if c.comment} if ws.title == "Settings" else {}}
    return out


def test_every_header_has_its_note_and_every_coded_column_its_drop_down(made):
    found = guides(made[0])
    for spec in INPUT_SHEETS:
        notes = found[spec.name]["notes"]
        for column in spec.columns:
            # Data's and Breaks' Area columns are for workbooks that hold several partnerships.
            if not (spec in (DATA, BREAKS) and column.key == "area") and \
                    (spec is not DATA or column.header in ("Month", "Indicator", "Value")):
                assert notes[column.header] == column.note, (spec.name, column.header)
    rebase = next(c for c in BREAKS.columns if c.key == "rebase")
    assert found["Breaks"]["lists"][rebase.header] == '"' + ",".join(rebase.choices) + '"'

    targets = found["Targets"]["lists"]
    for key in ("measure", "direction", "target_type"):
        column = next(c for c in TARGETS.columns if c.key == key)
        assert targets[column.header] == '"' + ",".join(column.choices) + '"'
    assert targets["Section"] == '"Partnership Targets"'
    assert found["Targets"]["formats"]["Target amount"] == input_guides.AMOUNT_FORMAT
    assert found["Data"]["lists"]["Indicator"] == "'Targets'!$A$2:$A$1001"
    settings = found["Settings"]
    for spec in Settings.specs():
        assert settings["setting notes"][spec.label] == f"{spec.label}: {spec.help}"
        allowed = getattr(spec.parse, "allowed", None)
        if allowed:
            assert settings["lists"][spec.label] == '"' + ",".join(allowed) + '"', spec.label


def test_the_help_survives_ingest_build_and_the_live_workbook(made, tmp_path, capsys):
    book, _ = made
    before = guides(book)
    more = tmp_path / "more.csv"
    more.write_text("Month,All crime,Burglary,ASB incidents\n10/2023,850,61,380\n", encoding="utf-8")
    assert run(capsys, "ingest", "counts", more, "--into", book, "-o", book)[0] == 0
    assert guides(book) == before, "ingest --into dropped notes, drop-downs or formats"
    assert run(capsys, "build", book, "-o", tmp_path / "bulletin.xlsx")[0] == 0
    assert guides(tmp_path / "bulletin.xlsx") == before, "the bulletin's copies of the input sheets lost them"
    assert run(capsys, "template", "--input", book, "-o", tmp_path / "live.xlsm")[0] == 0
    live = guides(tmp_path / "live.xlsm")
    assert live == before, "the live workbook's input sheets lost them"
    assert run(capsys, "build", tmp_path / "live.xlsm", "-o", tmp_path / "live.xlsm")[0] == 0
    assert guides(tmp_path / "live.xlsm") == live, "a refresh dropped them"
