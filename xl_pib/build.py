"""One bulletin from one input workbook: the step ``xl-pib build`` and ``xl-pib batch`` share.

These functions print nothing; the faces decide what to say. ``mark`` is
called after each stage ("imports", "read", "compute", "write", "pdf") so a
caller can time them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .errors import InputError

Mark = Callable[[str], None]


def _no_mark(_name: str) -> None:
    pass


def refreshes(source: Path, values: bool) -> bool:
    """A live .xlsm is refreshed in place of its ranges unless a static copy (``values``) is asked for."""
    return not values and Path(source).suffix.lower() == ".xlsm"


def output_suffix(source: Path, values: bool) -> str:
    return ".xlsm" if refreshes(source, values) else ".xlsx"


def write_bulletin(assessment, output: Path, pdf: bool = False, mark: Mark = _no_mark, office=None) -> None:
    """Lay out, save (atomically) and optionally print to PDF one assessed bulletin.

    ``office``: an :class:`xl_pib.office.Office` kept running (a batch worker's) prints the saved
    bulletin; without one, LibreOffice is started for this PDF alone.
    """
    from . import pdf as pdf_module
    from .bulletin import build_workbook, print_sheets, save

    wb, layout = build_workbook(assessment)
    save(wb, output)
    mark("write")
    if pdf:
        target = Path(output).with_suffix(".pdf")
        if office is not None:
            pdf_module.print_saved(output, print_sheets(layout), target, office)
        else:
            pdf_module.export_pdf(wb, print_sheets(layout), target)
        mark("pdf")


def build_bulletin(source: Path, output: Path, pdf: bool = False, mark: Mark = _no_mark):
    """Input workbook -> static bulletin .xlsx (and PDF); returns the Assessment."""
    from . import pdf as pdf_module
    from .assess import assess
    from .inputs import read_workbook

    mark("imports")
    if pdf:
        pdf_module.soffice()  # fail before writing anything if PDF output is impossible
    inputs = read_workbook(source)
    mark("read")
    assessment = assess(inputs)
    mark("compute")
    if pdf:
        from . import office

        if office.available():
            # Even for one PDF this is faster than a LibreOffice start on a second save of the workbook:
            # the saved bulletin is printed from a slimmed copy (benchmarks/run.py measures both).
            with office.Office(**office.settings()) as printer:
                write_bulletin(assessment, output, pdf, mark, office=printer)
            return assessment
    write_bulletin(assessment, output, pdf, mark)
    return assessment


def refresh_book(source: Path, output: Path, mark: Mark = _no_mark):
    """The headless twin of the Refresh button: write the refresh ranges, keep formulas, VBA and button."""
    import openpyxl

    from .assess import assess
    from .bulletin import refresh as ranges
    from .bulletin import save
    from .inputs import read_workbook

    mark("imports")
    inputs = read_workbook(source)
    mark("read")
    assessment = assess(inputs)
    planned = ranges.writes(assessment)
    mark("compute")
    wb = openpyxl.load_workbook(source, keep_vba=True)
    sheet, cell = ranges.FINGERPRINT
    found = wb[sheet][cell].value if sheet in wb.sheetnames else None
    if found != ranges.fingerprint(assessment):
        raise InputError(Path(source).name, "a workbook made by 'xl-pib template' whose layout matches its Targets "
                         "and Outcomes sheets (rebuild it with 'xl-pib template --input BOOK -o NEW.xlsm')")
    ranges.apply_openpyxl(wb, planned)
    save(wb, output)
    mark("write")
    return assessment
