"""Bad input to xl-pib ingest (issue 7): one line naming the file (and line or column) and what was expected,
exit status 2, nothing written, never a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from police_uk_files import COLUMNS, street_rows, write_lookup, write_street_csv
from xl_pib.cli import main

LSOAS = [f"E0102{i:04d}" for i in range(20)]


def street_file(path: Path, month="2022-01", force="Northamptonshire Police", n=60, seed=0) -> Path:
    return write_street_csv(path, street_rows(np.random.default_rng(seed), month, force, n, LSOAS))


@pytest.fixture
def lookup(tmp_path) -> Path:
    return write_lookup(tmp_path / "lookup.csv", {"Kettering": LSOAS})


def refused(capsys, args, output: Path, *fragments: str) -> str:
    status = main([str(a) for a in args])
    err = capsys.readouterr().err
    assert status == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("xl-pib: "), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert not output.exists()
    assert not list(output.parent.glob(".*.tmp"))  # no temporary file left (xlsx.replacing's names)
    return lines[0]


def police(files, lookup, output):
    return ["ingest", "police-uk", *files, "--lookup", lookup, "-o", output]


def test_wrong_header(tmp_path, lookup, capsys):
    header = [("Crime category" if c == "Crime type" else c) for c in COLUMNS]
    rows = street_rows(np.random.default_rng(1), "2022-01", "Northamptonshire Police", 10, LSOAS)
    bad = write_street_csv(tmp_path / "2022-01-x-street.csv", rows, header=header)
    out = tmp_path / "out.csv"
    line = refused(capsys, police([bad], lookup, out), out, "2022-01-x-street.csv row 1, column '10'",
                   "expected 'Crime type'", "got 'Crime category'")
    assert line.count("xl-pib") == 1


def test_truncated_file(tmp_path, lookup, capsys):
    good = street_file(tmp_path / "2022-01-x-street.csv")
    data = good.read_bytes()
    good.write_bytes(data[: len(data) - 90])  # cut in the middle of the last line, as an interrupted download
    lines = data[: len(data) - 90].count(b"\n") + 1
    out = tmp_path / "out.xlsx"
    refused(capsys, police([good], lookup, out), out, f"2022-01-x-street.csv row {lines}", "truncated")


def test_mixed_months_in_one_file(tmp_path, lookup, capsys):
    rng = np.random.default_rng(2)
    rows = street_rows(rng, "2022-01", "Northamptonshire Police", 30, LSOAS) + \
        street_rows(rng, "2022-02", "Northamptonshire Police", 5, LSOAS)
    bad = write_street_csv(tmp_path / "2022-01-x-street.csv", rows)
    out = tmp_path / "out.csv"
    refused(capsys, police([bad], lookup, out), out, "2022-01-x-street.csv", "one month per police.uk file",
            "2022-01 and 2022-02")


def test_lookup_with_an_lsoa_in_two_areas(tmp_path, capsys):
    file = street_file(tmp_path / "2022-01-x-street.csv")
    lookup = tmp_path / "lookup.csv"
    lookup.write_text("LSOA code,Area\nE01020000,Kettering\nE01020001,Kettering\nE01020000,Corby\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    refused(capsys, police([file], lookup, out), out, "lookup.csv row 4, column 'LSOA code'",
            "each LSOA in one area (it is in Kettering on row 2)", "'E01020000'")


def test_the_same_file_given_twice(tmp_path, lookup, capsys):
    file = street_file(tmp_path / "2022-01-x-street.csv")
    out = tmp_path / "out.csv"
    refused(capsys, police([file, file], lookup, out), out, "2022-01-x-street.csv", "given twice")


def test_the_same_month_and_force_in_two_files(tmp_path, lookup, capsys):
    file = street_file(tmp_path / "a" / "2022-01-northants-street.csv")
    copy = tmp_path / "b" / "2022-01-northants-street.csv"
    copy.parent.mkdir()
    shutil.copy(file, copy)
    out = tmp_path / "out.csv"
    refused(capsys, police([tmp_path / "a", tmp_path / "b"], lookup, out), out,
            "each month and force once; 2022-01 Northamptonshire Police is already in")


def test_a_folder_and_its_own_archive(tmp_path, lookup, capsys):
    street_file(tmp_path / "dl" / "2022-01" / "2022-01-northants-street.csv")
    with zipfile.ZipFile(tmp_path / "dl.zip", "w") as zf:
        zf.write(tmp_path / "dl" / "2022-01" / "2022-01-northants-street.csv", "2022-01/2022-01-northants-street.csv")
    out = tmp_path / "out.csv"
    refused(capsys, police([tmp_path / "dl", tmp_path / "dl.zip"], lookup, out), out,
            "2022-01 Northamptonshire Police is already in")


def test_non_utf8_in_a_column_the_ingest_reads_is_refused_with_its_line(tmp_path, lookup, capsys):
    file = street_file(tmp_path / "2022-01-x-street.csv")
    text = file.read_bytes().replace(b",Public order,", ",Public \u00f6rder,".encode("cp1252"), 1)
    file.write_bytes(text)
    line = text[: text.index(b"\xf6rder")].count(b"\n") + 1
    out = tmp_path / "out.csv"
    refused(capsys, police([file], lookup, out), out, f"2022-01-x-street.csv row {line}", "UTF-8")


def test_windows_1252_in_columns_the_ingest_never_reads_is_counted_as_usual(tmp_path, lookup, capsys):
    """Deliberate: only Month, Reported by, LSOA code and Crime type are decoded, so a file re-saved in
    Windows-1252 with 'Caf\u00e9' in its Location counts exactly as the UTF-8 original."""
    original = street_file(tmp_path / "utf8" / "2022-01-x-street.csv")
    recoded = tmp_path / "cp1252" / "2022-01-x-street.csv"
    recoded.parent.mkdir()
    text = original.read_bytes().replace(b"On or near ", "On or near Caf\u00e9 ".encode("cp1252"))
    assert b"\xe9" in text
    recoded.write_bytes(text)
    for folder in ("utf8", "cp1252"):
        assert main(["ingest", "police-uk", str(tmp_path / folder), "--lookup", str(lookup),
                     "-o", str(tmp_path / f"{folder}.csv")]) == 0
    assert (tmp_path / "utf8.csv").read_text() == (tmp_path / "cp1252.csv").read_text()


def test_non_utf8_lookup_is_refused(tmp_path, capsys):
    file = street_file(tmp_path / "2022-01-x-street.csv")
    lookup = tmp_path / "lookup.csv"
    lookup.write_bytes("LSOA code,Area\nE01020000,Ynys M\u00f4n\n".encode("cp1252"))
    out = tmp_path / "out.csv"
    refused(capsys, police([file], lookup, out), out, "lookup.csv row 2", "UTF-8", "0xF4")


def test_truncated_archive(tmp_path, lookup, capsys):
    file = street_file(tmp_path / "2022-01-x-street.csv", n=400)
    archive = tmp_path / "dl.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(file, "2022-01/2022-01-x-street.csv")
    archive.write_bytes(archive.read_bytes()[:-200])
    out = tmp_path / "out.csv"
    refused(capsys, police([archive], lookup, out), out, "dl.zip", "a complete .zip archive")


def test_an_existing_output_is_left_untouched(tmp_path, lookup, capsys):
    file = street_file(tmp_path / "2022-01-x-street.csv")
    out = tmp_path / "out.csv"
    out.write_text("earlier output\n")
    assert main(["ingest", "police-uk", str(file), str(file), "--lookup", str(lookup), "-o", str(out)]) == 2
    assert out.read_text() == "earlier output\n"


def test_no_traceback_from_the_real_command(tmp_path, lookup):
    header = [("Date" if c == "Month" else c) for c in COLUMNS]
    bad = write_street_csv(tmp_path / "2022-01-x-street.csv", [], header=header)
    done = subprocess.run([sys.executable, "-m", "xl_pib", "ingest", "police-uk", str(bad), "--lookup", str(lookup),
                           "-o", str(tmp_path / "o.csv")], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.startswith("xl-pib: ") and "2022-01-x-street.csv row 1, column '2'" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_month_that_is_not_yyyy_mm(tmp_path, lookup, capsys):
    rows = street_rows(np.random.default_rng(4), "Jan-22", "Northamptonshire Police", 20, LSOAS)
    bad = write_street_csv(tmp_path / "2022-01-x-street.csv", rows)
    out = tmp_path / "out.csv"
    refused(capsys, police([bad], lookup, out), out, "column 'Month'", "a month as YYYY-MM", "got 'Jan-22'")


def test_two_forces_in_one_file(tmp_path, lookup, capsys):
    rng = np.random.default_rng(6)
    rows = street_rows(rng, "2022-01", "Northamptonshire Police", 20, LSOAS) + \
        street_rows(rng, "2022-01", "British Transport Police", 3, LSOAS)
    bad = write_street_csv(tmp_path / "2022-01-x-street.csv", rows)
    out = tmp_path / "out.csv"
    refused(capsys, police([bad], lookup, out), out, "column 'Reported by'", "one force per police.uk file")


def test_a_header_only_file_is_read_as_zero_rows(tmp_path, lookup, capsys):
    full = street_file(tmp_path / "dl" / "2022-01" / "2022-01-a-street.csv")
    empty = write_street_csv(tmp_path / "dl" / "2022-02" / "2022-02-a-street.csv", [])
    assert main(["ingest", "police-uk", str(tmp_path / "dl"), "--lookup", str(lookup),
                 "-o", str(tmp_path / "o.csv")]) == 0
    out = capsys.readouterr().out
    assert f"{empty}: 0" in out and f"{full}: 60" in out


@pytest.mark.parametrize("bomb", ["xml", "zip"])
@pytest.mark.parametrize("role", ["counts file", "--into workbook"])
def test_hostile_workbooks_are_refused_before_any_parser(bomb, role, demo_sheets, tmp_path, capsys):
    """Ingest opens workbooks through the same guard as `xl-pib build`: a bomb never reaches calamine or openpyxl."""
    from bad_inputs import xml_bomb, zip_bomb

    hostile = (xml_bomb if bomb == "xml" else zip_bomb)(demo_sheets, tmp_path / "hostile.xlsx")
    output = tmp_path / "out.xlsx"
    if role == "counts file":
        args = ["ingest", "counts", hostile, "-o", output]
    else:
        counts = tmp_path / "counts.csv"
        counts.write_text("Month,Indicator,Value\n2009-10,VEH,41\n", encoding="utf-8")
        args = ["ingest", "counts", counts, "--into", hostile, "-o", output]
    refused(capsys, args, output, "hostile.xlsx", "bomb")
