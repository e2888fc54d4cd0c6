"""tools/screenshots.py: a workbook sheet drawn by LibreOffice, as the documentation's pictures are."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import helpers  # noqa: F401  (puts tools/ on sys.path)
import screenshots

ROOT = Path(__file__).resolve().parents[2]


def pdf_text(pdf: Path) -> list[str]:
    """Text of each page, by poppler's pdftotext."""
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return pages.stdout.split("\f")[:-1]


@pytest.fixture
def pdftoppm():
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils (pdftoppm) is not installed")


def test_only_the_chosen_sheet_is_printed(soffice, demo_files, tmp_path):
    """Other sheets are hidden and their print areas dropped (LibreOffice prints a hidden sheet with one)."""
    _, bulletin = demo_files
    pages = pdf_text(screenshots.sheet_pdf(bulletin, "Metadata", tmp_path))
    assert len(pages) == 1
    assert "Identifier" in pages[0] and "Security marking" in pages[0]
    assert "Executive Summary" not in pages[0]


def test_stored_results_are_drawn_as_they_are(soffice, tmp_path):
    """A live workbook's =PIB_ cells cannot be computed by LibreOffice: their stored results are kept."""
    import xlsxwriter

    book = tmp_path / "stored.xlsx"
    wb = xlsxwriter.Workbook(book)
    wb.add_worksheet("First").write("A1", "not this sheet")
    wb.add_worksheet("Second").write_formula("A1", "=1+1", None, 5)
    wb.close()
    (page,) = pdf_text(screenshots.sheet_pdf(book, "Second", tmp_path))
    assert page.split() == ["5"]


def test_a_page_becomes_a_png_at_80_dpi(soffice, pdftoppm, demo_files, tmp_path):
    from PIL import Image

    _, bulletin = demo_files
    picture = screenshots.screenshot(bulletin, "Executive Summary", tmp_path / "summary.png")
    with Image.open(picture) as image:
        assert image.format == "PNG"
        assert (image.width, image.height) == (662, 936)  # A4 portrait at 80 dpi
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
        assert len(colours) > 50  # drawn, not a blank page
    assert not list(tmp_path.glob(".*.tmp"))


def test_an_unknown_sheet_is_one_line_naming_the_sheets(demo_files, tmp_path):
    _, bulletin = demo_files
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "screenshots.py"), str(bulletin), "Summary",
                           str(tmp_path / "x.png")], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2
    assert done.stderr.startswith("screenshots: ") and "no sheet called 'Summary'" in done.stderr
    assert "Executive Summary" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.png").exists()
