"""Package level: the .xlsm itself, the committed template, and ``xl-pib build`` on a live workbook.

Issue 4, "Tests required - Package level" and deliverables 2 and 4: the template
is macro-enabled, carries xlwings' standalone VBA with the refresh macro calling
``RunPython`` (issue 20: on one fixed module, ``pib_macros``, and xlwings' project
otherwise unchanged), a form-control Refresh button bound to that macro, and an
``xlwings.conf`` sheet; ``workbook/pib_bulletin.xlsm`` is what ``xl-pib
template`` generates; ``xl-pib build BOOK.xlsm`` is the headless twin of the
Refresh button and keeps formulas, VBA and button; ``--values`` writes a static
copy without a single formula.
"""

from __future__ import annotations

from helpers import assert_results_equal_engine

import datetime as dt
import math
import posixpath
import re
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from xl_pib import refresh_button
from xl_pib.assess import RESULTS_COLUMNS, assess
from xl_pib.bulletin import build_workbook
from xl_pib.bulletin import refresh as ranges
from xl_pib.cli import main
from xl_pib.inputs import parse_sheets
from xl_pib.inputs.schema import INPUT_SHEETS

REPO_ROOT = Path(__file__).resolve().parents[2]
COMMITTED = REPO_ROOT / "workbook" / "pib_bulletin.xlsm"
MACRO_ENABLED = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
INPUT_NAMES = [s.name for s in INPUT_SHEETS]
BUTTON_SHEET = "Executive Summary"
MACRO = refresh_button.MACRO

NS = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
}

EDITED_INDICATOR, EDIT = "NI16", 25


# --- reading the package --------------------------------------------------------------------------


def _rels(package: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id -> target part path, for ``part``."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in package.namelist():
        return {}
    out = {}
    for rel in ElementTree.fromstring(package.read(rels)).findall("rel:Relationship", NS):
        target = rel.get("Target")
        out[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
    return out


def sheet_parts(path) -> dict[str, str]:
    """Sheet name -> worksheet part (xl/worksheets/sheetN.xml)."""
    with zipfile.ZipFile(path) as package:
        workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
        rels = _rels(package, "xl/workbook.xml")
        return {s.get("name"): rels[s.get(f"{{{NS['r']}}}id")]
                for s in workbook.find("main:sheets", NS).findall("main:sheet", NS)}


def button_vml(path, sheet: str = BUTTON_SHEET) -> str | None:
    """The VML of the sheet's legacyDrawing (form controls), or None."""
    part = sheet_parts(path)[sheet]
    with zipfile.ZipFile(path) as package:
        root = ElementTree.fromstring(package.read(part))
        legacy = root.find("main:legacyDrawing", NS)
        if legacy is None:
            return None
        target = _rels(package, part)[legacy.get(f"{{{NS['r']}}}id")]
        return package.read(target).decode("utf-8")


def normalised_vml(text: str) -> str:
    """VML with shape ids and id maps replaced, which writers number freely."""
    text = re.sub(r'(id|o:spid)="_x0000_s\d+"', r'\1="SHAPE"', text)
    text = re.sub(r'<o:idmap v:ext="edit" data="[^"]*"/>', '<o:idmap v:ext="edit" data="N"/>', text)
    return re.sub(r">\s+<", "><", text).strip()


def vba_bytes(path) -> bytes:
    with zipfile.ZipFile(path) as package:
        return package.read("xl/vbaProject.bin")


def code_names(path) -> dict[str, str | None]:
    out = {}
    with zipfile.ZipFile(path) as package:
        for name, part in sheet_parts(path).items():
            pr = ElementTree.fromstring(package.read(part)).find("main:sheetPr", NS)
            out[name] = None if pr is None else pr.get("codeName")
    return out


def chart_references(path) -> list[list[str]]:
    """The cell ranges every chart plots, chart by chart (sorted by part name)."""
    with zipfile.ZipFile(path) as package:
        charts = sorted(n for n in package.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        return [re.findall(r"<c:f>([^<]*)</c:f>", package.read(n).decode("utf-8")) for n in charts]


def cell_contents(ws) -> dict[str, object]:
    """Every non-empty cell: its value, or its formula (array formulas as (range, text))."""
    from openpyxl.worksheet.formula import ArrayFormula

    out = {}
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            if isinstance(value, ArrayFormula):
                value = ("array", value.ref, value.text)
            if value is not None:
                out[cell.coordinate] = value
    return out


def is_formula(value) -> bool:
    return (isinstance(value, tuple) and value[0] == "array") or (isinstance(value, str) and value.startswith("="))


def load(path):
    import openpyxl

    return openpyxl.load_workbook(path, keep_vba=True)


def assert_same_workbook(a, b, what: str) -> None:
    """Sheets, cells and formulas, defined names, merged cells, print settings, VBA bytes and the button."""
    wa, wb = load(a), load(b)
    assert wa.sheetnames == wb.sheetnames, f"{what}: sheet names or order differ"
    assert [ws.sheet_state for ws in wa] == [ws.sheet_state for ws in wb], f"{what}: sheet visibility differs"
    for ws in wa:
        other = wb[ws.title]
        ca, cb = cell_contents(ws), cell_contents(other)
        differ = sorted(set(ca) ^ set(cb)) + sorted(k for k in set(ca) & set(cb) if ca[k] != cb[k])
        assert not differ, f"{what}: {ws.title} differs at {differ[:10]}: " + \
            "; ".join(f"{k}: {ca.get(k)!r} vs {cb.get(k)!r}" for k in differ[:3])
        assert sorted(map(str, ws.merged_cells.ranges)) == sorted(map(str, other.merged_cells.ranges)), \
            f"{what}: merged cells of {ws.title} differ"
        assert ws.print_area == other.print_area and ws.print_title_rows == other.print_title_rows, ws.title
        assert {k: v.attr_text for k, v in ws.defined_names.items()} == \
            {k: v.attr_text for k, v in other.defined_names.items()}, f"{what}: names local to {ws.title} differ"
    assert {k: v.attr_text for k, v in wa.defined_names.items()} == \
        {k: v.attr_text for k, v in wb.defined_names.items()}, f"{what}: defined names differ"
    assert vba_bytes(a) == vba_bytes(b), f"{what}: the VBA projects differ"
    va, vb = button_vml(a), button_vml(b)
    assert va is not None and vb is not None, f"{what}: a button is missing"
    assert normalised_vml(va) == normalised_vml(vb), f"{what}: the Refresh buttons differ"
    assert code_names(a) == code_names(b), f"{what}: sheet code names differ"
    assert chart_references(a) == chart_references(b), f"{what}: charts differ"


def same_value(got, want) -> bool:
    """openpyxl's read-back of a value a refresh wrote: dates come back as datetimes, "" as blank."""
    if want in (None, "") or got in (None, ""):
        return got in (None, "") and want in (None, "")
    if isinstance(want, dt.date) and not isinstance(want, dt.datetime):
        return isinstance(got, dt.datetime) and got.date() == want and got.time() == dt.time(0)
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        return isinstance(got, (int, float)) and not isinstance(got, bool) and \
            math.isclose(got, want, rel_tol=1e-12, abs_tol=0)
    return got == want


def planned_cells(planned) -> dict[tuple[str, str], object]:
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    out = {}
    for w in planned:
        letter, top = coordinate_from_string(w.cell)
        left = column_index_from_string(letter)
        for r, row in enumerate(w.values):
            for c, value in enumerate(row):
                out[(w.sheet, f"{get_column_letter(left + c)}{top + r}")] = value
    return out


def read_results(path) -> list[list]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Results").to_python()


def edited_sheets(sheets):
    """The input sheets with EDIT added at EDITED_INDICATOR's latest month; and that Data cell (row, column)."""
    from xl_pib import months

    data = [list(r) for r in sheets["Data"]]
    header = [str(h).strip().lower() for h in data[0]]
    month, indicator, value = header.index("month"), header.index("indicator"), header.index("value")
    rows = [r for r, row in enumerate(data) if r and row[indicator] == EDITED_INDICATOR and row[value] is not None]
    last = max(rows, key=lambda r: months.parse(data[r][month]))
    data[last][value] += EDIT
    return {**sheets, "Data": data}, last + 1, value + 1


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def edited(demo_template, demo_sheets, tmp_path_factory):
    """BOOK: the live template after an analyst changed one Data value (saved as Excel would keep it)."""
    sheets, row, column = edited_sheets(demo_sheets)
    book = tmp_path_factory.mktemp("book") / "BOOK.xlsm"
    shutil.copy(demo_template, book)
    wb = load(book)
    wb["Data"].cell(row, column).value = sheets["Data"][row - 1][column - 1]
    wb.save(book)
    return book, assess(parse_sheets(sheets))


@pytest.fixture(scope="module")
def rebuilt(edited, tmp_path_factory):
    """``xl-pib build BOOK.xlsm -o OUT.xlsm``, twice (the second run on its own output)."""
    book, _ = edited
    folder = tmp_path_factory.mktemp("rebuilt")
    out, again = folder / "OUT.xlsm", folder / "AGAIN.xlsm"
    assert main(["build", str(book), "-o", str(out)]) == 0
    assert main(["build", str(out), "-o", str(again)]) == 0
    return out, again


@pytest.fixture(scope="module")
def static_copy(edited, tmp_path_factory):
    book, _ = edited
    out = tmp_path_factory.mktemp("values") / "OUT.xlsx"
    assert main(["build", str(book), "--values", "-o", str(out)]) == 0
    return out


# --- the macro-enabled package --------------------------------------------------------------------


def test_content_type_is_macro_enabled(demo_template):
    with zipfile.ZipFile(demo_template) as package:
        types = ElementTree.fromstring(package.read("[Content_Types].xml"))
        assert "xl/vbaProject.bin" in package.namelist()
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.findall("ct:Override", NS)}
    assert overrides["/xl/workbook.xml"] == MACRO_ENABLED
    defaults = {d.get("Extension"): d.get("ContentType") for d in types.findall("ct:Default", NS)}
    assert defaults.get("bin") == "application/vnd.ms-office.vbaProject" or \
        overrides.get("/xl/vbaProject.bin") == "application/vnd.ms-office.vbaProject"


def vba_modules(path) -> dict[str, str]:
    """Module name -> source, as olevba reads them out of the package."""
    olevba = pytest.importorskip("oletools.olevba")
    parser = olevba.VBA_Parser(str(path))
    try:
        assert parser.detect_vba_macros()
        return {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def macro_body(code: str, macro: str = MACRO) -> str:
    match = re.search(rf"^\s*(Public\s+)?Sub {macro}\s*\(\)(.*?)^End Sub", code, re.M | re.S)
    assert match, f"no Sub {macro}"
    return match.group(2)


def test_vba_has_the_refresh_macro_and_xlwings_runpython(demo_template):
    modules = vba_modules(demo_template)
    callers = [name for name, code in modules.items()
               if re.search(rf"^\s*(Public\s+)?Sub {MACRO}\s*\(", code, re.M) and "RunPython" in code]
    assert callers == ["Module1.bas"], f"no module has Sub {MACRO} calling RunPython: {sorted(modules)}"
    body = macro_body(modules["Module1.bas"])
    runs = re.findall(r'^\s*RunPython "([^"]*)"\s*$', body, re.M)
    assert runs == ["import pib_macros; pib_macros.main()"] == [refresh_button.PYTHON_COMMAND]
    # Nothing in it depends on the workbook's name (xlwings' SampleCall built the module name from it).
    assert not re.search(r"\.(Full)?Name\b", modules["Module1.bas"]) and "SampleCall" not in modules["Module1.bas"]
    assert any(re.search(r"^\s*(Public\s+)?Function RunPython\s*\(", code, re.M) for code in modules.values()), \
        "xlwings' standalone module (Function RunPython) is not embedded"
    assert any("ImportPythonUDFs" in code for code in modules.values())


def test_vba_project_is_xlwings_own_but_module1(demo_template):
    """Every stream of xlwings' standalone project is kept byte for byte except Module1 (the new macro) and dir
    (Module1's source offset). Module1 holds source only, like xlwings' own module; _VBA_PROJECT is xlwings'
    7-byte stream with version 0xFFFF and no performance cache, so Excel compiles every module from source."""
    import io

    import olefile
    from oletools.olevba import decompress_stream

    def streams(data: bytes) -> dict[str, bytes]:
        ole = olefile.OleFileIO(io.BytesIO(data))
        return {"/".join(s): ole.openstream(s).read() for s in ole.listdir(streams=True, storages=False)}

    with zipfile.ZipFile(refresh_button.xlwings_template()) as package:
        xlwings_own = streams(package.read("xl/vbaProject.bin"))
    ours = streams(vba_bytes(demo_template))
    assert sorted(ours) == sorted(xlwings_own)
    assert sorted(n for n in ours if ours[n] != xlwings_own[n]) == ["VBA/Module1", "VBA/dir"]
    assert ours["VBA/_VBA_PROJECT"] == bytes.fromhex("cc61ffff000100")
    # Module1's stream is its compressed source from byte 0: no p-code for Excel to prefer over it.
    source = decompress_stream(bytearray(ours["VBA/Module1"])).decode("cp1252")
    assert source == refresh_button.module_source()
    assert not any(n.startswith("VBA/__SRP_") for n in ours)


def test_refresh_macro_compiles(demo_template):
    """pyOpenVBA's VBA compiler (not Excel's) accepts Module1 and refuses a broken copy of it."""
    from pyopenvba.apps.excel import ExcelApplication
    from pyopenvba.exceptions import VBACompileError

    source = vba_modules(demo_template)["Module1.bas"]
    ExcelApplication().add_module(source, name="Module1", kind="standard")
    with pytest.raises(VBACompileError):
        ExcelApplication().add_module(source.replace("End If\r\n#End If", "#End If"), name="Module1")


def test_refresh_button_is_a_form_control_bound_to_the_macro(demo_template):
    vml = button_vml(demo_template)
    assert vml is not None, f"{BUTTON_SHEET} has no legacyDrawing (no form control)"
    assert 'ObjectType="Button"' in vml
    macro = re.search(r"<x:FmlaMacro>([^<]*)</x:FmlaMacro>", vml)
    assert macro and re.fullmatch(rf"(\[0\]!)?{MACRO}", macro.group(1)), macro and macro.group(1)
    assert re.search(r">\s*Refresh\s*<", vml), "the button's caption is not Refresh"


def test_sheet_code_names_are_unique(demo_template):
    """VBA needs one document module per sheet: every sheet has its own code name (fixed in c58e952)."""
    names = code_names(demo_template)
    assert all(names.values()), names
    repeated = {n for n in names.values() if list(names.values()).count(n) > 1}
    assert not repeated, {sheet: code for sheet, code in names.items() if code in repeated}


def test_code_names_of_the_vba_document_modules(demo_template):
    """The VBA project's document modules (ThisWorkbook, Sheet1, Sheet2) belong to the workbook, the button's
    sheet and the xlwings.conf sheet, as in xlwings' quickstart_standalone.xlsm."""
    import openpyxl

    wb = openpyxl.load_workbook(demo_template, keep_vba=True)
    assert wb.code_name == "ThisWorkbook"
    names = code_names(demo_template)
    assert names[BUTTON_SHEET] == "Sheet1" and names["xlwings.conf"] == "Sheet2"


def test_xlwings_conf_sheet(demo_template):
    """Keys in column A from A1 down to the first blank (as xlwings' VBA reads them), values in column B."""
    wb = load(demo_template)
    assert "xlwings.conf" in wb.sheetnames
    ws = wb["xlwings.conf"]
    settings = {}
    row = 1
    while ws.cell(row, 1).value not in (None, ""):
        settings[str(ws.cell(row, 1).value).upper()] = ws.cell(row, 2).value
        row += 1
    assert row > 1, "A1 of xlwings.conf is blank"
    assert settings.get("UDF MODULES") == "pib_udfs"
    for key in ("INTERPRETER_WIN", "INTERPRETER_MAC", "PYTHONPATH"):
        assert key in settings, f"{key} missing from xlwings.conf column A (from A1)"
    known = {"INTERPRETER_WIN", "INTERPRETER_MAC", "PYTHONPATH", "CONDA PATH", "CONDA ENV", "UDF MODULES",
             "DEBUG UDFS", "USE UDF SERVER", "SHOW CONSOLE", "INTERPRETER", "ADD_WORKBOOK_TO_PYTHONPATH"}
    assert set(settings) <= known, f"keys xlwings does not know: {set(settings) - known}"


# --- the committed template is what xl-pib template generates -----------------------------------


def test_committed_template_matches_a_fresh_one(demo_template):
    if not COMMITTED.is_file():
        pytest.skip("template not committed yet")
    assert_same_workbook(COMMITTED, demo_template, "workbook/pib_bulletin.xlsm vs xl-pib template")


def test_template_generation_is_reproducible(demo_template, tmp_path):
    """Two generations give the same workbook, so the committed copy can be checked at all."""
    again = tmp_path / demo_template.name
    assert main(["template", "-o", str(again)]) == 0
    assert_same_workbook(demo_template, again, "two runs of xl-pib template")


# --- xl-pib build BOOK.xlsm: the headless twin of Refresh ----------------------------------------


def test_build_writes_what_refresh_writes(edited, rebuilt):
    book, assessment = edited
    out, _ = rebuilt
    wb = load(out)
    planned = planned_cells(ranges.writes(assessment))
    assert len(planned) > 1000
    bad = [f"{sheet}!{cell}: {wb[sheet][cell].value!r} vs {want!r}" for (sheet, cell), want in planned.items()
           if not same_value(wb[sheet][cell].value, want)]
    assert not bad, f"{len(bad)} cells differ from the refresh's writes:\n" + "\n".join(bad[:20])


def test_build_results_equal_the_engine(edited, rebuilt, demo_assessment):
    _, assessment = edited
    out, _ = rebuilt
    rows = read_results(out)
    assert_results_equal_engine(rows, assessment, live=True)
    # The edit moved the Results, so these values were written by the build, not kept from BOOK.
    index = assessment.inputs.targets["indicator"].tolist().index(EDITED_INDICATOR)
    assert rows[index + 1][RESULTS_COLUMNS.index("Current")] == \
        demo_assessment.results.iloc[index]["Current"] + EDIT


def test_build_changes_nothing_but_the_refresh_ranges(edited, rebuilt):
    """Every formula, every input cell and everything else outside the refresh's ranges is kept as it was."""
    book, assessment = edited
    out, _ = rebuilt
    before, after = load(book), load(out)
    assert before.sheetnames == after.sheetnames
    planned = planned_cells(ranges.writes(assessment))
    changed, formulas_kept = [], 0
    for ws in before:
        ca, cb = cell_contents(ws), cell_contents(after[ws.title])
        for coordinate in set(ca) | set(cb):
            if (ws.title, coordinate) in planned:
                assert not is_formula(ca.get(coordinate)), f"the refresh overwrote the formula {ws.title}!{coordinate}"
                continue
            if ca.get(coordinate) != cb.get(coordinate):
                changed.append(f"{ws.title}!{coordinate}: {ca.get(coordinate)!r} -> {cb.get(coordinate)!r}")
            elif is_formula(ca.get(coordinate)):
                formulas_kept += 1
    assert not changed, "cells outside the refresh ranges changed:\n" + "\n".join(changed[:20])
    assert formulas_kept > 500


def test_build_leaves_input_sheets_unchanged(edited, rebuilt):
    book, _ = edited
    out, _ = rebuilt
    before, after = load(book), load(out)
    for name in [*INPUT_NAMES, "xlwings.conf"]:
        if name in before.sheetnames:
            assert cell_contents(before[name]) == cell_contents(after[name]), name


def test_build_keeps_vba_button_names_and_charts(edited, rebuilt, demo_template):
    book, _ = edited
    out, _ = rebuilt
    for source in (book, demo_template):
        assert vba_bytes(out) == vba_bytes(source)
        assert normalised_vml(button_vml(out)) == normalised_vml(button_vml(source))
    assert code_names(out) == code_names(book)
    assert chart_references(out) == chart_references(book) and len(chart_references(out)) == 28
    with zipfile.ZipFile(out) as package:
        types = package.read("[Content_Types].xml").decode("utf-8")
    assert MACRO_ENABLED in types
    before, after = load(book), load(out)
    assert {k: v.attr_text for k, v in before.defined_names.items()} == \
        {k: v.attr_text for k, v in after.defined_names.items()}


def test_build_twice_gives_identical_cells(rebuilt):
    out, again = rebuilt
    first, second = load(out), load(again)
    assert first.sheetnames == second.sheetnames
    for ws in first:
        assert cell_contents(ws) == cell_contents(second[ws.title]), ws.title
    assert vba_bytes(out) == vba_bytes(again)
    assert normalised_vml(button_vml(out)) == normalised_vml(button_vml(again))


def test_build_in_place_keeps_the_book(edited, rebuilt, tmp_path):
    """The server command of docs/excel.md, ``xl-pib build pib_bulletin.xlsm -o pib_bulletin.xlsm``."""
    book, _ = edited
    out, _ = rebuilt
    in_place = tmp_path / "pib_bulletin.xlsm"
    shutil.copy(book, in_place)
    assert main(["build", str(in_place), "-o", str(in_place)]) == 0
    first, second = load(out), load(in_place)
    for ws in first:
        assert cell_contents(ws) == cell_contents(second[ws.title]), ws.title
    assert vba_bytes(in_place) == vba_bytes(book)
    assert normalised_vml(button_vml(in_place)) == normalised_vml(button_vml(book))
    assert [p.name for p in tmp_path.iterdir()] == ["pib_bulletin.xlsm"], "a temporary file was left behind"


def test_layout_change_build_writes_the_new_live_workbook(demo_template, tmp_path, capsys):
    """An extra indicator: build writes the live workbook of the new layout itself (issue 13, deliverable 6), with
    every input sheet and the xlwings.conf values carried over, and leaves the book as it was; given the book itself
    as -o, it writes beside it under a new name rather than replace it."""
    book = tmp_path / "BOOK.xlsm"
    shutil.copy(demo_template, book)
    wb = load(book)
    targets, data = wb["Targets"], wb["Data"]
    source = 13
    new = targets.max_row + 1
    for c in range(1, targets.max_column + 1):
        targets.cell(new, c).value = targets.cell(source, c).value
    targets.cell(new, 1).value, targets.cell(new, 2).value = "EXTRA", "Extra indicator"
    copied = [[c.value for c in row] for row in data.iter_rows(min_row=2)
              if row[1].value == targets.cell(source, 1).value]
    for values in copied:
        data.append([values[0], "EXTRA", *values[2:]])
    outcomes = wb["Outcomes"]
    override = [c.column for c in outcomes[1] if c.value == "RAG override"][0]
    outcomes.cell(3, override).value = "G"
    wb["xlwings.conf"]["B1"] = r"C:\Users\analyst\miniforge3\envs\pib\python.exe"
    wb.save(book)
    before = book.read_bytes()
    capsys.readouterr()

    assert main(["build", str(book), "-o", str(tmp_path / "OUT.xlsm")]) == 0
    said = capsys.readouterr().out
    assert "changed its layout" in said and "OUT.xlsm" in said and "BOOK.xlsm is unchanged" in said, said
    assert book.read_bytes() == before
    rebuilt = tmp_path / "OUT.xlsm"
    old, new_wb = load(book), load(rebuilt)
    for name in INPUT_NAMES:
        assert cell_contents(old[name]) == cell_contents(new_wb[name]), f"{name} was not carried over"
    assert new_wb["xlwings.conf"]["B1"].value == old["xlwings.conf"]["B1"].value
    assert vba_bytes(rebuilt) == vba_bytes(demo_template)
    assert main(["build", str(rebuilt), "-o", str(tmp_path / "NEW_OUT.xlsm")]) == 0
    assert "refreshed" in capsys.readouterr().out
    assert len(read_results(tmp_path / "NEW_OUT.xlsm")) == 30

    assert main(["build", str(book), "-o", str(book)]) == 0  # in place: beside it, never over it
    assert book.read_bytes() == before
    beside = tmp_path / "BOOK (new layout).xlsm"
    assert beside.is_file() and str(beside) in capsys.readouterr().out
    assert main(["build", str(book), "-o", str(book)]) == 0
    assert (tmp_path / "BOOK (new layout 2).xlsm").is_file(), "a workbook made before was replaced"


# --- xl-pib build BOOK.xlsm --values: the static copy for distribution -----------------------------


def test_values_copy_has_no_formula(static_copy):
    import openpyxl

    wb = openpyxl.load_workbook(static_copy)
    formulas_found = [f"{ws.title}!{coordinate}" for ws in wb for coordinate, value in cell_contents(ws).items()
                      if is_formula(value)]
    assert not formulas_found, formulas_found[:20]
    with zipfile.ZipFile(static_copy) as package:
        assert "xl/vbaProject.bin" not in package.namelist()
        assert not any(b"<f>" in package.read(n) or b"<f " in package.read(n)
                       for n in package.namelist() if n.startswith("xl/worksheets/"))


def test_values_copy_equals_the_engine(static_copy, edited):
    import openpyxl

    _, assessment = edited
    assert_results_equal_engine(read_results(static_copy), assessment)
    engine_wb, layout = build_workbook(assessment, live=False)
    wb = openpyxl.load_workbook(static_copy)
    checked, bad = 0, []
    for block in layout.blocks:
        for key, cell in block.cells.items():
            checked += 1
            got, want = wb[block.sheet][cell].value, engine_wb[block.sheet][cell].value
            if not same_value(got, want):
                bad.append(f"{block.sheet}!{cell} ({block.indicator} {key}): {got!r} vs {want!r}")
    assert checked == 254  # 26 blocks of 9 Performance Table rows, 2 survey blocks of 10
    assert not bad, "\n".join(bad)


def test_a_comment_added_to_a_live_workbook_survives_a_refresh_beside_the_input_notes(demo_template, tmp_path):
    """The input sheets carry notes (their headers'); a comment an analyst adds on an earlier sheet must not take
    the name of one of their drawings (openpyxl would write two parts of one name): every note survives."""
    import warnings

    import openpyxl
    import openpyxl.comments

    from xl_pib.xlsx import save

    book = tmp_path / "BOOK.xlsm"
    shutil.copy(demo_template, book)
    wb = openpyxl.load_workbook(book, keep_vba=True)
    wb["Results"]["A1"].comment = openpyxl.comments.Comment("checked by the analyst", "analyst")
    wb["Appendices"]["A1"].comment = openpyxl.comments.Comment("to reword", "analyst")
    save(wb, book)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Duplicate name")  # zipfile warns of a second part of one name
        for _ in range(2):
            assert main(["build", str(book), "-o", str(book)]) == 0
    with zipfile.ZipFile(book) as package:
        names = package.namelist()
    assert len(names) == len(set(names))
    wb = openpyxl.load_workbook(book, keep_vba=True)
    assert wb["Results"]["A1"].comment.text == "checked by the analyst"
    assert wb["Appendices"]["A1"].comment.text == "to reword"
    assert wb["Targets"]["A1"].comment.text.startswith("Indicator (required)")
    assert wb["Settings"]["A2"].comment is not None
