"""The bulletin in a real LibreOffice (issue 3: "LibreOffice converts it to PDF; the page count and a
rendered chart are checked" and "Formulas written into the output, if any, recalculate in LibreOffice to
the same values"), and `--pdf` without LibreOffice.

LibreOffice starts cost seconds, so each conversion runs once per module and is shared.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from xl_pib.assess import RESULTS_COLUMNS
from PIL import Image
from python_calamine import CalamineWorkbook

from xl_pib.cli import main
from xl_pib.pdf import convert

RED, GREEN, NAVY = (0xE0, 0x30, 0x1E), (0x00, 0xA6, 0x51), (0x1F, 0x38, 0x64)
A4_POINTS = (595.3, 841.9)


@pytest.fixture(scope="module")
def _converted():
    """Results of LibreOffice runs, made on first use by a test that has the soffice fixture."""
    return {}


@pytest.fixture
def pdf_build(soffice, _converted, demo_files, tmp_path_factory, capsys):
    """`xl-pib build demo_input.xlsx -o OUT.xlsx --pdf`, run once in-process."""
    if "pdf" not in _converted:
        folder = tmp_path_factory.mktemp("pdf_build")
        output = folder / "OUT.xlsx"
        status = main(["build", str(demo_files[0]), "-o", str(output), "--pdf"])
        captured = capsys.readouterr()
        _converted["pdf"] = (status, folder, output, output.with_suffix(".pdf"), captured.out, captured.err)
    return _converted["pdf"]


@pytest.fixture
def roundtrip(soffice, _converted, demo_files, tmp_path_factory):
    """The static demo bulletin saved again as .xlsx by LibreOffice (which recalculates on load)."""
    if "xlsx" not in _converted:
        outdir = tmp_path_factory.mktemp("lo_xlsx")
        (written,) = convert([demo_files[1]], "xlsx", outdir)
        _converted["xlsx"] = written
    return _converted["xlsx"]


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def _near(pixel, colour, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour))


# --- PDF -----------------------------------------------------------------------------------------


def test_build_with_pdf_writes_both_files(pdf_build):
    status, folder, output, pdf, out, err = pdf_build
    assert status == 0, err
    assert output.is_file() and pdf.is_file()
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert f"{output}" in out and f"{pdf}" in out
    assert sorted(p.name for p in folder.iterdir()) == ["OUT.pdf", "OUT.xlsx"]  # no temporary files left


def test_pdf_page_count_and_a4_pages(pdf_build):
    pdf = pdf_build[3]
    pages = page_count(pdf)
    print(f"\nPDF page count: {pages}")
    # Executive Summary + County Targets + CDRP Targets + Perception + Appendices + Metadata.
    assert 8 <= pages <= 40
    sizes = subprocess.run(["pdfinfo", "-f", "1", "-l", str(pages), str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    found = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", sizes)
    assert len(found) == pages
    for width, height in found:
        assert sorted((float(width), float(height))) == pytest.approx(A4_POINTS, abs=1.0)


def test_pdf_holds_the_printed_bulletin_in_order(pdf_build):
    pages = page_texts(pdf_build[3])
    assert len(pages) == page_count(pdf_build[3])
    text = "\f".join(pages)
    assert "Executive Summary: Performance Assessment" in pages[0]
    first_lines = [page.strip().splitlines()[0].strip() if page.strip() else "" for page in pages]
    starts = [first_lines.index(heading) for heading in
              ("County Targets", "CDRP Targets", "Perception", "Appendix A: What this bulletin is for", "Metadata")]
    assert 0 < starts[0] < starts[1] < starts[2] < starts[3] < starts[4] == len(pages) - 1, first_lines
    # Helper and input sheets are not printed.
    for not_printed in ("Months since baseline end (m)", "MSG group population", "Expected level method"):
        assert not_printed not in text


def test_rendered_section_page_draws_the_chart_markers(pdf_build, tmp_path):
    pdf = pdf_build[3]
    pages = page_texts(pdf)
    number = next(i for i, page in enumerate(pages, start=1)
                  if re.search(r"^\s*Vehicle Crime\s*$", page, re.M) and "Performance over the past month" in page)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(number), "-l", str(number), str(pdf),
                    str(tmp_path / "page")], check=True, capture_output=True)
    (png,) = tmp_path.glob("page*.png")
    image = Image.open(png).convert("RGB")
    width, height = image.size
    assert width < height  # portrait A4
    pixels = image.load()
    right = range(int(width * 0.53), width)  # the charts sit right of the Performance Tables
    columns = {name: set() for name in ("red", "green", "navy")}
    for x in right:
        for y in range(height):
            p = pixels[x, y]
            if _near(p, RED):
                columns["red"].add(x)
            elif _near(p, GREEN):
                columns["green"].add(x)
            elif _near(p, NAVY, 30):
                columns["navy"].add(x)
    # Markers spread along the time axis (a legend swatch would only cover a few columns).
    assert len(columns["red"]) >= 15, f"red markers in {len(columns['red'])} pixel columns"
    assert len(columns["green"]) >= 15, f"green markers in {len(columns['green'])} pixel columns"
    assert columns["navy"], "no rolling-12 line or axis text drawn"


# --- formulas and recalculation ------------------------------------------------------------------


def test_static_bulletin_contains_no_formulas(demo_files):
    bulletin = demo_files[1]
    wb = openpyxl.load_workbook(bulletin)
    formulas = [f"{ws.title}!{c.coordinate}" for ws in wb.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    assert not formulas
    with zipfile.ZipFile(bulletin) as zf:
        for part in zf.namelist():
            if part.startswith("xl/worksheets/sheet"):
                assert not re.search(rb"<f[ >]", zf.read(part)), part


def test_libreoffice_recalculation_gives_the_same_results(demo_files, roundtrip):
    ours = CalamineWorkbook.from_path(str(demo_files[1])).get_sheet_by_name("Results").to_python()
    theirs = CalamineWorkbook.from_path(str(roundtrip)).get_sheet_by_name("Results").to_python()
    assert len(ours) == len(theirs) == 29
    for r, (a, b) in enumerate(zip(ours, theirs), start=1):
        assert len(a) == len(b) == len(RESULTS_COLUMNS)
        for c, (x, y) in enumerate(zip(a, b), start=1):
            if isinstance(x, float) and isinstance(y, float):
                # LibreOffice writes 15 significant digits.
                assert math.isclose(x, y, rel_tol=1e-13, abs_tol=1e-15), (r, c, x, y)
            else:
                assert x == y, (r, c, x, y)


# --- --pdf without LibreOffice -------------------------------------------------------------------


def test_pdf_without_libreoffice_fails_clearly_and_writes_nothing(demo_files, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    python = bin_dir / "python"
    python.symlink_to(sys.executable)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    output = out_dir / "OUT.xlsx"
    env = {**os.environ, "PATH": str(bin_dir)}
    done = subprocess.run([str(python), "-m", "xl_pib.cli", "build", str(demo_files[0]), "-o", str(output), "--pdf"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode in (1, 2), done.stderr
    assert "LibreOffice" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not output.exists() and not output.with_suffix(".pdf").exists()
    assert list(out_dir.iterdir()) == []
