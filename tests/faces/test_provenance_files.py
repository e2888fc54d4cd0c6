"""Provenance in the files (issue 17, deliverable 3): the input hash survives a re-save and LibreOffice's
round trip and changes with an input cell; the Metadata page lists the method set, the xl-pib version, the
hash and every source; each block prints the month its data run to and its source."""

from __future__ import annotations

import shutil
import subprocess

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from xl_pib import __version__
from xl_pib.inputs import read_workbook
from xl_pib.provenance import input_hash


def metadata(path) -> dict[str, str]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Metadata").to_python()
    return {str(r[0]): str(r[1]) for r in rows if r and r[0]}


@pytest.fixture(scope="module")
def sourced(demo_files, tmp_path_factory):
    """The demo input with a Source typed for two indicators, and its bulletin."""
    from xl_pib.cli import main

    folder = tmp_path_factory.mktemp("provenance")
    wb = openpyxl.load_workbook(demo_files[0])
    ws = wb["Targets"]
    header = [c.value for c in ws[1]]
    column = header.index("Source") + 1 if "Source" in header else len(header) + 1
    ws.cell(1, column, "Source")
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value in ("VEH", "DB"):
            ws.cell(r, column, "Northamptonshire Police recorded crime, extract 2009-12-03")
    msg = wb["MSG"]
    column = msg.max_column + 1
    msg.cell(1, column, "Source")
    for r in range(2, msg.max_row + 1):
        if msg.cell(r, 1).value == "VEH" and msg.cell(r, 2).value == "Kettering":
            msg.cell(r, column, "iQuanta MSG table, Nov 2009 edition")
    wb.save(folder / "input.xlsx")
    assert main(["build", str(folder / "input.xlsx"), "-o", str(folder / "bulletin.xlsx")]) == 0
    return folder / "input.xlsx", folder / "bulletin.xlsx"


def test_a_resave_keeps_the_hash_and_an_input_cell_changes_it(sourced, tmp_path):
    source, _ = sourced
    before = input_hash(read_workbook(source))
    wb = openpyxl.load_workbook(source)
    wb.move_sheet("Data", offset=-2)        # sheet order, widths and formatting are not inputs
    wb["Data"].column_dimensions["A"].width = 30
    wb.save(tmp_path / "resaved.xlsx")
    assert input_hash(read_workbook(tmp_path / "resaved.xlsx")) == before
    wb["Data"]["C2"].value = (wb["Data"]["C2"].value or 0) + 1
    wb.save(tmp_path / "edited.xlsx")
    assert input_hash(read_workbook(tmp_path / "edited.xlsx")) != before


def test_libreoffices_round_trip_keeps_the_hash(sourced, tmp_path, soffice):
    source, _ = sourced
    done = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                           "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(source)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert input_hash(read_workbook(tmp_path / "lo" / source.name)) == input_hash(read_workbook(source))


def test_metadata_lists_method_version_hash_and_sources(sourced):
    source, bulletin = sourced
    meta = metadata(bulletin)
    assert meta["Judgements"].startswith("classic")  # the demo's method set
    assert meta["xl-pib version"] == __version__
    assert meta["Input hash"].startswith(input_hash(read_workbook(source)) + " ")
    assert "Northamptonshire Police recorded crime, extract 2009-12-03 (DB, VEH)" in meta["Source"] or \
        "Northamptonshire Police recorded crime, extract 2009-12-03 (VEH, DB)" in meta["Source"]
    assert meta["Source"].endswith("; MSG: iQuanta MSG table, Nov 2009 edition (VEH)")


def test_each_block_prints_the_month_its_data_run_to_and_its_source(sourced):
    _, bulletin = sourced
    book = CalamineWorkbook.from_path(str(bulletin))
    text = "\n".join(str(v) for name in book.sheet_names if "Targets" in name
                     for row in book.get_sheet_by_name(name).to_python() for v in row if v)
    assert text.count("Source: Northamptonshire Police recorded crime, extract 2009-12-03.") == 2
    assert "Figures for the 12 months to Nov 2009. Source: Northamptonshire Police" in text
    assert text.count("MSG: iQuanta MSG table, Nov 2009 edition.") == 1  # VEH's block only
    assert ("Source: Northamptonshire Police recorded crime, extract 2009-12-03. MSG: iQuanta MSG table, Nov 2009 "
            "edition.") in text


def test_the_printed_page_names_its_source(sourced, tmp_path, soffice):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed")
    from xl_pib.cli import main

    source, _ = sourced
    assert main(["build", str(source), "-o", str(tmp_path / "printed.xlsx"), "--pdf"]) == 0
    text = subprocess.run(["pdftotext", str(tmp_path / "printed.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Source: Northamptonshire Police recorded crime, extract 2009-12-03." in " ".join(text.split())
    assert "sha256:" in text and __version__ in text
