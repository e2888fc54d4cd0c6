"""Shared fixtures and helpers for the test suite.

The suite is laid out by layer: ``tests/engine`` (the pure engine, seconds),
``tests/faces`` (=PIB_ functions, workbooks, Refresh, xlwings Server),
``tests/cli`` (commands as subprocesses or through ``main``), ``tests/ingest``
and ``tests/hardening``. Markers say what a test needs: ``libreoffice``
(added here to every test using the ``soffice`` fixture), ``server`` (a real
xlwings Server on loopback) and ``slow`` (left out unless ``-m slow``).

The independent oracles (reference data copied from PHEindicatormethods and
NHSRplotthedots test suites; see tests/data/oracles/SOURCES.md) ship with the
repository in ``tests/data/oracles`` so that every clone, CI included, runs
them. ``XL_PIB_SHARED`` may point at the project's shared folder instead, to
check against the master copy in ``<shared>/reference/oracles``.
"""

from __future__ import annotations

import csv
import json
import math
import os

# As xl_pib/__init__.py sets it, for test modules that import openpyxl before xl_pib.
os.environ.setdefault("OPENPYXL_LXML", "False")
from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


DATA_DIR = REPO_ROOT / "tests" / "data"


def oracle_dir() -> Path:
    """tests/data/oracles, or $XL_PIB_SHARED/reference/oracles when that is set."""
    env = os.environ.get("XL_PIB_SHARED")
    if env:
        return Path(env).expanduser().resolve() / "reference" / "oracles"
    return DATA_DIR / "oracles"


def oracle_path(name: str) -> Path:
    """Path of one oracle file; a missing file fails the test (the oracles ship with the repo)."""
    path = oracle_dir() / name
    if not path.is_file():
        pytest.fail(f"reference oracle {name} not found at {path}")
    return path


def _cell(text: str):
    """A CSV cell as a float, or NaN for a blank; text stays text."""
    text = text.strip()
    if text == "" or text.upper() == "NA":
        return math.nan
    try:
        return float(text)
    except ValueError:
        return text


def read_oracle_csv(name: str) -> list[dict]:
    """Rows of an oracle CSV (UTF-8 with or without BOM); numbers as floats, blanks as NaN."""
    with open(oracle_path(name), newline="", encoding="utf-8-sig") as handle:
        return [{k.strip(): _cell(v) for k, v in row.items()} for row in csv.DictReader(handle)]


def spc_oracle_cases() -> list[dict]:
    """NHSRplotthedots' 120 series (nhsr_spc_point_types.csv), one dict per series: its options, values, rebases,
    limits and point types."""
    cases: dict[int, list[dict]] = {}
    for row in read_oracle_csv("nhsr_spc_point_types.csv"):
        cases.setdefault(int(row["case"]), []).append(row)
    out = []
    for number, rows in sorted(cases.items()):
        rows.sort(key=lambda r: r["point"])
        fix = rows[0]["fix_after_n_points"]
        out.append({
            "case": number, "kind": rows[0]["kind"], "fix": None if math.isnan(fix) else int(fix),
            "direction": {"increase": "up", "decrease": "down"}[rows[0]["improvement_direction"]],
            "y": np.array([r["y"] for r in rows]), "rebase": np.array([r["rebase"] for r in rows]),
            "mean": np.array([r["mean"] for r in rows]), "lpl": np.array([r["lpl"] for r in rows]),
            "upl": np.array([r["upl"] for r in rows]), "point_type": [r["point_type"] for r in rows]})
    return out


def read_oracle_json(name: str) -> dict:
    with open(oracle_path(name), encoding="utf-8") as handle:
        return json.load(handle)


def column(rows: list[dict], key: str) -> np.ndarray:
    """One numeric column of oracle rows as a float array (NaN for blanks)."""
    return np.array([row[key] for row in rows], dtype=float)


# Confidence levels used by the PHE oracle files, and the column suffix for each.
CONF_LEVELS = {0.95: "95_0cl", 0.998: "99_8cl"}


def assert_rel_close(actual, expected, rtol=1e-9, what=""):
    """Relative closeness where the expected value is known, NaN exactly where it is blank."""
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    blank = np.isnan(expected)
    assert np.array_equal(np.isnan(actual), blank), (
        f"{what}: NaN pattern differs: engine {actual.tolist()} vs oracle {expected.tolist()}"
    )
    np.testing.assert_allclose(actual[~blank], expected[~blank], rtol=rtol, atol=0, err_msg=what)


def is_na(value) -> bool:
    """An Excel-facing 'not applicable' answer: the label "N/A"."""
    return value == "N/A"


def same_answer(a, b) -> bool:
    """Equal Excel answers: floats to 1e-12 relative, lists element by element, other cells exactly."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_answer(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        if math.isinf(a) or math.isinf(b):
            return a == b
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)
    return a == b and type(a) is type(b)


# --- real engines and the demo, shared by the bulletin and workbook tests ---------------------


def _require_libreoffice() -> str:
    """Path of soffice; without it the test is skipped, or fails when CI requires LibreOffice."""
    import shutil

    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    message = "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
    if os.environ.get("XL_PIB_REQUIRE_LIBREOFFICE"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def soffice() -> str:
    return _require_libreoffice()


@pytest.fixture
def office_bindings(soffice) -> str:
    """LibreOffice with its Python-UNO bindings (apt python3-uno), which `xl-pib batch --pdf` prints through;
    skipped without them, or failed when CI requires LibreOffice (.ci/run installs them)."""
    from xl_pib.office import available

    if not available():
        message = "LibreOffice's Python-UNO bindings are not installed: apt-get install python3-uno"
        if os.environ.get("XL_PIB_REQUIRE_LIBREOFFICE"):
            pytest.fail(message)
        pytest.skip(message)
    return soffice


@pytest.fixture(scope="session")
def demo_sheets():
    from xl_pib.demo import demo_sheets as sheets

    return sheets()


@pytest.fixture(scope="session")
def demo_assessment(demo_sheets):
    from xl_pib.assess import assess
    from xl_pib.inputs import parse_sheets

    return assess(parse_sheets(demo_sheets))


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory):
    """The demo as the CLI writes it: demo_input.xlsx and demo_bulletin.xlsx (no PDF)."""
    from xl_pib.cli import main

    folder = tmp_path_factory.mktemp("demo")
    assert main(["demo", "-o", str(folder)]) == 0
    return folder / "demo_input.xlsx", folder / "demo_bulletin.xlsx"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, demo_assessment):
    """A freshly generated live workbook for the demo inputs."""
    from xl_pib.template import build_template

    path = tmp_path_factory.mktemp("template") / "pib_bulletin.xlsm"
    return build_template(demo_assessment, path)


def pytest_collection_modifyitems(config, items):
    """Mark every test that needs LibreOffice, so ``-m 'not libreoffice'`` leaves them out."""
    for item in items:
        if "soffice" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.libreoffice)
