"""The analysts' macro-enabled workbook (workbook/pib_bulletin.xlsm), generated, never hand-edited.

Built in two steps, each with the library that can do it:
1. XlsxWriter writes a skeleton .xlsm: the sheets in order, the VBA project
   of :mod:`xl_pib.refresh_button` (xlwings' own standalone project, so
   RunPython works without the add-in, with the Refresh macro in Module1) and
   a Refresh form button bound to that macro, which runs
   ``import pib_macros; pib_macros.main()`` whatever the workbook is called.
   Every live workbook made here gets it.
2. openpyxl (``keep_vba=True``) lays the live bulletin into those sheets:
   the input sheets, the output sheets with =PIB_ formulas, and the
   ``xlwings.conf`` sheet.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from . import refresh_button
from .bulletin import build_workbook, save, sheet_order, summary
from .bulletin import refresh as refresh_ranges
from .bulletin.styles import BOLD, SMALL, SUBTITLE, WRAP
from .xlsx import put

CONF_SHEET = "xlwings.conf"
BUTTON_CELL = "E1"

# xlwings' documented keys, starting in A1 as its VBA reads them (down to the first blank).
CONF_ROWS = (
    ("Interpreter_Win", "python", "Full path of python.exe (or pythonw.exe) of the environment where xl-pib is "
                                  r"installed, e.g. C:\Users\you\miniforge3\envs\pib\python.exe"),
    ("Interpreter_Mac", "", "Full path of python on macOS, e.g. /Users/you/miniforge3/envs/pib/bin/python"),
    ("PYTHONPATH", "", "Extra folders to search for modules; not needed once xl-pib is pip-installed"),
    ("Conda Path", "", r"Only for conda: the conda base folder, e.g. C:\Users\you\miniforge3"),
    ("Conda Env", "", "Only for conda: the environment name, e.g. pib"),
    ("UDF Modules", "pib_udfs", "The module whose =PIB_ functions Import Functions loads"),
    ("Debug UDFs", False, "Leave False"),
    ("Use UDF Server", False, "Leave False"),
    ("Show Console", False, "True shows a console window while Python runs (for troubleshooting)"),
)


def _skeleton(names: list[str], path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    # The VBA project's document modules are ThisWorkbook, Sheet1 and Sheet2; every
    # other sheet gets its own unique code name (VBA requires them to differ).
    book.set_vba_name("ThisWorkbook")
    spare = iter(range(3, len(names) + 3))
    for name in names:
        sheet = book.add_worksheet(name)
        if name == summary.SHEET:
            sheet.set_vba_name("Sheet1")
            sheet.insert_button(BUTTON_CELL, {"macro": refresh_button.MACRO, "caption": "Refresh",
                                              "width": 110, "height": 32})
        elif name == CONF_SHEET:
            sheet.set_vba_name("Sheet2")
        else:
            sheet.set_vba_name(f"Sheet{next(spare)}")
    book.add_vba_project(io.BytesIO(refresh_button.vba_project()), is_stream=True)
    book.close()


def _write_conf(ws, kept: dict[str, object]) -> None:
    """xlwings' keys from A1 down; ``kept`` values (and any other keys the analyst added) replace the defaults."""
    given = {str(k).strip(): v for k, v in kept.items() if str(k or "").strip()}
    lowered = {k.lower(): v for k, v in given.items()}
    known = {key.lower() for key, _, _ in CONF_ROWS}
    rows = [(key, lowered.get(key.lower(), value), note) for key, value, note in CONF_ROWS]
    rows += [(key, value, "") for key, value in given.items() if key.lower() not in known]
    for r, (key, value, note) in enumerate(rows, start=1):
        put(ws.cell(r, 1), key).font = BOLD
        put(ws.cell(r, 2), value)
        put(ws.cell(r, 4), note).font = SMALL
    put(ws.cell(len(rows) + 3, 1), "These settings tell xlwings which Python runs the Refresh button and the "
                                   "=PIB_ functions. Edit Interpreter_Win (or Interpreter_Mac) to point at the "
                                   "Python where xl-pib is installed. Keep the keys in column A from A1 down.")
    ws.cell(len(rows) + 3, 1).alignment = WRAP
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["D"].width = 90


def _names(wb, layout) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    status_sheet, status_cell = refresh_ranges.STATUS
    column, row = status_cell[0], status_cell[1:]
    wb.defined_names[refresh_button.STATUS_NAME] = DefinedName(  # the Refresh macro writes it before Python starts
        refresh_button.STATUS_NAME, attr_text=f"'{status_sheet}'!${column}${row}")
    wb.defined_names["PIB_RESULTS"] = DefinedName(
        "PIB_RESULTS", attr_text=f"Results!$A$1:$O${len(layout.blocks) + 1}")
    wb.defined_names["PIB_SERIES_AXIS"] = DefinedName("PIB_SERIES_AXIS", attr_text=layout.series.axis)


def build_template(assessment, path: str | Path, conf: dict[str, object] | None = None,
                   start: list[list] | None = None) -> Path:
    """Write the live .xlsm for ``assessment``'s inputs (e.g. the Kettering demo).

    ``conf`` gives xlwings.conf values to keep (an analyst's Interpreter_Win, when a refresh rebuilds the
    workbook for a new layout); ``start`` the paragraphs of a first "Start here" sheet (``xl-pib new --live``).
    """
    import dataclasses

    import openpyxl

    from .bulletin.input_sheets import with_breaks_sheet
    from .starter import START_SHEET, write_start

    assessment = dataclasses.replace(assessment, inputs=with_breaks_sheet(assessment.inputs))

    names = sheet_order(assessment.inputs)
    names.insert(len(names) - 1, CONF_SHEET)  # before the hidden Chart Data sheet
    if start:
        names.insert(0, START_SHEET)
    with tempfile.TemporaryDirectory(prefix="xl-pib-template-") as work:
        skeleton = Path(work) / "skeleton.xlsm"
        _skeleton(names, skeleton)
        wb = openpyxl.load_workbook(skeleton, keep_vba=True)
    wb, layout = build_workbook(assessment, live=True, wb=wb)
    _write_conf(wb[CONF_SHEET], conf or {})
    if start:
        write_start(wb[START_SHEET], start)
    refresh_ranges.apply_openpyxl(wb, refresh_ranges.writes(assessment))
    status = wb[refresh_ranges.STATUS[0]][refresh_ranges.STATUS[1]]
    status.alignment, status.font = WRAP, SMALL
    wb[summary.SHEET].column_dimensions["E"].width = 40
    wb[refresh_ranges.STATUS_LABEL[0]][refresh_ranges.STATUS_LABEL[1]].font = SUBTITLE
    _names(wb, layout)
    # save() pins the document dates, so the same inputs always give the same bytes.
    wb.properties.creator = wb.properties.lastModifiedBy = "xl-pib"
    wb.active = 0
    return save(wb, path)
