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


# --- declare once: figures and settings ------------------------------------------------------------------

import ast  # noqa: E402
from pathlib import Path  # noqa: E402

from xl_pib.figures import REGISTRY  # noqa: E402
from xl_pib.inputs.schema import INPUT_SHEETS  # noqa: E402
from xl_pib.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
# The package, the faces and the development tools (tools/calibrate_demo.py reads the seed's figures by key too).
SOURCES = sorted([*ROOT.joinpath("xl_pib").rglob("*.py"), *ROOT.joinpath("udfs").rglob("*.py"),
                  *ROOT.joinpath("tools").rglob("*.py")])
REGISTRY_MODULE = ROOT / "xl_pib" / "figures.py"
# An outcome's rag and summary, and the input sheets' columns (a typed Baseline, the Measure column), are
# spelled like some figures but are not figures; every other figure key means only its figure.
OUTCOME_COLUMNS = {"rag", "summary", "computed_rag", "computed_summary"}
FIGURE_ONLY_KEYS = {s.key for s in REGISTRY} - {c.key for sheet in INPUT_SHEETS for c in sheet.columns} \
    - OUTCOME_COLUMNS


def _pib_parameters(tree: ast.Module) -> set[str]:
    """The argument names of the =PIB_ functions: they name what Excel's function wizard shows."""
    return {a.arg for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name.startswith("PIB_")
            for a in node.args.args}


def _figure_key_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    allowed = _pib_parameters(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.Lambda)):
            allowed_here = allowed | {a.arg for a in node.args.args + node.args.kwonlyargs}
            for inner in ast.walk(node):
                if isinstance(inner, ast.Constant) and inner.value in FIGURE_ONLY_KEYS \
                        and inner.value not in allowed_here:
                    found.append(f"{path.relative_to(ROOT)}:{inner.lineno} {inner.value!r}")
        elif isinstance(node, ast.Module):
            for stmt in node.body:
                if isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
                    continue
                for inner in ast.walk(stmt):
                    if isinstance(inner, ast.Constant) and inner.value in FIGURE_ONLY_KEYS and inner.value not in allowed:
                        found.append(f"{path.relative_to(ROOT)}:{inner.lineno} {inner.value!r}")
    return sorted(set(found))


def test_no_figure_key_is_spelled_outside_the_registry():
    """Faces read figures by attribute (figures.trend_sufficient, SPEC.rag.key), never by a typed string."""
    assert len(FIGURE_ONLY_KEYS) > 30
    spelled = [hit for path in SOURCES if path != REGISTRY_MODULE for hit in _figure_key_literals(path)]
    assert spelled == []


def test_the_check_would_catch_a_figure_key_spelled_in_a_face(tmp_path):
    face = tmp_path / "face.py"
    face.write_text("def write(assessment):\n    return assessment.results['trend_sufficient']\n")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert _figure_key_literals(face) == ["face.py:2 'trend_sufficient'"]
    finally:
        ROOT = saved


# Names that optional arguments for each setting go by in the engine and the =PIB_ functions.
SETTING_ARGUMENTS = {"band_fraction": {"band", "band_fraction"}, "expected_method": {"method", "expected_method"},
                     "trend_window": {"window", "trend_window"}, "confidence": {"conf", "confidence"},
                     "outcome_rule": {"rule", "outcome_rule"}}


def _could_be(setting: str, value) -> bool:
    """A typed value that could be the setting's own (a number, or one of its choices), not a name bound to it."""
    default = Settings.spec(setting).default
    if isinstance(default, str):
        return isinstance(value, str) and value in Settings.spec(setting).parse.allowed
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _literal_defaults(path: Path) -> list[str]:
    """Parameters or keyword arguments named like a setting whose value is typed in, not read from xl_pib.settings."""
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        pairs = []
        if isinstance(node, (ast.FunctionDef, ast.Lambda)):
            args = node.args
            positional = args.args[len(args.args) - len(args.defaults):]
            pairs += list(zip([a.arg for a in positional], args.defaults))
            pairs += [(a.arg, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
        elif isinstance(node, ast.Call):
            pairs += [(k.arg, k.value) for k in node.keywords if k.arg]
        for name, value in pairs:
            for setting, names in SETTING_ARGUMENTS.items():
                if name in names and isinstance(value, ast.Constant) and _could_be(setting, value.value):
                    found.append(f"{path.relative_to(ROOT)}:{value.lineno} {name}={value.value!r}")
    return found


def test_every_setting_default_is_declared_once():
    """The defaults of the Band fraction, Expected level method, Trend window, Confidence and Outcome RAG rule
    appear only in their declaration (xl_pib/settings.py); every optional argument reads them from there."""
    typed = [hit for path in SOURCES if path.name != "settings.py" for hit in _literal_defaults(path)]
    assert typed == []
    declared = {spec.name: spec.default for spec in Settings.specs()}
    assert declared["trend_window"] == 24 and declared["band_fraction"] == 0.1  # the seed's method
    settings_source = (ROOT / "xl_pib" / "settings.py").read_text()
    for name in SETTING_ARGUMENTS:
        assert settings_source.count(f'"{Settings.spec(name).label}"') == 1, name


def test_the_live_workbook_and_the_functions_read_the_declared_defaults():
    import inspect

    import pib_udfs
    from xl_pib.settings import DEFAULT

    assert inspect.signature(pib_udfs.PIB_LIMITS).parameters["band"].default == DEFAULT.band_fraction
    # A blank trend window is the method's: the classic straight line's 24 months, the trend model's 36.
    assert inspect.signature(pib_udfs.PIB_TREND_SUFFICIENT).parameters["window"].default is None
    assert pib_udfs._window(None) == DEFAULT.trend_window
    assert pib_udfs._glm_window(None) == Settings.spec("trend_window").noise_aware_default
    assert inspect.signature(pib_udfs.PIB_CI_COUNT).parameters["conf"].default == DEFAULT.confidence
    assert inspect.signature(pib_udfs.PIB_OUTCOME_RAG).parameters["rule"].default == DEFAULT.outcome_rule
