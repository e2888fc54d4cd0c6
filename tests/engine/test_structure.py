"""The shape of the code: the engine never imports xlwings, and every face reports errors through one family."""

from __future__ import annotations

import subprocess
import sys

import pytest

from xl_pib import errors


def _imported_after(code: str) -> set[str]:
    """Top-level modules loaded by a fresh interpreter running ``code``."""
    probe = f"import sys\n{code}\nprint('\\n'.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_importing_the_engine_and_every_headless_face_never_imports_xlwings():
    loaded = _imported_after(
        "import xl_pib, xl_pib.assess, xl_pib.build, xl_pib.batch, xl_pib.cli, xl_pib.serve, xl_pib.template, "
        "xl_pib.bulletin, xl_pib.inputs, xl_pib.ingest.commands, xl_pib.demo\n"
        "from xl_pib.assess import assess\nfrom xl_pib.inputs import parse_sheets\nfrom xl_pib.demo import demo_sheets\n"
        "assess(parse_sheets(demo_sheets()))")
    assert "xl_pib" in loaded
    assert "xlwings" not in loaded


def test_serve_does_not_import_the_cli():
    """serve used to import UsageError from cli, which imports serve: a cycle."""
    loaded = _imported_after("import xl_pib.serve\nimport sys\nassert 'xl_pib.cli' not in sys.modules, 'cli imported'")
    assert "xl_pib" in loaded


@pytest.mark.parametrize("module, name", [("xl_pib.cli", "UsageError"), ("xl_pib.serve", "UsageError"),
                                          ("xl_pib.batch", "UsageError"), ("xl_pib.ingest.commands", "UsageError")])
def test_one_usage_error_for_every_face(module, name):
    import importlib

    assert getattr(importlib.import_module(module), name) is errors.UsageError
    assert issubclass(errors.UsageError, errors.PibError)


def test_usage_errors_keep_exit_status_2_and_their_message(tmp_path, capsys):
    from xl_pib.cli import main

    assert main(["batch", str(tmp_path / "nowhere"), "-o", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.strip() == f"xl-pib: {tmp_path / 'nowhere'} is not a folder of input workbooks"
    assert main(["ingest", "counts", str(tmp_path / "c.csv"), "-o", str(tmp_path / "out.txt")]) == 2
    assert "write the counts as .xlsx or .csv" in capsys.readouterr().err
