"""Pictures of workbook sheets for the documentation, drawn by LibreOffice.

    python tools/screenshots.py BOOK.xlsx "Executive Summary" OUT.png [--page 1] [--dpi 80] [--cells A1:L5]
    python tools/screenshots.py --docs      # the documentation's pictures in docs/images/

One sheet of a workbook becomes a PDF with headless LibreOffice (its own
throw-away profile, results stored in the file kept as they are) and one page
of that PDF a PNG with ``pdftoppm -png -r 80`` (poppler-utils). The other sheets
are hidden in a copy of the workbook, so only the chosen sheet is printed, with
its own page setup, exactly as the bulletin's PDF prints it. ``--cells`` prints
only that range of the sheet (its print area in the copy) and trims the page's
white margins, for a picture of a few input cells. ``--docs`` rebuilds the
Kettering demo (``python -m xl_pib demo``) and runs the README's walk-through
(``tools/own_partnership.py``), then redraws every picture the documentation
shows (:data:`DOCS_PICTURES`, :data:`OWN_PICTURES`).
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
for _folder in (ROOT, ROOT / "tools"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

from xl_pib.atomic import replacing  # noqa: E402
from xl_pib.errors import PibError  # noqa: E402
from xl_pib.pdf import convert  # noqa: E402

DPI = 80
# (sheet of the demo bulletin, page of that sheet, picture under docs/images/)
DOCS_PICTURES = (
    ("Executive Summary", 1, "executive-summary.png"),
    ("CDRP Targets", 2, "section-page.png"),
)
# (workbook of the walk-through, sheet, page, picture under docs/images/, cells or None): docs/own-partnership.md
OWN_PICTURES = (
    ("anytown.xlsx", "Start here", 1, "own-start-here.png", "A1:A10"),
    ("anytown.xlsx", "Targets", 1, "own-targets.png", "A1:L5"),
    ("anytown.xlsx", "Settings", 1, "own-settings.png", "A1:D15"),
    ("anytown_bulletin.xlsx", "Executive Summary", 1, "own-executive-summary.png", None),
    ("anytown_bulletin.xlsx", "Partnership Targets", 1, "own-section-page.png", None),
)
MARGIN = 12  # pixels of white kept around a trimmed picture
FOOTER_FROM = 0.93  # share of the page's height above its footer


def picture_names() -> set[str]:
    """Every picture --docs draws."""
    return {name for *_, name in DOCS_PICTURES} | {name for _, _, _, name, _ in OWN_PICTURES}


def only_sheet(source: Path, sheet: str, target: Path, cells: str | None = None) -> None:
    """Copy ``source`` to ``target`` with every sheet but ``sheet`` hidden (and ``sheet`` shown, active), and
    with ``cells`` (e.g. ``A1:L5``) as that sheet's print area when given.

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
        own = str(names.index(sheet))
        for name in document.getElementsByTagName("definedName"):
            if name.getAttribute("name").startswith("_xlnm.Print_") and (
                    name.getAttribute("localSheetId") != own or
                    (cells and name.getAttribute("name") == "_xlnm.Print_Area")):
                name.parentNode.removeChild(name)
        if cells:
            _print_area(document, sheet, own, cells)
        for view in document.getElementsByTagName("workbookView"):
            view.setAttribute("activeTab", str(names.index(sheet)))
            view.setAttribute("firstSheet", str(names.index(sheet)))
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
            for item in book.infolist():
                data = document.toxml(encoding="UTF-8") if item.filename == "xl/workbook.xml" else book.read(item)
                copy.writestr(item, data)


def _print_area(document, sheet: str, sheet_id: str, cells: str) -> None:
    """Add ``'sheet'!$A$1:$L$5`` as the sheet's print area (a defined name in xl/workbook.xml)."""
    first, _, last = cells.upper().partition(":")
    absolute = ":".join("$" + "$".join(_split(ref)) for ref in (first, last or first))
    book = document.documentElement
    names = (book.getElementsByTagName("definedNames") or [None])[0]
    if names is None:
        names = document.createElement("definedNames")
        after = book.getElementsByTagName("sheets")[0].nextSibling
        book.insertBefore(names, after)
    area = document.createElement("definedName")
    area.setAttribute("name", "_xlnm.Print_Area")
    area.setAttribute("localSheetId", sheet_id)
    area.appendChild(document.createTextNode("'" + sheet.replace("'", "''") + "'!" + absolute))
    names.appendChild(area)


def _split(ref: str) -> tuple[str, str]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    return letters, ref[len(letters):]


def trim(picture: Path) -> None:
    """Cut the white margins of a page down to :data:`MARGIN` pixels around what is drawn (Pillow)."""
    from PIL import Image, ImageChops

    with Image.open(picture) as image:
        page = image.convert("RGB")
    # The page footer ("Page 1 of 1") sits in the bottom margin: only what is drawn above it is kept.
    body = page.crop((0, 0, page.width, int(page.height * FOOTER_FROM)))
    drawn = ImageChops.difference(body, Image.new("RGB", body.size, "white")).getbbox()
    if drawn is None:
        return
    left, top, right, bottom = drawn
    box = (max(left - MARGIN, 0), max(top - MARGIN, 0), min(right + MARGIN, page.width),
           min(bottom + MARGIN, page.height))
    page.crop(box).save(picture)


def sheet_pdf(workbook: Path, sheet: str, folder: Path, cells: str | None = None) -> Path:
    """``sheet`` alone (or its ``cells``) as LibreOffice prints it, as a PDF in ``folder`` (stored results kept)."""
    single = Path(folder) / "single" / Path(workbook).name  # never the workbook itself
    single.parent.mkdir(parents=True, exist_ok=True)
    only_sheet(Path(workbook), sheet, single, cells)
    (pdf,) = convert([single], "pdf", Path(folder) / "pdf", recalculate=False)
    return pdf


def screenshot(workbook: Path, sheet: str, picture: Path, page: int = 1, dpi: int = DPI,
               cells: str | None = None) -> Path:
    """Draw page ``page`` of ``sheet`` (only its ``cells``, trimmed, when given) as printed by LibreOffice into
    the PNG ``picture``."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise PibError("pdftoppm is needed for pictures: apt-get install poppler-utils")
    with tempfile.TemporaryDirectory(prefix="xl-pib-shot-") as work:
        work = Path(work)
        pdf = sheet_pdf(workbook, sheet, work, cells)
        drawn = subprocess.run([pdftoppm, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                                str(pdf), str(work / "page")], capture_output=True, text=True)
        if drawn.returncode != 0 or not (work / "page.png").exists():
            raise PibError(f"pdftoppm could not draw page {page} of {sheet!r}: {drawn.stderr.strip()[:300]}")
        if cells:
            trim(work / "page.png")
        with replacing(picture) as staged:
            shutil.move(str(work / "page.png"), staged)
    return Path(picture)


def docs_pictures(folder: Path = ROOT / "docs" / "images") -> list[Path]:
    """Rebuild the demo bulletin and the README's walk-through, and redraw every picture the documentation shows."""
    import own_partnership

    with tempfile.TemporaryDirectory(prefix="xl-pib-demo-") as work:
        subprocess.run([sys.executable, "-m", "xl_pib", "demo", "-o", work], check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
        bulletin = Path(work) / "demo_bulletin.xlsx"
        written = [screenshot(bulletin, sheet, folder / name, page) for sheet, page, name in DOCS_PICTURES]
    with tempfile.TemporaryDirectory(prefix="xl-pib-own-") as work:
        own_partnership.walk(Path(work), pdf=False, through=4)  # the workbook and bulletin of steps 1 to 4
        written += [screenshot(Path(work) / book, sheet, folder / name, page, cells=cells)
                    for book, sheet, page, name, cells in OWN_PICTURES]
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workbook", nargs="?", type=Path)
    parser.add_argument("sheet", nargs="?")
    parser.add_argument("picture", nargs="?", type=Path)
    parser.add_argument("--page", type=int, default=1, help="page of the sheet (default 1)")
    parser.add_argument("--dpi", type=int, default=DPI, help=f"resolution (default {DPI})")
    parser.add_argument("--cells", help="only these cells of the sheet (e.g. A1:L5), the margins trimmed")
    parser.add_argument("--docs", action="store_true", help="redraw the documentation's pictures of the demo")
    args = parser.parse_args(argv)
    try:
        if args.docs:
            written = docs_pictures()
        elif args.workbook and args.sheet and args.picture:
            written = [screenshot(args.workbook, args.sheet, args.picture, args.page, args.dpi, args.cells)]
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
