"""The headless bulletin workbook (issue 3, "Output workbook"): what `xl-pib demo` / `xl-pib build` write.

Everything here reads the real file the CLI wrote (``demo_files``) with openpyxl, python-calamine and
the raw OOXML parts, and compares it with the engine (``demo_assessment``) and the =PIB_ functions.
"""

from __future__ import annotations

import copy
import math
import os
import posixpath
import re
import stat
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

import pib_udfs
from xl_pib import labels
from xl_pib.assess import RESULTS_COLUMNS
from xl_pib.cli import main
from xl_pib.xlsx import write_sheets

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

SECTIONS = ("County Targets", "CDRP Targets", "Perception")
INPUT_SHEETS = ("Settings", "Targets", "Outcomes", "Data", "MSG")
EXPECTED_SHEETS = ("Executive Summary", *SECTIONS, "Appendices", "Metadata", "Results", "Workings", "Series",
                   *INPUT_SHEETS, "Chart Data")
PRINTED = ("Executive Summary", *SECTIONS, "Appendices", "Metadata")
MARKERS = (labels.ABOVE_TARGET, labels.ON_TARGET, labels.BELOW_TARGET)
TABLE_LABELS = (
    "Reduction required from current position to meet target",
    "Long-term trend sufficient to meet target",
    "Performance over the past month",
    "Comparative performance over the past 12 months ending in current month",
    "Distance away from MS group average",
    "Position against MS group average",
)
SIDE_LABEL = "Side of MS group average"
RAG_COLOURS = {"R": "E0301E", "A": "FFC000", "G": "00A651"}
NUMERIC_COLUMNS = ("Baseline", "Target", "Current", "Change from baseline", "Reduction required",
                   "Comparative 12 months", "MSG distance")
LABEL_COLUMNS = {
    "Trend sufficient": {labels.YES, labels.NO, labels.NA},
    "Past month": {labels.ABOVE_EXPECTED, labels.IN_LINE, labels.BELOW_EXPECTED, labels.NA},
    "MSG position": {labels.SIG_ABOVE, labels.IN_LINE, labels.SIG_BELOW, labels.NA},
    "Position": {labels.ABOVE_TARGET, labels.ON_TARGET, labels.BELOW_TARGET, labels.NA},
    "RAG": {labels.RED, labels.AMBER, labels.GREEN, labels.NA},
}


# --- helpers -------------------------------------------------------------------------------------


def same_cell(a, b) -> bool:
    """Equal spreadsheet cells: numbers to 1e-12 relative, text exactly."""
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-15)


def targets_table(sheets) -> list[dict]:
    header, *rows = sheets["Targets"]
    return [dict(zip(header, row)) for row in rows]


def write_input(sheets: dict, path: Path) -> Path:
    return write_sheets(sheets, path)


def _resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _rels(book: zipfile.ZipFile, part: str) -> dict[str, str]:
    rels = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if rels not in book.namelist():
        return {}
    root = ET.fromstring(book.read(rels))
    return {r.get("Id"): _resolve(part, r.get("Target")) for r in root.iter(f"{REL}Relationship")}


def charts_by_sheet(path: Path) -> dict[str, list[str]]:
    """Sheet name -> chart parts (xl/charts/chartN.xml) drawn on it, followed through the package rels."""
    out = {}
    with zipfile.ZipFile(path) as book:
        workbook_rels = _rels(book, "xl/workbook.xml")
        for sheet in ET.fromstring(book.read("xl/workbook.xml")).iter(f"{MAIN}sheet"):
            part = workbook_rels[sheet.get(R_ID)]
            charts = []
            for drawing in _rels(book, part).values():
                if "/drawings/" in drawing:
                    charts += sorted((p for p in _rels(book, drawing).values() if "/charts/" in p),
                                     key=lambda p: int(re.search(r"(\d+)\.xml$", p).group(1)))
            out[sheet.get("name")] = charts
    return out


def _cell_ref(formula: str) -> tuple[str, str]:
    sheet, cell = formula.rsplit("!", 1)
    return sheet.strip("'").replace("''", "'"), cell.replace("$", "")


def chart_series(path: Path, part: str, wb) -> list[dict]:
    """Each series of a chart: its title (resolved through the cell it points at), marker, line, error bars."""
    with zipfile.ZipFile(path) as book:
        root = ET.fromstring(book.read(part))
    series = []
    for ser in root.iter(f"{C}ser"):
        tx = ser.find(f"{C}tx")
        ref = tx.find(f"{C}strRef/{C}f") if tx is not None else None
        if ref is not None:
            sheet, cell = _cell_ref(ref.text)
            title, title_cell = wb[sheet][cell].value, (sheet, cell)
        else:
            literal = tx.find(f".//{C}v") if tx is not None else None
            title, title_cell = (literal.text if literal is not None else None), None
        symbol = ser.find(f"{C}marker/{C}symbol")
        err = ser.find(f"{C}errBars")
        series.append({
            "title": title,
            "title_cell": title_cell,
            "symbol": symbol.get("val") if symbol is not None else None,
            "line_hidden": ser.find(f"{C}spPr/{A}ln/{A}noFill") is not None,
            "err_type": err.find(f"{C}errValType").get("val") if err is not None else None,
            "err_plus": err.find(f"{C}plus/{C}numRef/{C}f") is not None if err is not None else False,
            "err_minus": err.find(f"{C}minus/{C}numRef/{C}f") is not None if err is not None else False,
        })
    return series


def chart_indicator(series: list[dict], wb) -> str:
    """The indicator a chart draws: its series titles sit in the header row under the block's title row."""
    sheet, cell = series[0]["title_cell"]
    column, row = re.match(r"([A-Z]+)(\d+)", cell).groups()
    return wb[sheet][f"A{int(row) - 1}"].value


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bulletin(demo_files):
    return demo_files[1]


@pytest.fixture(scope="module")
def book(bulletin):
    return openpyxl.load_workbook(bulletin)


@pytest.fixture(scope="module")
def calamine_book(bulletin):
    return CalamineWorkbook.from_path(str(bulletin))


@pytest.fixture(scope="module")
def results_rows(calamine_book):
    return calamine_book.get_sheet_by_name("Results").to_python()


# --- opening and sheets --------------------------------------------------------------------------


def test_opens_in_openpyxl_and_calamine_with_every_sheet(book, calamine_book):
    assert tuple(book.sheetnames) == EXPECTED_SHEETS
    assert tuple(calamine_book.sheet_names) == EXPECTED_SHEETS
    states = {ws.title: ws.sheet_state for ws in book.worksheets}
    assert states.pop("Chart Data") == "hidden"
    assert set(states.values()) == {"visible"}
    visibility = {m.name: str(m.visible) for m in calamine_book.sheets_metadata}
    assert visibility["Chart Data"].endswith("Hidden")
    assert all(v.endswith("Visible") for k, v in visibility.items() if k != "Chart Data")
    for name in calamine_book.sheet_names:  # every sheet reads without error
        calamine_book.get_sheet_by_name(name).to_python()


def test_bulletin_gets_the_permissions_of_any_new_file(bulletin):
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(bulletin.stat().st_mode) == 0o666 & ~umask


def test_demo_input_gets_the_permissions_of_any_new_file(demo_files):
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(demo_files[0].stat().st_mode) == 0o666 & ~umask


def test_input_sheets_are_copied_unchanged(calamine_book, demo_files):
    source = CalamineWorkbook.from_path(str(demo_files[0]))
    for name in INPUT_SHEETS:
        assert calamine_book.get_sheet_by_name(name).to_python() == source.get_sheet_by_name(name).to_python(), name


# --- Results -------------------------------------------------------------------------------------


def test_results_headers_and_one_row_per_target(results_rows, demo_sheets):
    assert tuple(results_rows[0]) == RESULTS_COLUMNS
    # the seed's 15 columns, the changes' intervals and the MSG side, the projection, the SPC rule and the breaks
    assert len(RESULTS_COLUMNS) == 31
    assert [r[0] for r in results_rows[1:]] == [t["Indicator"] for t in targets_table(demo_sheets)]


def test_results_equal_the_engine_cell_by_cell(results_rows, demo_assessment):
    engine = demo_assessment.results.astype(object).values.tolist()
    assert len(results_rows) - 1 == len(engine)
    for r, (got, want) in enumerate(zip(results_rows[1:], engine), start=2):
        assert len(got) == len(want) == len(RESULTS_COLUMNS)
        for c, (g, w) in enumerate(zip(got, want)):
            assert same_cell(g, w), f"Results row {r}, column {RESULTS_COLUMNS[c]}: file {g!r}, engine {w!r}"


def test_results_numbers_are_numbers_and_percentages_fractions(book, demo_sheets):
    ws = book["Results"]
    header = [c.value for c in ws[1]]
    measures = {t["Indicator"]: t["Measure"] for t in targets_table(demo_sheets)}
    numbers = 0
    for row in ws.iter_rows(min_row=2):
        indicator = row[0].value
        for name in NUMERIC_COLUMNS:
            cell = row[header.index(name)]
            assert cell.value is not None and cell.value != "", f"{indicator} {name} is empty"
            if cell.value == labels.NA:
                continue
            numbers += 1
            assert cell.data_type == "n" and isinstance(cell.value, (int, float)), (indicator, name, cell.value)
            if name in ("Change from baseline", "Reduction required", "Comparative 12 months", "MSG distance"):
                assert "%" in cell.number_format and abs(cell.value) < 5, (indicator, name, cell.value)
            elif measures[indicator] == "percentage":
                assert "%" in cell.number_format and 0 <= cell.value <= 1, (indicator, name, cell.value)
        for name, allowed in LABEL_COLUMNS.items():
            assert row[header.index(name)].value in allowed, (indicator, name, row[header.index(name)].value)
    assert numbers > 100
    # Figures the seed prints, stored as fractions: NI16 -11.2% change, Vehicle Crime -25.5%.
    by_id = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    assert by_id["NI16"][header.index("Change from baseline")].value == pytest.approx(-0.112, abs=5e-4)
    assert by_id["VEH"][header.index("Change from baseline")].value == pytest.approx(-0.255, abs=5e-4)
    assert by_id["RDC_COUNTY"][header.index("Current")].value < 1  # 27.5% stored as 0.275


def test_results_na_where_a_figure_does_not_apply(results_rows, demo_sheets):
    header, *rows = results_rows
    by_id = {r[0]: dict(zip(header, r)) for r in rows}
    with_msg = {row[0] for row in demo_sheets["MSG"][1:]}
    for target in targets_table(demo_sheets):
        got = by_id[target["Indicator"]]
        if target["Target type"] == "none":
            for name in ("Target", "Reduction required", "Trend sufficient", "Position", "RAG"):
                assert got[name] == labels.NA, (target["Indicator"], name)
        if target["Indicator"] not in with_msg:
            assert got["MSG distance"] == got["MSG position"] == labels.NA, target["Indicator"]
    assert by_id["NI16"]["Reduction required"] == labels.NA  # the seed prints N/A: target already met
    assert by_id["NI20"]["Reduction required"] == pytest.approx(0.094, abs=5e-4)


def test_results_labels_are_what_the_pib_functions_return(results_rows, demo_sheets):
    header, *rows = results_rows
    targets = {t["Indicator"]: t for t in targets_table(demo_sheets)}
    msg = {}
    for indicator, area, count, population in demo_sheets["MSG"][1:]:
        msg.setdefault(indicator, []).append((area, count, population))
    partnership = dict(demo_sheets["Settings"][1:])["Partnership"]
    checked_msg = 0
    for row in rows:
        got = dict(zip(header, row))
        t = targets[got["Indicator"]]
        direction = t["Direction"] or "down"
        assert got["RAG"] == pib_udfs.PIB_RAG(got["Position"], got["Trend sufficient"], direction), got["Indicator"]
        if got["Current"] != labels.NA and got["Target"] != labels.NA:
            expected = pib_udfs.PIB_REDUCTION_REQUIRED(got["Current"], got["Target"], t["Measure"], direction)
            assert same_cell(got["Reduction required"], expected), got["Indicator"]
        if got["Current"] != labels.NA and got["Baseline"] != labels.NA:
            expected = pib_udfs.PIB_CHANGE_FROM_BASELINE(got["Current"], got["Baseline"], t["Measure"])
            assert same_cell(got["Change from baseline"], expected), got["Indicator"]
        if got["Indicator"] in msg:
            group = msg[got["Indicator"]]
            own_area = (t.get("Area") or partnership).lower()
            own = next(g for g in group if g[0].lower() == own_area)
            counts, pops = [[g[1]] for g in group], [[g[2]] for g in group]
            assert got["MSG position"] == pib_udfs.PIB_MSG_POSITION(own[1], own[2], counts, pops), got["Indicator"]
            assert same_cell(got["MSG distance"], pib_udfs.PIB_MSG_DISTANCE(own[1], own[2], counts, pops))
            checked_msg += 1
    assert checked_msg >= 5


def test_results_past_month_is_pib_month_status_of_the_data(results_rows, demo_sheets):
    """Past month for count indicators equals =PIB_MONTH_STATUS over the indicator's own monthly Data column."""
    header, *rows = results_rows
    latest = dict(demo_sheets["Settings"][1:])["Latest month"]
    measures = {t["Indicator"]: t["Measure"] for t in targets_table(demo_sheets)}
    data: dict[str, list] = {}
    for month, indicator, value, _ in demo_sheets["Data"][1:]:
        if month <= latest and value is not None:
            data.setdefault(indicator, []).append((month, value))
    checked = 0
    for row in rows:
        got = dict(zip(header, row))
        if measures[got["Indicator"]] != "count":
            continue
        column = [[v] for _, v in sorted(data[got["Indicator"]])]
        assert got["Past month"] == pib_udfs.PIB_MONTH_STATUS(column), got["Indicator"]
        checked += 1
    assert checked >= 15


# --- Executive Summary ---------------------------------------------------------------------------


def _summary_rows(ws):
    return [tuple(c.value for c in row[:3]) for row in ws.iter_rows(min_row=1, max_col=3)]


def test_executive_summary_header_row_per_theme(book, demo_sheets):
    ws = book["Executive Summary"]
    values = _summary_rows(ws)
    themes = list(dict.fromkeys(row[0] for row in demo_sheets["Outcomes"][1:]))
    theme_rows = [i for i, v in enumerate(values) if isinstance(v[0], str) and v[0].startswith("Theme: ")]
    assert [values[i][0] for i in theme_rows] == [f"Theme: {t}" for t in themes]
    for i in theme_rows:
        header = values[i + 1]
        # The seed's own header reads "Outcomes | Summary of Performance | RAG".
        assert header[0] in ("Outcome", "Outcomes") and header[1:] == ("Summary of Performance", "RAG"), header


def test_executive_summary_rag_and_summary_follow_overrides(book, demo_sheets, demo_assessment, results_rows):
    ws = book["Executive Summary"]
    header, *outcomes = demo_sheets["Outcomes"]
    o = {name: header.index(name) for name in header}
    rags = {r[0]: r[results_rows[0].index("RAG")] for r in results_rows[1:]}
    rule = dict(demo_sheets["Settings"][1:])["Outcome RAG rule"]
    computed = demo_assessment.outcomes.set_index("outcome")
    by_code = {}
    for row in ws.iter_rows(min_row=1, max_col=3):
        label = row[0].value
        if isinstance(label, str) and ":" in label and row[2].value is not None and not label.startswith("Theme"):
            by_code[label.split(":")[0]] = (label, row[1].value, row[2].value, row[2])
    assert len(by_code) == len(outcomes)
    overridden_rag = overridden_summary = 0
    for outcome in outcomes:
        code = outcome[o["Outcome"]]
        label, summary, rag, _ = by_code[code]
        assert label == f"{code}: {outcome[o['Description']]}"
        ids = [i.strip() for i in (outcome[o["Indicators"]] or "").split(",") if i.strip()]
        from_rule = pib_udfs.PIB_OUTCOME_RAG([[rags[i]] for i in ids], rule) if ids else labels.NA
        assert computed.loc[code, "computed_rag"] == from_rule, code
        if outcome[o["RAG override"]]:
            assert rag == outcome[o["RAG override"]], code
            overridden_rag += 1
        else:
            assert rag == from_rule, code
        if outcome[o["Summary override"]]:
            assert summary == outcome[o["Summary override"]], code
            overridden_summary += 1
        else:
            assert summary == computed.loc[code, "computed_summary"], code
            assert summary and summary.strip()
    assert overridden_rag >= 3 and overridden_summary >= 3
    # An override that the rule would not give: O2a is printed G although NI30's rule gives R.
    assert by_code["O2a"][2] == "G" and computed.loc["O2a", "computed_rag"] == "R"


def test_executive_summary_rag_cells_are_filled_red_amber_green(book):
    ws = book["Executive Summary"]
    seen = set()
    for row in ws.iter_rows(min_row=1, max_col=3):
        rag = row[2].value
        if rag in RAG_COLOURS:
            fill = row[2].fill
            assert fill.fill_type == "solid", (row[2].coordinate, rag)
            assert fill.fgColor.rgb[-6:].upper() == RAG_COLOURS[rag], (row[2].coordinate, rag, fill.fgColor.rgb)
            seen.add(rag)
    assert seen == {"R", "A", "G"}


def test_not_applicable_rag_cells_are_not_coloured_as_a_rating(book):
    filled = []
    for name in ("Executive Summary", *SECTIONS):
        ws = book[name]
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == labels.NA and cell.fill.fill_type == "solid" \
                        and cell.fill.fgColor.rgb[-6:].upper() in RAG_COLOURS.values():
                    filled.append(f"{name}!{cell.coordinate} ({cell.fill.fgColor.rgb})")
    assert not filled, "N/A cells filled with a RAG colour: " + ", ".join(filled)


# --- section sheets and charts -------------------------------------------------------------------


def test_each_section_sheet_has_one_chart_per_indicator(book, demo_sheets, bulletin):
    targets = targets_table(demo_sheets)
    parts = charts_by_sheet(bulletin)
    data_wb = openpyxl.load_workbook(bulletin)
    for section in SECTIONS:
        ids = [t["Indicator"] for t in targets if t["Section"] == section]
        assert len(book[section]._charts) == len(ids), section
        drawn = [chart_indicator(chart_series(bulletin, p, data_wb), data_wb) for p in parts[section]]
        assert sorted(drawn) == sorted(ids), section
    for name in EXPECTED_SHEETS:
        if name not in SECTIONS:
            assert not parts.get(name) and not book[name]._charts, name


def test_performance_charts_have_marker_only_position_series(bulletin, demo_sheets):
    targets = {t["Indicator"]: t for t in targets_table(demo_sheets)}
    wb = openpyxl.load_workbook(bulletin)
    parts = charts_by_sheet(bulletin)
    checked = monitoring = 0
    for section in ("County Targets", "CDRP Targets"):
        for part in parts[section]:
            series = chart_series(bulletin, part, wb)
            indicator = chart_indicator(series, wb)
            if targets[indicator]["Target type"] == "none":
                assert len(series) == 1 and series[0]["title"] == "Actual (rolling 12 months)", indicator
                monitoring += 1
                continue
            titles = [s["title"] for s in series]
            for marker in MARKERS:
                assert titles.count(marker) == 1, (indicator, part, titles)
                s = series[titles.index(marker)]
                assert s["symbol"] not in (None, "none") and s["line_hidden"], (indicator, marker, s)
            assert "Actual (rolling 12 months)" in titles and "Target trajectory" in titles, titles
            checked += 1
    performance = [t for t in targets.values() if t["Section"] in ("County Targets", "CDRP Targets")]
    assert monitoring == sum(t["Target type"] == "none" for t in performance) == 3
    assert checked == len(performance) - monitoring


def test_perception_charts_have_custom_error_bars(bulletin, demo_sheets):
    wb = openpyxl.load_workbook(bulletin)
    parts = charts_by_sheet(bulletin)["Perception"]
    assert len(parts) == 2
    for part in parts:
        with zipfile.ZipFile(bulletin) as zf:
            xml = zf.read(part).decode()
        assert "errBars" in xml and 'errValType val="cust"' in xml, part
        series = chart_series(bulletin, part, wb)
        with_bars = [s for s in series if s["err_type"] == "cust"]
        assert len(with_bars) == 1 and with_bars[0]["err_plus"] and with_bars[0]["err_minus"], series
        assert chart_indicator(series, wb) in ("NI17", "TEEN")


def test_performance_table_row_labels_are_the_seeds(book, demo_sheets, results_rows):
    header, *rows = results_rows
    results = {r[0]: dict(zip(header, r)) for r in rows}
    targets = targets_table(demo_sheets)
    columns = ("Reduction required", "Trend sufficient", "Past month", "Comparative 12 months",
               "MSG distance", "MSG side", "MSG position")
    blocks = 0
    for section in ("County Targets", "CDRP Targets"):
        ws = book[section]
        col_a = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
        names = {t["Name"]: t["Indicator"] for t in targets if t["Section"] == section}
        name_rows = [i for i, v in enumerate(col_a) if v in names]
        assert len(name_rows) == len(names), section
        for n, top in enumerate(name_rows):
            end = name_rows[n + 1] if n + 1 < len(name_rows) else len(col_a)
            first = col_a.index(TABLE_LABELS[0], top, end)
            # The seed's rows, in its order, with the side of the MSG average before the position against it.
            assert tuple(col_a[first:first + 7]) == (*TABLE_LABELS[:5], SIDE_LABEL, TABLE_LABELS[5]), \
                (section, col_a[top])
            indicator = names[col_a[top]]
            for offset, column in enumerate(columns):
                value = ws.cell(first + 1 + offset, 2).value
                assert same_cell(value, results[indicator][column]), (indicator, column, value)
            blocks += 1
    assert blocks == 26


def test_printed_sheets_are_a4_fit_to_one_page_wide(book):
    for name in (*PRINTED, "Results"):
        ws = book[name]
        assert int(ws.page_setup.paperSize) == 9, name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert int(ws.page_setup.fitToWidth) == 1, name
        assert int(ws.page_setup.fitToHeight or 0) == 0, name  # as many pages tall as needed


# --- text stays text -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def formula_like_build(tmp_path_factory, demo_sheets):
    sheets = copy.deepcopy(demo_sheets)
    t_header = sheets["Targets"][0]
    veh = next(r for r in sheets["Targets"] if r[0] == "VEH")
    veh[t_header.index("Name")] = '=HYPERLINK("x")'
    o_header = sheets["Outcomes"][0]
    sheets["Outcomes"][1][o_header.index("Description")] = "=1+1"
    folder = tmp_path_factory.mktemp("formula_like")
    source = write_input(sheets, folder / "input.xlsx")
    output = folder / "bulletin.xlsx"
    assert main(["build", str(source), "-o", str(output)]) == 0
    return output, sheets["Outcomes"][1][o_header.index("Outcome")]


def test_text_beginning_with_equals_is_never_a_formula(formula_like_build):
    output, code = formula_like_build
    wb = openpyxl.load_workbook(output)
    formulas = [f"{ws.title}!{c.coordinate}" for ws in wb.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    assert not formulas, formulas
    with zipfile.ZipFile(output) as zf:
        for part in zf.namelist():
            if part.startswith("xl/worksheets/sheet"):
                assert not re.search(rb"<f[ >]", zf.read(part)), part
    found = {(ws.title, c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value in ('=HYPERLINK("x")', "=1+1", f"{code}: =1+1")}
    assert ("Results", '=HYPERLINK("x")') in found
    assert ("CDRP Targets", '=HYPERLINK("x")') in found
    assert ("Targets", '=HYPERLINK("x")') in found
    assert ("Outcomes", "=1+1") in found
    assert ("Executive Summary", f"{code}: =1+1") in found
    results = wb["Results"]
    row = next(r for r in results.iter_rows(min_row=2) if r[0].value == "VEH")
    assert row[1].value == '=HYPERLINK("x")' and row[1].data_type == "s"


def test_calamine_reads_the_literal_text(formula_like_build):
    output, code = formula_like_build
    book = CalamineWorkbook.from_path(str(output))
    results = book.get_sheet_by_name("Results").to_python()
    assert next(r for r in results if r[0] == "VEH")[1] == '=HYPERLINK("x")'
    outcomes = book.get_sheet_by_name("Outcomes").to_python()
    assert outcomes[1][outcomes[0].index("Description")] == "=1+1"
    summary = book.get_sheet_by_name("Executive Summary").to_python()
    assert any(r[0] == f"{code}: =1+1" for r in summary)
