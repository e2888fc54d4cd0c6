"""Formula injection (issue 6): text from the inputs that starts with =, +, -, @, a tab or a carriage return
is written as text in every output: the headless bulletin, the live .xlsm made by ``xl-pib template``,
the same workbook refreshed by ``xl-pib build BOOK.xlsm`` and made static with ``--values``, and the
Refresh macro's writes through xlwings.

Every free-text cell of the demo's input sheets carries an attempt (``bad_inputs.inject``) with a unique
marker. The outputs are read back with openpyxl (cell type 's', never a formula), python-calamine (a
string) and LibreOffice (the CSV it exports shows the literal text; a formula would show its result).
"""

from __future__ import annotations

import copy
import csv
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula
from python_calamine import CalamineWorkbook

from bad_inputs import INJECTION_PREFIXES, inject
from xl_pib.cli import main
from xl_pib.xlsx import write_sheets

FORMULA_STARTS = tuple({p[0] for p in INJECTION_PREFIXES})


def lf(text: str) -> str:
    """XML reads a bare carriage return back as a line feed; the text is the same text."""
    return text.replace("\r", "\n")


@pytest.fixture(scope="module")
def injected(tmp_path_factory, demo_sheets):
    """(input workbook, payloads, {output name: path}) for every way xl-pib writes a workbook."""
    folder = tmp_path_factory.mktemp("injection")
    sheets = copy.deepcopy(demo_sheets)
    payloads = inject(sheets)
    source = write_sheets(sheets, folder / "input.xlsx")
    outputs = {"bulletin.xlsx": folder / "bulletin.xlsx", "template.xlsm": folder / "template.xlsm",
               "refreshed.xlsm": folder / "refreshed.xlsm", "static.xlsx": folder / "static.xlsx"}
    assert main(["build", str(source), "-o", str(outputs["bulletin.xlsx"])]) == 0
    assert main(["template", "-i", str(source), "-o", str(outputs["template.xlsm"])]) == 0
    assert main(["build", str(outputs["template.xlsm"]), "-o", str(outputs["refreshed.xlsm"])]) == 0
    assert main(["build", str(outputs["template.xlsm"]), "--values", "-o", str(outputs["static.xlsx"])]) == 0
    return source, payloads, outputs


def test_every_free_text_cell_carries_an_attempt(injected):
    _, payloads, _ = injected
    assert len(payloads) >= 200
    assert {p[:2] if p[0] in "\t\r" else p[0] for p in payloads} == set(INJECTION_PREFIXES)


def scan_openpyxl(path: Path):
    """(text cells carrying a marker, formula cells carrying a marker, values of all string cells)."""
    wb = openpyxl.load_workbook(path)
    as_text, as_formula, strings = [], [], set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, ArrayFormula):
                    if "INJ" in (value.text or ""):
                        as_formula.append(f"{ws.title}!{cell.coordinate}")
                elif isinstance(value, str) and "INJ" in value:
                    (as_text if cell.data_type == "s" else as_formula).append(f"{ws.title}!{cell.coordinate}")
                if isinstance(value, str) and cell.data_type == "s":
                    strings.add(lf(value))
    return as_text, as_formula, strings


@pytest.mark.parametrize("output", ["bulletin.xlsx", "template.xlsm", "refreshed.xlsm", "static.xlsx"])
def test_openpyxl_reads_every_attempt_back_as_a_string(injected, output):
    _, payloads, outputs = injected
    as_text, as_formula, strings = scan_openpyxl(outputs[output])
    print(f"\n{output}: {len(as_text)} cells carry injection text, all as strings")
    assert as_formula == []
    assert {lf(p) for p in payloads} <= strings, sorted({lf(p) for p in payloads} - strings)[:5]


@pytest.mark.parametrize("output", ["bulletin.xlsx", "template.xlsm", "refreshed.xlsm", "static.xlsx"])
def test_calamine_reads_every_attempt_back_as_a_string(injected, output):
    _, payloads, outputs = injected
    book = CalamineWorkbook.from_path(str(outputs[output]))
    values = {lf(v) for name in book.sheet_names
              for row in book.get_sheet_by_name(name).to_python() for v in row if isinstance(v, str)}
    assert {lf(p) for p in payloads} <= values, sorted({lf(p) for p in payloads} - values)[:5]


def test_libreoffice_shows_the_literal_text(injected, soffice, tmp_path):
    """LibreOffice exports every sheet as CSV: a text cell shows its text; had any attempt become a formula,
    the CSV would show its result (#NAME?, Err:..., a number) instead."""
    _, payloads, outputs = injected
    out = tmp_path / "csv"
    profile = tmp_path / "profile"
    command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to",
               # UTF-8, every sheet to its own file (the last token, -1)
               "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
               "--outdir", str(out), str(outputs["bulletin.xlsx"]), str(outputs["template.xlsm"])]
    subprocess.run(command, capture_output=True, timeout=300, check=True)
    for stem in ("bulletin", "template"):
        files = sorted(out.glob(f"{stem}-*.csv"))
        assert len(files) > 10, files
        cells = set()
        for path in files:
            with open(path, newline="", encoding="utf-8") as handle:
                cells |= {lf(cell) for row in csv.reader(handle) for cell in row}
        # A carriage return inside a cell reaches the CSV as itself or as a line feed, depending on whether the
        # workbook stored it escaped (&#13;) or bare (XML reads a bare one as a line feed): the same text.
        missing = [p for p in payloads if lf(p) not in cells]
        assert not missing, f"{stem}: {len(missing)} attempts not shown as text, e.g. {missing[:3]}"
        assert not any(cell.startswith(("Err:", "#NAME?")) and "INJ" in cell for cell in cells)


def test_the_refresh_macro_writes_every_attempt_as_text(injected):
    """The Refresh button's writes through xlwings' remote engine: text that Excel would enter as a formula
    goes with a leading apostrophe (as when typing it), so Excel stores it as text."""
    pytest.importorskip("xlwings")
    from test_refresh_macro import make_payload, read_book, run

    _, payloads, outputs = injected
    book = outputs["template.xlsm"]
    from helpers import remote_engine

    with remote_engine():
        returned, actions = run(make_payload(read_book(book), book.name))
    assert returned is True
    written = [v for a in actions for row in a["values"] for v in row if isinstance(v, str)]
    carrying = [v for v in written if "INJ" in v]
    formula_like = [v for v in written if v.startswith(FORMULA_STARTS)]
    print(f"\nrefresh macro: {len(carrying)} written values carry injection text")
    assert carrying, "the refresh wrote no injected text: this test would prove nothing"
    assert formula_like == [], formula_like[:5]
    protected = {lf(v[1:]) for v in written if v.startswith("'")}
    assert protected & {lf(p) for p in payloads}, "no attempt reached the refresh's writes unchanged"
