"""Installing the project makes every face available from anywhere."""

from __future__ import annotations

import shutil
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


def test_the_package_ships_the_demo_data_and_no_development_tool(tmp_path):
    """What setuptools installs (its build_py step, which fills the wheel): the demo's CSVs byte for byte
    beside demo/__init__.py, and nothing from tools/ (the calibration tool and the seed's reader)."""
    from xl_pib.demo import FILES

    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", "__pycache__", "*.egg-info", "build", "dist", "out", ".pytest_cache", ".hypothesis"))
    lib = tmp_path / "lib"
    done = subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py",
                           "--build-lib", str(lib)], cwd=source, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    shipped = sorted(path.relative_to(lib).as_posix() for path in lib.rglob("*") if path.is_file())
    assert "xl_pib/cli.py" in shipped and "pib_udfs.py" in shipped
    assert [path for path in shipped if "calibrat" in path or "seed_figures" in path or path.startswith("tools/")] == []
    demo = [path for path in shipped if path.startswith("xl_pib/demo/")]
    # edits.py: the single-cell leftovers the consistency checks declare as their examples (xl_pib.checks).
    assert demo == sorted(["xl_pib/demo/__init__.py", "xl_pib/demo/edits.py",
                           *(f"xl_pib/demo/{name}" for name in FILES.values())])
    for path in demo:
        assert (lib / path).read_bytes() == (ROOT / path).read_bytes(), path
