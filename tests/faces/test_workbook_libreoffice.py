"""LibreOffice opens the live template and a workbook rebuilt by ``xl-pib build BOOK.xlsm``.

Issue 4, "Tests required - LibreOffice". Both .xlsm files go through one headless
LibreOffice start (``xl_pib.pdf.convert``, which recalculates on load) to PDF;
the template also goes to .xlsx, and the Results sheet, written as values by the
refresh, must survive the round trip. (LibreOffice cannot run the =PIB_ Python
functions, so those cells show #NAME? there; docs/excel.md says so.)
"""

from __future__ import annotations

from helpers import assert_results_equal_engine

import re
import shutil
import subprocess

import pytest

from xl_pib.cli import main
from xl_pib.pdf import convert


def pdf_pages(path) -> int:
    """Pages of a PDF: pdfinfo when installed, else the page objects in the file."""
    if shutil.which("pdfinfo"):
        done = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, timeout=60)
        match = re.search(r"^Pages:\s+(\d+)", done.stdout, re.M)
        if done.returncode == 0 and match:
            return int(match.group(1))
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", path.read_bytes()))


@pytest.fixture(scope="module")
def books(demo_template, tmp_path_factory):
    """The template, and the template refreshed by ``xl-pib build`` (different names: one output folder)."""
    folder = tmp_path_factory.mktemp("lo")
    template = folder / "pib_bulletin.xlsm"
    shutil.copy(demo_template, template)
    rebuilt = folder / "pib_bulletin_rebuilt.xlsm"
    assert main(["build", str(template), "-o", str(rebuilt)]) == 0
    return template, rebuilt


def test_libreoffice_opens_template_and_rebuilt_workbook(soffice, books, tmp_path):
    written = convert(list(books), "pdf", tmp_path / "pdf")
    assert [p.name for p in written] == ["pib_bulletin.pdf", "pib_bulletin_rebuilt.pdf"]
    pages = {p.name: pdf_pages(p) for p in written}
    for path in written:
        assert path.read_bytes().startswith(b"%PDF")
    assert all(n >= 10 for n in pages.values()), pages
    assert pages["pib_bulletin.pdf"] == pages["pib_bulletin_rebuilt.pdf"], pages


def test_results_survive_libreoffice(soffice, books, tmp_path, demo_assessment):
    from python_calamine import CalamineWorkbook

    template, _ = books
    (xlsx,) = convert([template], "xlsx", tmp_path / "xlsx")
    book = CalamineWorkbook.from_path(str(xlsx))
    assert "Results" in book.sheet_names and "Executive Summary" in book.sheet_names
    assert_results_equal_engine(book.get_sheet_by_name("Results").to_python(), demo_assessment, live=True)
