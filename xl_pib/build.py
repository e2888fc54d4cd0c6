"""One bulletin from one input workbook: the step ``xl-pib build`` and ``xl-pib batch`` share.

These functions print nothing; the faces decide what to say. ``mark`` is
called after each stage ("imports", "read", "compute", "write", "pdf") so a
caller can time them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .errors import InputError, StrictRefusal

Mark = Callable[[str], None]


def _no_mark(_name: str) -> None:
    pass


def refreshes(source: Path, values: bool) -> bool:
    """A live .xlsm is refreshed in place of its ranges unless a static copy (``values``) is asked for."""
    return not values and Path(source).suffix.lower() == ".xlsm"


def output_suffix(source: Path, values: bool) -> str:
    return ".xlsm" if refreshes(source, values) else ".xlsx"


def check_strict(assessment, strict: bool) -> None:
    """``--strict``: every warning (the consistency checks' and the others) is an error, raised before anything
    is written."""
    if strict and assessment.warnings:
        raise StrictRefusal(assessment.warnings)


def write_bulletin(assessment, output: Path, pdf: bool = False, mark: Mark = _no_mark, movement=None,
                   office=None) -> None:
    """Lay out, save (atomically) and optionally print to PDF one assessed bulletin.

    ``movement``: what moved since the previous bulletin (the "Since last month" section). ``office``: an
    :class:`xl_pib.office.Office` kept running (a batch worker's) prints the saved bulletin; without one,
    LibreOffice is started for this PDF alone.
    """
    from . import pdf as pdf_module
    from .bulletin import build_workbook, print_sheets, save

    wb, layout = build_workbook(assessment, movement=movement)
    save(wb, output)
    mark("write")
    if pdf:
        target = Path(output).with_suffix(".pdf")
        if office is not None:
            pdf_module.print_saved(output, print_sheets(layout), target, office)
        else:
            pdf_module.export_pdf(wb, print_sheets(layout), target)
        mark("pdf")


def compared_with(assessment, previous: Path | None):
    """What moved since the bulletin ``previous`` (None: no comparison)."""
    from .movement import compare
    from .previous import read_previous

    if previous is None:
        return None
    settings = assessment.inputs.settings
    return compare(read_previous(previous, settings.partnership, settings.latest_month), assessment)


def build_bulletin(source: Path, output: Path, pdf: bool = False, mark: Mark = _no_mark, strict: bool = False,
                   previous: Path | None = None):
    """Input workbook -> static bulletin .xlsx (and PDF), compared with the bulletin ``previous`` when given;
    returns the Assessment. ``strict``: refuse (write nothing) if there is any warning."""
    from . import pdf as pdf_module
    from .assess import assess
    from .inputs import read_workbook

    mark("imports")
    if pdf:
        pdf_module.soffice()  # fail before writing anything if PDF output is impossible
    inputs = read_workbook(source)
    mark("read")
    assessment = assess(inputs)
    movement = compared_with(assessment, previous)
    mark("compute")
    check_strict(assessment, strict)
    if pdf:
        from . import office

        if office.available():
            # Even for one PDF this is faster than a LibreOffice start on a second save of the workbook:
            # the saved bulletin is printed from a slimmed copy (benchmarks/run.py measures both).
            with office.Office(**office.settings()) as printer:
                write_bulletin(assessment, output, pdf, mark, movement, office=printer)
            return assessment
    write_bulletin(assessment, output, pdf, mark, movement)
    return assessment


@dataclass(frozen=True)
class Refreshed:
    """What ``xl-pib build BOOK.xlsm`` did: refreshed ``path`` in place of its ranges, or (``rebuilt``) wrote
    a new live workbook there because the Targets or Outcomes sheet changed the layout."""

    assessment: Any
    path: Path
    rebuilt: bool


NEW_LAYOUT = "new layout"


def new_layout_path(source: Path) -> Path:
    """A name beside ``source`` that no file has yet: "NAME (new layout).xlsm", "NAME (new layout 2).xlsm", ..."""
    source = Path(source)
    for n in range(1, 1000):
        suffix = f" ({NEW_LAYOUT})" if n == 1 else f" ({NEW_LAYOUT} {n})"
        candidate = source.with_name(f"{source.stem}{suffix}{source.suffix}")
        if not candidate.exists():
            return candidate
    raise InputError(source.name, f"a folder without a thousand '({NEW_LAYOUT})' copies of this workbook")


def rebuild_live(assessment, path: Path, conf: dict[str, object]) -> Path:
    """The live workbook of a new layout: every input sheet of ``assessment`` (the analyst's overrides are on
    them) and the xlwings.conf values ``conf`` (the Python the button runs), written to ``path``."""
    from .template import build_template

    return build_template(assessment, path, conf=conf)


def conf_values(rows) -> dict[str, object]:
    """Key -> value of an xlwings.conf sheet's rows (columns A:B from A1 down to the first blank key)."""
    out: dict[str, object] = {}
    for row in rows:
        key = row[0] if row else None
        if key is None or not str(key).strip():
            break
        out[str(key).strip()] = row[1] if len(row) > 1 else None
    return out


def refresh_book(source: Path, output: Path, mark: Mark = _no_mark, strict: bool = False,
                 previous: Path | None = None) -> Refreshed:
    """The headless twin of the Refresh button: write the refresh ranges, keep formulas, VBA and button
    (``strict``: nothing, if there is any warning). "Since last month" compares with the workbook's own record
    of its last refresh of an earlier month, or with the bulletin ``previous`` when given.

    When the Targets or Outcomes sheet changed the layout, the new live workbook is built instead, at
    ``output`` (beside ``source`` under a new name when ``output`` is ``source``: it is never replaced).
    """
    import openpyxl

    from .assess import assess
    from .bulletin import refresh as ranges
    from .bulletin import save
    from .inputs import read_workbook
    from .template import CONF_SHEET

    mark("imports")
    inputs = read_workbook(source)
    mark("read")
    assessment = assess(inputs)
    check_strict(assessment, strict)
    given = None
    if previous is not None:
        from .previous import read_previous

        given = read_previous(previous, inputs.settings.partnership, inputs.settings.latest_month)
    wb = openpyxl.load_workbook(source, keep_vba=True)
    history = ranges.History.of({name: [list(row) for row in wb[name].iter_rows(values_only=True)]
                                 for name in ranges.HISTORY_SHEETS if name in wb.sheetnames}, given)
    planned = ranges.writes(assessment, history)
    mark("compute")
    sheet, cell = ranges.FINGERPRINT
    found = wb[sheet][cell].value if sheet in wb.sheetnames else None
    if found != ranges.fingerprint(assessment):
        if found is None:
            raise InputError(Path(source).name, "a live workbook made by 'xl-pib template' or 'xl-pib new --live' "
                             f"(it has no layout mark in '{sheet}'!{cell})")
        same = Path(output).resolve() == Path(source).resolve()
        target = new_layout_path(Path(source)) if same else Path(output)
        conf = conf_values(wb[CONF_SHEET].iter_rows(values_only=True)) if CONF_SHEET in wb.sheetnames else {}
        rebuild_live(assessment, target, conf)
        mark("write")
        return Refreshed(assessment, target, True)
    ranges.apply_openpyxl(wb, planned, ranges.note_writes(assessment))
    save(wb, output)
    mark("write")
    return Refreshed(assessment, Path(output), False)
