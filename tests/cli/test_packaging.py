"""Installing the project makes every face available from anywhere."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_udf_modules_import_from_any_folder(tmp_path):
    """xlwings imports 'pib_udfs' by name (UDF Modules), the Refresh button 'pib_macros', and the button of
    workbooks made before it 'pib_bulletin'."""
    code = "import pib_udfs, pib_macros, pib_bulletin, xl_pib; print(pib_udfs.PIB_RAG('Above Target', 'No'))"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "R"


def test_console_script_and_metadata():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["xl-pib"] == "xl_pib.cli:main"
    assert project["requires-python"] == ">=3.11"
    assert "dev" in project["optional-dependencies"]
    done = subprocess.run(["xl-pib", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "template" in done.stdout


def test_engine_never_imports_xlwings():
    """One engine, many faces: xl_pib is pure; only the faces in udfs/ import xlwings."""
    code = ("import sys, xl_pib.assess, xl_pib.bulletin, xl_pib.cli, xl_pib.inputs, xl_pib.template, "
            "xl_pib.refresh_button, "
            "xl_pib.demo; print('xlwings' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
