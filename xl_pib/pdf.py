"""Headless LibreOffice: PDF export and recalculation in a real spreadsheet engine.

Each call gets its own throw-away profile, so parallel calls never share
state, and the profile tells LibreOffice to recalculate formulas on load
rather than trust results stored in the file.

Two ways to print a bulletin: :func:`print_saved` prints through an
:class:`xl_pib.office.Office` (one per batch worker, or one for a single
build) from a slimmed copy of the bulletin already saved
(:func:`printed_copy`); :func:`export_pdf`, the simple way, saves the
workbook again and starts LibreOffice for that one file, where LibreOffice's
Python bindings are missing (or ``XL_PIB_PDF_LISTENER=0`` asks for it).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from .atomic import replacing
from .errors import PibError

_RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


# Seconds one LibreOffice conversion may take before it is stopped and reported as failed.
TIMEOUT = 180.0


class LibreOfficeMissing(PibError):
    pass


class PdfError(PibError):
    """LibreOffice could not print a bulletin whose workbook was written (a batch reports it and goes on)."""


def soffice() -> str:
    """Path of the LibreOffice binary, or a clear error saying how to install it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise LibreOfficeMissing(
        "LibreOffice is needed for PDF output but was not found; install it with "
        "'apt-get install -y --no-install-recommends libreoffice-calc-nogui' and try again")


def profile_dir(folder: Path, recalculate: bool = True) -> Path:
    """A new LibreOffice profile in ``folder``; returns ``folder``.

    ``recalculate`` makes it recalculate formulas on load; without it LibreOffice keeps the results
    stored in the file (its own default), for pictures of a live workbook whose =PIB_ cells it cannot
    compute.
    """
    user = Path(folder) / "user"
    user.mkdir(parents=True)
    if recalculate:
        (user / "registrymodifications.xcu").write_text(_RECALC_ALWAYS)
    return Path(folder)


def convert(sources: list[Path], target_format: str, outdir: Path, timeout: float = TIMEOUT,
            recalculate: bool = True) -> list[Path]:
    """Convert files with one LibreOffice start; returns the written paths (``recalculate``: see
    :func:`profile_dir`)."""
    binary = soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xl-pib-lo-") as profile:
        profile_dir(Path(profile), recalculate)
        command = [binary, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                   "--convert-to", target_format, "--outdir", str(outdir), *map(str, sources)]
        # Its own process group, so that a timeout (or Ctrl-C) ends soffice.bin too, not only the soffice script.
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, start_new_session=True)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except BaseException as error:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.communicate()
            if isinstance(error, subprocess.TimeoutExpired):
                raise PdfError(f"LibreOffice took more than {timeout:g} s to convert "
                               f"{', '.join(Path(s).name for s in sources)}") from None
            raise
    extension = target_format.split(":")[0]
    written = [outdir / f"{Path(s).stem}.{extension}" for s in sources]
    missing = [p for p in written if not p.exists()]
    if process.returncode != 0 or missing:
        raise PdfError(f"LibreOffice could not convert {', '.join(map(str, sources))}: "
                       f"{(stderr or stdout).strip()[:300]}")
    return written


def export_pdf(wb, print_sheets: list[str], pdf_path: Path) -> Path:
    """Write the printed bulletin (only ``print_sheets``) as a PDF, replacing ``pdf_path`` atomically."""
    soffice()
    pdf_path = Path(pdf_path)
    states = {ws.title: ws.sheet_state for ws in wb.worksheets}
    try:
        for ws in wb.worksheets:
            if ws.title not in print_sheets:
                ws.sheet_state = "hidden"
        with tempfile.TemporaryDirectory(prefix="xl-pib-pdf-") as work:
            source = Path(work) / f"{pdf_path.stem}.xlsx"
            wb.save(source)
            (written,) = convert([source], "pdf", Path(work) / "out")
            # Staged beside the target like every output (xlsx.replacing), so the rename is atomic and a
            # killed run leaves nothing that looks like a PDF.
            with replacing(pdf_path) as staged:
                shutil.move(str(written), staged)
    finally:
        for ws in wb.worksheets:
            ws.sheet_state = states[ws.title]
    return pdf_path


# --- printing a saved bulletin through a LibreOffice kept running ---------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_ELEMENT = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?/>")
_STATE = re.compile(rb'\sstate="[^"]*"')
_CHART_REF = re.compile(rb"<(?:\w+:)?f>(.*?)</(?:\w+:)?f>", re.S)
_CELL_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_EMPTY_SHEET = f'<worksheet xmlns="{_MAIN}"><sheetData/></worksheet>'.encode()


def _referenced_sheets(formula: str) -> set[str]:
    """Sheet names a chart series formula reads, e.g. 'Chart Data'!$B$5:$B$124 -> {'Chart Data'}."""
    names = set()
    for part in formula.strip("()").split(","):
        if "!" in part:
            name = part.rsplit("!", 1)[0].strip()
            names.add(name[1:-1].replace("''", "'") if name.startswith("'") else name)
    return names


def printed_copy(workbook: Path, sheets: list[str], target: Path) -> Path:
    """A copy of a saved bulletin for printing: only ``sheets`` visible, and the sheets nothing printed
    reads (the engine's Data, Series, Workings ...) emptied, so LibreOffice neither prints nor loads them.

    Sheets the charts draw from stay whole (hidden); if a printed sheet holds a formula, nothing is
    emptied. The copy is a zip rewrite of the saved file (a few milliseconds), not a second save.
    """
    import html

    with zipfile.ZipFile(workbook) as book:
        names = book.namelist()
        index = book.read("xl/workbook.xml")
        listed = [(e.get("name"), e.get(f"{{{_REL}}}id"))
                  for e in ElementTree.fromstring(index).iter(f"{{{_MAIN}}}sheet")]
        rels = {r.get("Id"): r.get("Target")
                for r in ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels")).iter(f"{{{_PACKAGE_REL}}}Relationship")}
        part = {name: "xl/" + rels[rid].lstrip("/").removeprefix("xl/") for name, rid in listed}
        wanted = set(sheets)
        read = set(wanted)
        for name in names:
            if name.startswith("xl/charts/") and name.endswith(".xml"):
                for formula in _CHART_REF.findall(book.read(name)):
                    read |= _referenced_sheets(html.unescape(formula.decode("utf-8")))
        if any(_CELL_FORMULA.search(book.read(part[s])) for s in wanted if s in part):
            read = set(part)
        emptied = {part[s] for s in part if s not in read}
        elements = iter(listed)

        def state(match):
            element = _STATE.sub(b"", match.group(0))
            name, _ = next(elements)
            shown = b"visible" if name in wanted else b"hidden"
            return element[:-2].rstrip() + b' state="' + shown + b'"/>'

        index = _SHEET_ELEMENT.sub(state, index)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as copy:
            for name in names:
                data = (index if name == "xl/workbook.xml" else _EMPTY_SHEET if name in emptied
                        else book.read(name))
                copy.writestr(name, data)
    return Path(target)


def print_saved(workbook: Path, print_sheets: list[str], pdf_path: Path, office) -> Path:
    """The PDF of a bulletin already saved as ``workbook``, printed by ``office`` (an
    :class:`xl_pib.office.Office`), replacing ``pdf_path`` atomically."""
    pdf_path = Path(pdf_path)
    with tempfile.TemporaryDirectory(prefix="xl-pib-pdf-") as work:
        source = printed_copy(Path(workbook), print_sheets, Path(work) / f"{pdf_path.stem}.xlsx")
        with replacing(pdf_path) as staged:
            office.export_pdf(source, staged)
    return pdf_path
