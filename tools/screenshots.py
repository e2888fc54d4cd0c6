"""Pictures of workbook sheets for the documentation, drawn by LibreOffice.

    python tools/screenshots.py BOOK.xlsx "Executive Summary" OUT.png [--page 1] [--dpi 80]
    python tools/screenshots.py --docs      # the demo bulletin's pictures in docs/images/

One sheet of a workbook becomes a PDF with headless LibreOffice (its own
throw-away profile, results stored in the file kept as they are) and one page
of that PDF a PNG with ``pdftoppm -png -r 80`` (poppler-utils). The other sheets
are hidden in a copy of the workbook, so only the chosen sheet is printed, with
its own page setup, exactly as the bulletin's PDF prints it. ``--docs`` rebuilds
the Kettering demo (``python -m xl_pib demo``) and redraws every picture the
documentation shows (:data:`DOCS_PICTURES`).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from defusedxml import minidom

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from xl_pib.atomic import replacing  # noqa: E402
from xl_pib.errors import PibError  # noqa: E402
from xl_pib.pdf import convert  # noqa: E402

DPI = 80
# (sheet of the demo bulletin, page of that sheet, picture under docs/images/)
DOCS_PICTURES = (
    ("Executive Summary", 1, "executive-summary.png"),
    ("CDRP Targets", 2, "section-page.png"),
)


def only_sheet(source: Path, sheet: str, target: Path) -> None:
    """Copy ``source`` to ``target`` with every sheet but ``sheet`` hidden (and ``sheet`` shown, active).

    ``xl/workbook.xml`` is the only part rewritten; charts, styles and stored results are copied as they are.
    """
    with zipfile.ZipFile(source) as book:
        document = minidom.parseString(book.read("xl/workbook.xml"))
        sheets = document.getElementsByTagName("sheet")
        names = [s.getAttribute("name") for s in sheets]
        if sheet not in names:
            raise PibError(f"{source}: no sheet called {sheet!r} (sheets: {', '.join(names)})")
        for element in sheets:
            if element.getAttribute("name") == sheet:
                if element.hasAttribute("state"):
                    element.removeAttribute("state")
            elif element.getAttribute("state") != "veryHidden":
                element.setAttribute("state", "hidden")
        # LibreOffice prints a hidden sheet that has a print area, so the others' print areas go too.
        for name in document.getElementsByTagName("definedName"):
            if (name.getAttribute("name").startswith("_xlnm.Print_")
                    and name.getAttribute("localSheetId") != str(names.index(sheet))):
                name.parentNode.removeChild(name)
        for view in document.getElementsByTagName("workbookView"):
            view.setAttribute("activeTab", str(names.index(sheet)))
            view.setAttribute("firstSheet", str(names.index(sheet)))
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
            for item in book.infolist():
                data = document.toxml(encoding="UTF-8") if item.filename == "xl/workbook.xml" else book.read(item)
                copy.writestr(item, data)


def sheet_pdf(workbook: Path, sheet: str, folder: Path) -> Path:
    """``sheet`` alone as LibreOffice prints it, as a PDF in ``folder`` (results stored in the file kept)."""
    single = Path(folder) / "single" / Path(workbook).name  # never the workbook itself
    single.parent.mkdir(parents=True, exist_ok=True)
    only_sheet(Path(workbook), sheet, single)
    (pdf,) = convert([single], "pdf", Path(folder) / "pdf", recalculate=False)
    return pdf


def screenshot(workbook: Path, sheet: str, picture: Path, page: int = 1, dpi: int = DPI) -> Path:
    """Draw page ``page`` of ``sheet`` as printed by LibreOffice into the PNG ``picture``."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise PibError("pdftoppm is needed for pictures: apt-get install poppler-utils")
    with tempfile.TemporaryDirectory(prefix="xl-pib-shot-") as work:
        work = Path(work)
        pdf = sheet_pdf(workbook, sheet, work)
        drawn = subprocess.run([pdftoppm, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                                str(pdf), str(work / "page")], capture_output=True, text=True)
        if drawn.returncode != 0 or not (work / "page.png").exists():
            raise PibError(f"pdftoppm could not draw page {page} of {sheet!r}: {drawn.stderr.strip()[:300]}")
        with replacing(picture) as staged:
            shutil.move(str(work / "page.png"), staged)
    return Path(picture)


def docs_pictures(folder: Path = ROOT / "docs" / "images") -> list[Path]:
    """Rebuild the demo bulletin and redraw every picture the documentation shows."""
    with tempfile.TemporaryDirectory(prefix="xl-pib-demo-") as work:
        subprocess.run([sys.executable, "-m", "xl_pib", "demo", "-o", work], check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
        bulletin = Path(work) / "demo_bulletin.xlsx"
        return [screenshot(bulletin, sheet, folder / name, page) for sheet, page, name in DOCS_PICTURES]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workbook", nargs="?", type=Path)
    parser.add_argument("sheet", nargs="?")
    parser.add_argument("picture", nargs="?", type=Path)
    parser.add_argument("--page", type=int, default=1, help="page of the sheet (default 1)")
    parser.add_argument("--dpi", type=int, default=DPI, help=f"resolution (default {DPI})")
    parser.add_argument("--docs", action="store_true", help="redraw the documentation's pictures of the demo")
    args = parser.parse_args(argv)
    try:
        if args.docs:
            written = docs_pictures()
        elif args.workbook and args.sheet and args.picture:
            written = [screenshot(args.workbook, args.sheet, args.picture, args.page, args.dpi)]
        else:
            parser.error("give WORKBOOK SHEET PICTURE, or --docs")
    except PibError as error:
        print(f"screenshots: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
