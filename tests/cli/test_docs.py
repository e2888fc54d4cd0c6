"""The documentation site: it builds strictly and offline, it covers every function, and its examples are true.

``mkdocs build --strict`` fails on a broken link or anchor, a page missing from
the navigation (or a navigation entry without its page), and on any page that
has drifted from the code it is generated from (``docs/hooks/generate.py``).
"""

from __future__ import annotations

import html
import inspect
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from helpers import docs_nav_pages as nav_pages  # (helpers puts tools/ on sys.path)
import pib_udfs
from udf_reference import functions

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def build_site(project: Path, site: Path) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` of ``project`` into ``site``, as a maintainer or CI runs it."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=os.pathsep.join(
        p for p in (str(ROOT), str(ROOT / "udfs"), os.environ.get("PYTHONPATH", "")) if p))
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
                           str(project / "mkdocs.yml"), "--site-dir", str(site)],
                          capture_output=True, text=True, env=env, cwd=project, timeout=300)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = build_site(ROOT, out)
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def test_every_page_is_in_the_navigation_and_every_entry_has_a_page():
    pages = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")}
    assert pages == nav_pages()


def test_the_site_builds_strictly(site):
    for page in nav_pages():
        built = site / ("index.html" if page == "index.md" else page.removesuffix(".md") + "/index.html")
        assert built.is_file(), page


def test_the_site_needs_no_network(site):
    """No web fonts, scripts or styles from the internet: the site builds and reads offline."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    assert config["theme"]["font"] is False
    fetched = set()
    for page in site.rglob("*.html"):
        fetched |= set(re.findall(r"<(?:link|script|img)\b[^>]*\b(?:src|href)=\"(https?://[^\"]+)\"", page.read_text()))
    assert not fetched


def _sections(html: str) -> dict[str, str]:
    """Function reference HTML cut at each function's heading: id -> its section."""
    parts = re.split(r'<h3 id="(pib_\w+)"', html)
    return dict(zip(parts[1::2], parts[2::2]))


def test_the_reference_lists_every_function_with_every_argument(site):
    defined = {name: func for name, func in inspect.getmembers(pib_udfs, inspect.isfunction)
               if name.startswith("PIB_")}
    sections = _sections((site / "functions" / "index.html").read_text())
    assert set(sections) == {name.lower() for name in defined}
    for name, func in defined.items():
        section = sections[name.lower()]
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", section)).split())
        assert func.__doc__.split(" Example")[0] in text, name
        for parameter in inspect.signature(func).parameters.values():
            shown = parameter.name if parameter.default is inspect.Parameter.empty else f"[{parameter.name}]"
            assert f"<code>{shown}</code>" in section, (name, shown)


EXAMPLES = [(f.name, e) for f in functions() for e in f.examples]


def test_the_functions_carry_their_examples():
    assert len(EXAMPLES) >= 24
    assert len({name for name, _ in EXAMPLES}) >= 22


@pytest.fixture(scope="module")
def parser():
    """A real formula engine (the `formulas` package) that knows the =PIB_ functions."""
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


def evaluate(parser, formula: str) -> list:
    result = parser.ast(formula)[1].compile()()
    return [None if v is None or v == "" else v for v in np.asarray(result, dtype=object).ravel().tolist()]


@pytest.mark.parametrize("example", [e for _, e in EXAMPLES], ids=[e.formula for _, e in EXAMPLES])
def test_every_docstring_example_evaluates_as_documented(parser, example):
    got = evaluate(parser, example.formula)
    want = example.expected()
    assert len(got) == len(want), (example.formula, got)
    for value, spec in zip(got, want):
        if isinstance(spec, tuple):
            number, decimals = spec
            assert round(float(value), decimals) == pytest.approx(number), (example.formula, value)
        else:
            assert value == spec, (example.formula, value)


def test_the_narrative_example_on_the_functions_page(parser):
    page = (DOCS / "functions.md").read_text()
    formula, sentence = re.search(r"`(=PIB_NARRATIVE\([^`]+\))` →\s*\*(.+?)\*", page, flags=re.S).groups()
    assert parser.ast(formula)[1].compile()() == " ".join(sentence.split())


def test_an_example_that_is_wrong_fails(parser):
    """The comparison above is not vacuous: a wrong result is caught."""
    (example,) = [e for name, e in EXAMPLES if name == "PIB_TRAJECTORY"]
    wrong = type(example)(example.formula, "295.9")
    assert round(evaluate(parser, wrong.formula)[0], 1) != wrong.expected()[0][0]


# --- pages that drift from the code stop the build -------------------------------------------------


@pytest.fixture(scope="module")
def hook():
    """docs/hooks/generate.py, loaded as MkDocs loads it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate_hook", DOCS / "hooks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.on_config({})
    return module


def _generate(hook, page: str, text: str) -> str:
    from types import SimpleNamespace

    return hook.on_page_markdown(text, SimpleNamespace(file=SimpleNamespace(src_uri=page)), None, None)


@pytest.mark.parametrize("page,old,new,message", [
    ("input-workbook.md", "<!-- generate: columns Data -->", "<!-- generate: columns Date -->",
     "no input sheet called 'Date'"),
    ("measures.md", "<!-- generate: figure rag -->", "<!-- generate: figure rag -->\n<!-- generate: figure rags -->",
     "no computed figure 'rags'"),
])
def test_a_page_that_drifts_from_the_code_stops_the_build(hook, page, old, new, message):
    """``new`` None: the row starting with ``old`` is deleted."""
    text = (DOCS / page).read_text()
    assert _generate(hook, page, text)  # as written, the page is generated
    assert old in text
    if new is None:
        broken = "".join(line for line in text.splitlines(keepends=True) if not line.startswith(old))
    else:
        broken = text.replace(old, new, 1)
    with pytest.raises(Exception, match=re.escape(message)):
        _generate(hook, page, broken)


def test_generated_tables_take_required_and_default_from_the_code(hook):
    from xl_pib.inputs.schema import TARGETS
    from xl_pib.settings import Settings

    page = _generate(hook, "input-workbook.md", (DOCS / "input-workbook.md").read_text())
    assert "<!--" not in page

    def cells(start: str) -> list[str]:
        return [c.strip() for c in next(line for line in page.splitlines() if line.startswith(start)).split("|")]

    for spec in Settings.specs():  # the settings table is the settings' declarations, every one of them
        row = cells(f"| {spec.label} |")
        assert row[2] == ("yes" if spec.required else ""), spec.label
        assert row[4] == spec.help, spec.label
        if not spec.required:
            assert row[3] == ("blank" if spec.default == "" else f"`{spec.default}`"), spec.label
    assert cells("| Trend window |")[2:4] == ["", f"`{Settings.spec('trend_window').default}`"]
    assert cells("| Partnership |")[2:4] == ["yes", ""]
    from xl_pib.inputs.schema import INPUT_SHEETS

    for sheet in INPUT_SHEETS:  # each column table is the sheet's declaration: header, required and help
        generated = _generate(hook, "input-workbook.md", f"<!-- generate: columns {sheet.name} -->\n")
        rows = [[c.strip() for c in line.strip("|").split(" | ")] for line in generated.strip().splitlines()[2:]]
        assert rows == [[c.header, "yes" if c.required else "", c.help.replace("|", "\\|")] for c in sheet.columns]
    required = {c.header: c.required for c in TARGETS.columns}
    assert cells("| Target value |")[2] == ("yes" if required["Target value"] else "")
    assert cells("| Indicator |")[2] == ("yes" if required["Indicator"] else "")


def test_server_settings_and_mappings_are_generated_from_the_code(hook):
    import csv

    from xl_pib import serve

    page = _generate(hook, "server-deployment.md", (DOCS / "server-deployment.md").read_text())
    assert all(f"| `{name}` | {f'`{default}`' if default else 'unset'} | {meaning} |" in page
               for name, (default, meaning) in serve.SETTINGS.items())
    page = _generate(hook, "ingest.md", (DOCS / "ingest.md").read_text())
    for name in ("police_uk_mapping.csv", "offence_code_mapping.csv"):
        with open(ROOT / "xl_pib" / "ingest" / "mappings" / name, encoding="utf-8") as handle:
            rows = [r for r in csv.DictReader(handle) if r["Indicator"]]
        assert rows and all(f"| {r['Name']} `{r['Indicator']}` |" in page for r in rows), name
    assert "| Vehicle Crime `VEH` | Vehicle crime | 37.2, 45, 48, 126 |" in page


def test_broken_links_and_stray_pages_stop_the_build(tmp_path):
    """A copy of the documentation beside links to this checkout's code, broken on purpose."""
    shutil.copy(ROOT / "mkdocs.yml", tmp_path)
    shutil.copytree(DOCS, tmp_path / "docs")
    for folder in ("xl_pib", "udfs", "tools", "benchmarks"):
        (tmp_path / folder).symlink_to(ROOT / folder)
    (tmp_path / "docs" / "stray.md").write_text("# A page nobody can reach\n")
    index = tmp_path / "docs" / "index.md"
    index.write_text(index.read_text().replace("(own-partnership.md)", "(own-partnerships.md)", 1)
                     .replace("(measures.md)", "(measures.md#no-such-section)", 1))
    done = build_site(tmp_path, tmp_path / "site")
    assert done.returncode != 0
    output = done.stdout + done.stderr
    for message in ("stray.md", "own-partnerships.md", "no-such-section", "Aborted with 3 warnings in strict mode"):
        assert message in output, (message, output[-2000:])


def test_the_benchmark_page_includes_the_results_file_when_there_is_one(hook, tmp_path, monkeypatch):
    page = (DOCS / "benchmarks.md").read_text()
    monkeypatch.setattr(hook, "RESULTS", tmp_path / "RESULTS.md")
    assert "python benchmarks/run.py --write" in _generate(hook, "benchmarks.md", page)
    (tmp_path / "RESULTS.md").write_text("# Results\n\n| benchmark | measured |\n|---|---|\n| engine | 0.15 s |\n")
    generated = _generate(hook, "benchmarks.md", page)
    assert "| engine | 0.15 s |" in generated and "## Results" in generated and "--write" not in generated


def test_the_pictures_are_the_ones_the_screenshot_tool_draws():
    import screenshots

    shown = {m for page in DOCS.rglob("*.md") for m in re.findall(r"\]\(images/([\w.-]+)\)", page.read_text())}
    drawn = screenshots.picture_names()
    assert shown == drawn
    assert all((DOCS / "images" / name).is_file() for name in drawn)


@pytest.mark.parametrize("old, new, key", [
    ("## RAG {#rag}", "## RAG rating", "rag"),
    ("## Current\n", "## Current position\n", "current"),
    ("## MSG side {#msg_side}", "## The side of the average", "msg_side"),
])
def test_a_figure_without_a_section_of_its_own_is_documented_from_its_declaration(hook, old, new, key):
    """A figure added to the registry needs no edit of the docs: the page generates its section."""
    from xl_pib.figures import BY_KEY

    text = (DOCS / "measures.md").read_text()
    assert old in text
    page = _generate(hook, "measures.md", text.replace(old, new, 1))
    spec = BY_KEY[key]
    generated = page.split("## Every other figure")[1]
    assert f"### {spec.column or spec.label} {{#{key}}}" in generated
    assert f"xl_pib.{spec.compute.method}" in generated
    untouched = _generate(hook, "measures.md", text).split("## Every other figure")[1]
    assert f"{{#{key}}}" not in untouched
