"""Formula-safe CSV outputs (issue 19): every CSV xl-pib writes keeps text that starts with =, +, -, @, a tab or
a carriage return as text, following OWASP's CSV injection guidance, and numbers as numbers.

The CSVs are the real outputs: ``xl-pib ingest police-uk -o counts.csv`` (Data, and the Mapping sheet beside it)
with area names and mapping texts carrying injection attempts, and ``xl-pib batch``'s ``batch_report.csv``
for input files named like formulas. LibreOffice opens each one (headless, CSV to .xlsx) and openpyxl reads
what it made: no formula anywhere, every attempt a text cell, every count a number. The same attempts written
by a plain ``csv.writer`` are opened too, and there LibreOffice does make formulas: the check can fail.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from bad_inputs import INJECTION_PREFIXES, payload
from police_uk_files import street_rows, write_lookup, write_street_csv
from xl_pib.cli import main
from xl_pib.csvfile import FORMULA_STARTS, csv_text, formula_safe

KETTERING = [f"E0102{i:04d}" for i in range(30)]


@pytest.mark.parametrize("text", ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", "=", "-", "+44 1536 000000",
                                  "-inf", '=HYPERLINK("http://example.invalid","x")', "=cmd|' /C calc'!A0"])
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert formula_safe(text) == "'" + text


@pytest.mark.parametrize("value", [-5, -5.25, 0, 12, 1e-9, "-5", "+5", "-0.5", "1.5e-3", "-1E+3", ".5", "Kettering",
                                   "", "a=b", " =1", "'=1", None, True])
def test_numbers_and_other_text_are_unchanged(value):
    assert formula_safe(value) is value


def test_a_separator_or_quote_cannot_start_a_new_cell():
    text = csv_text([["x,=1+1", 'say "=1+1"', "=a,b"]])
    assert next(csv.reader([text])) == ["x,=1+1", 'say "=1+1"', "'=a,b"]


def open_in_libreoffice(soffice: str, files: list[Path], folder: Path) -> dict[str, list[list[tuple]]]:
    """Each CSV as LibreOffice opens it (converted to .xlsx): rows of (value, openpyxl data type)."""
    out = folder / "opened"
    subprocess.run([soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                    "--convert-to", "xlsx", "--outdir", str(out), *map(str, files)],
                   capture_output=True, timeout=300, check=True)
    opened = {}
    for file in files:
        sheet = openpyxl.load_workbook(out / f"{file.stem}.xlsx").active
        opened[file.name] = [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]
    return opened


def cells_with(opened: list[list[tuple]], marker: str) -> list[tuple]:
    return [cell for row in opened for cell in row if isinstance(cell[0], str) and marker in cell[0]]


@pytest.fixture(scope="module")
def attempts() -> list[str]:
    """One attempt per formula start (=, +, -, @, tab =, CR =), each with its own marker INJ<n>."""
    chosen = [payload(n) for n in range(24)]
    return [next(p for p in chosen if p.startswith(prefix)) for prefix in INJECTION_PREFIXES]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory, attempts) -> Path:
    """``xl-pib ingest police-uk -o counts.csv`` with an attempt as each area's name and in the mapping's texts."""
    folder = tmp_path_factory.mktemp("ingest")
    areas = {attempt: KETTERING[5 * k:5 * k + 5] for k, attempt in enumerate(attempts)}
    lookup = write_lookup(folder / "lookup.csv", areas)
    rows = street_rows(np.random.default_rng(7), "2022-01", "Northamptonshire Police", 600, KETTERING,
                       no_lsoa_share=0)
    street = write_street_csv(folder / "2022-01-northamptonshire-street.csv", rows)
    with open(folder / "mapping.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["Crime type", "Indicator", "Name", "Note"],
                                      ["Burglary", "BURG", attempts[0], attempts[1]],
                                      ["Vehicle crime", "VEH", attempts[2], attempts[3]]])
    assert main(["ingest", "police-uk", str(street), "--lookup", str(lookup), "--mapping", str(folder / "mapping.csv"),
                 "-o", str(folder / "counts.csv")]) == 0
    return folder


def test_ingest_csvs_keep_every_attempt_as_text_in_libreoffice(ingested, attempts, soffice, tmp_path):
    files = sorted(ingested.glob("counts*.csv"))
    assert [f.name for f in files] == ["counts.csv", "counts_mapping.csv"]
    opened = open_in_libreoffice(soffice, files, tmp_path)
    everything = [cell for rows in opened.values() for row in rows for cell in row]
    assert not [cell for cell in everything if cell[1] == "f"], "LibreOffice read a formula"
    for attempt in attempts:
        marker = attempt[attempt.index("INJ"):].split("(")[0].split('"')[0].split("!")[0]
        found = [cell for rows in opened.values() for cell in cells_with(rows, marker)]
        assert found, f"{attempt!r} is not in the outputs"
        assert all(kind == "s" and value.startswith("'") and value[1:].lstrip(" ").startswith(FORMULA_STARTS)
                   for value, kind in found), found
    data = opened["counts.csv"]
    assert data[0][:4] == [("Month", "s"), ("Area", "s"), ("Indicator", "s"), ("Value", "s")]
    assert {kind for row in data[1:] for value, kind in row[3:4]} == {"n"}  # the counts stay numbers
    assert sum(value for row in data[1:] for value, _ in row[3:4]) == sum(r[9] in ("Burglary", "Vehicle crime")
                                                                          for r in street_rows(
                                                                              np.random.default_rng(7), "2022-01",
                                                                              "Northamptonshire Police", 600,
                                                                              KETTERING, no_lsoa_share=0))


def test_the_same_attempts_unescaped_become_formulas_in_libreoffice(attempts, soffice, tmp_path):
    """The control: what a plain csv.writer writes, LibreOffice runs (so the test above can fail)."""
    raw = tmp_path / "raw.csv"
    with open(raw, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["Area", "Value"], *[[attempt, 1] for attempt in attempts]])
    opened = open_in_libreoffice(soffice, [raw], tmp_path)["raw.csv"]
    assert any(kind == "f" for row in opened for _, kind in row)


def test_batch_report_keeps_file_names_and_errors_like_formulas_as_text(demo_files, soffice, tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    good, bad = "=INJ901()+1.xlsx", "+INJ902()+1.xlsx"
    shutil.copyfile(demo_files[0], inputs / good)
    (inputs / bad).write_text("Month,Indicator,Value\n", encoding="utf-8")  # not a workbook: a failed row
    assert main(["batch", str(inputs), "-o", str(tmp_path / "out"), "--jobs", "1"]) == 2
    report = tmp_path / "out" / "batch_report.csv"
    rows = {row["file"]: row for row in csv.DictReader(report.open(encoding="utf-8"))}
    assert set(rows) == {"'" + good, "'" + bad}
    assert rows["'" + good]["status"] == "built" and rows["'" + bad]["status"] == "failed"
    opened = open_in_libreoffice(soffice, [report], tmp_path)["batch_report.csv"]
    assert not [cell for row in opened for cell in row if cell[1] == "f"]
    names = {value for row in opened[1:] for value, _ in row[:1]}
    assert names == {"'" + good, "'" + bad}
    header = [value for value, _ in opened[0]]
    assert {row[header.index("seconds")][1] for row in opened[1:]} == {"n"}  # seconds stay numbers
