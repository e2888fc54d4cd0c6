"""Deterministic output (issue 6): the same input gives the same bytes.

openpyxl stamps the document's modified time and each zip entry with the clock, and copies a kept VBA
project's parts in set order (which changes with Python's string hashing); ``xl_pib.xlsx.save`` pins
both. Each build here is a separate ``python -m xl_pib`` process with a different PYTHONHASHSEED, run
at a different moment, so nothing can be shared between the two by accident.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def xl_pib(args: list[str], cwd: Path, seed: int, **env) -> None:
    environment = {**os.environ, "PYTHONHASHSEED": str(seed),
                   "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "udfs"), os.environ.get("PYTHONPATH", "")])}
    environment.pop("SOURCE_DATE_EPOCH", None)
    environment.update(env)
    done = subprocess.run([sys.executable, "-m", "xl_pib", *args], cwd=cwd, env=environment, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def twice(tmp_path_factory, demo_files):
    """Every writer run twice: {name: (first bytes, second bytes)}."""
    out = {}
    runs = []
    for seed in (1, 2):
        folder = tmp_path_factory.mktemp(f"run{seed}")
        xl_pib(["demo", "-o", "demo"], folder, seed)
        xl_pib(["build", str(demo_files[0]), "-o", "bulletin.xlsx"], folder, seed)
        xl_pib(["template", "-o", "book.xlsm"], folder, seed)
        xl_pib(["build", "book.xlsm", "-o", "refreshed.xlsm"], folder, seed)
        xl_pib(["build", "book.xlsm", "--values", "-o", "static.xlsx"], folder, seed)
        runs.append(folder)
        time.sleep(1.1)  # a clock-stamped file would now differ
    for name in ("demo/demo_input.xlsx", "demo/demo_bulletin.xlsx", "bulletin.xlsx", "book.xlsm", "refreshed.xlsm",
                 "static.xlsx"):
        out[name] = tuple((folder / name).read_bytes() for folder in runs)
    return out


@pytest.mark.parametrize("name", ["demo/demo_input.xlsx", "demo/demo_bulletin.xlsx", "bulletin.xlsx", "book.xlsm",
                                  "refreshed.xlsm", "static.xlsx"])
def test_same_input_same_bytes(twice, name):
    first, second = twice[name]
    assert first == second, f"{name}: two builds of the same input differ"


def test_document_and_zip_times_are_pinned(twice, tmp_path):
    path = tmp_path / "book.xlsm"
    path.write_bytes(twice["book.xlsm"][0])
    with zipfile.ZipFile(path) as package:
        assert {info.date_time for info in package.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = package.read("docProps/core.xml").decode()
    assert re.findall(r"<dcterms:(created|modified)[^>]*>([^<]+)<", core) == [
        ("created", "2000-01-01T00:00:00Z"), ("modified", "2000-01-01T00:00:00Z")]


def test_source_date_epoch_is_honoured(tmp_path, demo_files, twice):
    xl_pib(["build", str(demo_files[0]), "-o", "bulletin.xlsx"], tmp_path, 3, SOURCE_DATE_EPOCH="1262347200")
    path = tmp_path / "bulletin.xlsx"
    with zipfile.ZipFile(path) as package:
        assert {info.date_time for info in package.infolist()} == {(2010, 1, 1, 12, 0, 0)}
        core = package.read("docProps/core.xml").decode()
    assert "2010-01-01T12:00:00Z" in core
    assert path.read_bytes() != twice["bulletin.xlsx"][0]


def test_committed_workbook_is_byte_identical_to_a_fresh_template(demo_template):
    """`xl-pib template -o workbook/pib_bulletin.xlsm` reproduces the committed file exactly."""
    import os

    if os.environ.get("SOURCE_DATE_EPOCH"):
        pytest.skip("SOURCE_DATE_EPOCH changes the pinned dates")
    assert (REPO / "workbook" / "pib_bulletin.xlsm").read_bytes() == demo_template.read_bytes()
