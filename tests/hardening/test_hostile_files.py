"""Hostile files (issue 6, "Hostile files"): zip bombs, XML bombs and oversized inputs are refused
quickly, in little memory, with one clear line, before python-calamine or openpyxl unpack anything.

Each check runs the real ``xl-pib build`` in a subprocess and measures its wall time and peak resident
memory (``os.wait4``'s rusage of that child); the 5 s and 300 MB bounds are the issue's correctness bounds.
An address-space limit (RLIMIT_AS, 3 GB) keeps a regression from taking the machine down with it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from bad_inputs import BILLION_LAUGHS, demo_input, lying_zip_bomb, xml_bomb, zip_bomb

SECONDS, MEGABYTES = 5.0, 300.0
REPO = Path(__file__).resolve().parents[2]


MEASURE = r"""
import os, subprocess, sys, time, resource, json
def limit():
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
started = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=limit)
out, err = child.communicate(timeout=120)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"status": child.returncode, "stderr": err.decode(), "seconds": seconds, "megabytes": peak}))
"""


def measure(source: Path, output: Path, env: dict | None = None) -> dict:
    """Run the build under a tiny parent whose only child is the build, so RUSAGE_CHILDREN is the build's peak."""
    import json

    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "udfs"),
                                                                 os.environ.get("PYTHONPATH", "")]), **(env or {})}
    done = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, "-m", "xl_pib", "build", str(source),
                           "-o", str(output)], capture_output=True, text=True, env=environment, timeout=180)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def external_entity(sheets, path: Path) -> Path:
    """XXE: a shared string that would read a local file."""
    demo_input(sheets, path)
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            target.writestr(info, data)
        target.writestr("xl/sharedStrings.xml",
                        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&x;</t>'
                        b"</si></sst>")
    return path


HOSTILE = {
    "zip bomb, 2 GB": (lambda s, p: zip_bomb(s, p, 2.0), "input.xlsx", "zip bomb"),
    "zip bomb, 0.5 GB at 1000:1": (lambda s, p: zip_bomb(s, p, 0.5), "input.xlsx", "zip bomb"),
    "zip bomb declaring 100 kB for 0.5 GB": (lying_zip_bomb, "input.xlsx", "zip bomb"),
    "zip bomb as a live .xlsm": (lambda s, p: zip_bomb(s, p, 2.0), "book.xlsm", "zip bomb"),
    "XML bomb (billion laughs)": (xml_bomb, "input.xlsx", "XML bomb"),
    "XML bomb as a live .xlsm": (xml_bomb, "book.xlsm", "XML bomb"),
    "external entity (XXE)": (external_entity, "input.xlsx", "document type declarations"),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_file_refused_within_5s_and_300MB(kind, demo_sheets, tmp_path):
    make, name, words = HOSTILE[kind]
    source = make(demo_sheets, tmp_path / name)
    output = tmp_path / "out" / ("bulletin.xlsm" if name.endswith(".xlsm") else "bulletin.xlsx")
    got = measure(source, output)
    lines = got["stderr"].strip().splitlines()
    print(f"\n{kind}: {source.stat().st_size / 1e6:.2f} MB file refused in {got['seconds']:.2f}s, "
          f"peak {got['megabytes']:.0f} MB: {lines}")
    assert got["status"] == 2
    assert len(lines) == 1 and lines[0].startswith(f"xl-pib: {name}: expected ") and words in lines[0], lines
    assert got["seconds"] < SECONDS
    assert got["megabytes"] < MEGABYTES
    assert not output.parent.exists()


def test_the_zip_bomb_really_unpacks_to_gigabytes(demo_sheets, tmp_path):
    source = zip_bomb(demo_sheets, tmp_path / "bomb.xlsx", 2.0)
    with zipfile.ZipFile(source) as package:
        unpacked = sum(i.file_size for i in package.infolist())
    assert source.stat().st_size < 5e6 and unpacked > 2e9


def test_openpyxl_parses_with_defusedxml(demo_sheets, tmp_path):
    """defusedxml is installed, so openpyxl (which reads the live .xlsm) refuses entity bombs itself too."""
    import openpyxl
    from defusedxml import DefusedXmlException
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True
    assert b"<!ENTITY lol9" in BILLION_LAUGHS
    source = xml_bomb(demo_sheets, tmp_path / "bomb.xlsx")
    started = time.perf_counter()
    with pytest.raises(ValueError) as raised:  # openpyxl wraps what its XML parser raised
        openpyxl.load_workbook(source)
    assert isinstance(raised.value.__cause__, DefusedXmlException), repr(raised.value.__cause__)
    assert time.perf_counter() - started < SECONDS


def test_input_over_the_size_limit_is_refused_politely(demo_sheets, tmp_path):
    source = demo_input(demo_sheets, tmp_path / "input.xlsx")
    output = tmp_path / "out" / "bulletin.xlsx"
    got = measure(source, output, env={"XL_PIB_MAX_INPUT_MB": "0.02"})
    size = source.stat().st_size / 1e6
    assert got["status"] == 2
    assert got["stderr"].strip() == (f"xl-pib: input.xlsx: expected an input file of at most 0.02 MB (this one is "
                                     f"{size:.1f} MB; set XL_PIB_MAX_INPUT_MB to allow larger files)")
    assert not output.parent.exists()
    # Raising the limit lets the same file through.
    assert measure(source, output, env={"XL_PIB_MAX_INPUT_MB": "5"})["status"] == 0
    assert output.exists()


def test_a_size_limit_that_is_not_a_number_is_named(demo_sheets, tmp_path):
    source = demo_input(demo_sheets, tmp_path / "input.xlsx")
    got = measure(source, tmp_path / "out.xlsx", env={"XL_PIB_MAX_INPUT_MB": "lots"})
    assert got["status"] == 2
    assert got["stderr"].strip() == "xl-pib: XL_PIB_MAX_INPUT_MB: expected a positive number of megabytes; got 'lots'"
