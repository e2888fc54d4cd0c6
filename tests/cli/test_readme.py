"""The README's promises: its two commands, CI running the same test command, and every example."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import numpy as np
import pytest

import pib_udfs

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def code_blocks() -> list[str]:
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", README, flags=re.S)]


def test_readme_starts_with_the_two_commands():
    head = README.split("\n## ")[0]
    demo, tests = code_blocks()[:2]
    assert head.index(demo) < head.index(tests)
    assert "xl_pib demo" in demo and "pip install" in demo
    assert "pytest" in tests and "pip install" in tests and "libreoffice" in tests


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text()
    assert code_blocks()[1] in ci.splitlines()


def _function_table_examples() -> list[tuple[str, str]]:
    table = README.split("## Excel functions")[1].split("\n## ")[0]
    return re.findall(r"`(=PIB_[^`]+)` → ([^;|]+)", table)


EXAMPLES = _function_table_examples()


def test_every_readme_function_exists_and_is_documented():
    documented = set(re.findall(r"`(PIB_[A-Z0-9_]+)\(", README))
    defined = {n for n, _ in inspect.getmembers(pib_udfs, inspect.isfunction) if n.startswith("PIB_")}
    assert documented == defined
    assert len(EXAMPLES) >= 15


def _expected(text: str):
    values = []
    for part in text.strip().split(","):
        part = part.strip()
        number = re.fullmatch(r"([-+]?[0-9.]+)(%?)", part)
        values.append((float(number.group(1)) / (100 if number.group(2) else 1), len(number.group(1).split(".")[-1])
                       + (2 if number.group(2) else 0) if "." in number.group(1) else 0) if number else part)
    return values


@pytest.fixture(scope="module")
def parser():
    formulas = pytest.importorskip("formulas")
    import formulas.functions

    for name, func in inspect.getmembers(pib_udfs, inspect.isfunction):
        if name.startswith("PIB_"):
            def call(*args, _f=func):
                plain = [a.tolist() if isinstance(a, np.ndarray) else a for a in args]
                out = _f(*plain)
                return np.array(out, dtype=object) if isinstance(out, list) else out
            formulas.get_functions()[name] = formulas.functions.wrap_ranges_func(call)
    return formulas.Parser()


@pytest.mark.parametrize("formula,expected", EXAMPLES, ids=[f for f, _ in EXAMPLES])
def test_readme_example_evaluates_as_documented(parser, formula, expected):
    """Each example is evaluated by a real formula engine (the `formulas` package)."""
    result = parser.ast(formula)[1].compile()()
    got = np.asarray(result, dtype=object).ravel().tolist()
    want = _expected(expected)
    assert len(got) == len(want), (formula, got)
    for value, spec in zip(got, want):
        if isinstance(spec, tuple):
            number, decimals = spec
            assert round(float(value), decimals) == pytest.approx(number), (formula, value)
        else:
            assert value == spec, (formula, value)


def test_readme_narrative_example(parser):
    formula, sentence = re.search(r"`(=PIB_NARRATIVE\([^`]+\))` →\s*\*(.+?)\*", README, flags=re.S).groups()
    assert parser.ast(formula)[1].compile()() == " ".join(sentence.split())
