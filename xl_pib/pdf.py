"""Headless LibreOffice: PDF export and recalculation in a real spreadsheet engine.

Each call gets its own throw-away profile, so parallel calls never share
state, and the profile tells LibreOffice to recalculate formulas on load
rather than trust results stored in the file.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .atomic import replacing
from .errors import PibError

_RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class LibreOfficeMissing(PibError):
    pass


def soffice() -> str:
    """Path of the LibreOffice binary, or a clear error saying how to install it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise LibreOfficeMissing(
        "LibreOffice is needed for PDF output but was not found; install it with "
        "'apt-get install -y --no-install-recommends libreoffice-calc-nogui' and try again")


def convert(sources: list[Path], target_format: str, outdir: Path, timeout: float = 180,
            recalculate: bool = True) -> list[Path]:
    """Convert files with one LibreOffice start; returns the written paths.

    ``recalculate=False`` keeps the results stored in the file (LibreOffice's own
    default), for pictures of a live workbook whose =PIB_ cells it cannot compute.
    """
    binary = soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xl-pib-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        if recalculate:
            (user / "registrymodifications.xcu").write_text(_RECALC_ALWAYS)
        command = [binary, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                   "--convert-to", target_format, "--outdir", str(outdir), *map(str, sources)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    extension = target_format.split(":")[0]
    written = [outdir / f"{Path(s).stem}.{extension}" for s in sources]
    missing = [p for p in written if not p.exists()]
    if done.returncode != 0 or missing:
        raise PibError(f"LibreOffice could not convert {', '.join(map(str, sources))}: "
                       f"{(done.stderr or done.stdout).strip()[:300]}")
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
