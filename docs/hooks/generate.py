"""MkDocs hook: the parts of the documentation that the code declares, generated at build time.

Pages hold a marker where a generated part goes:

``<!-- generate: functions -->``
    the =PIB_ function reference, from xlwings' registration of ``udfs/pib_udfs.py``
    (``tools/udf_reference.py``: docstrings, argument help and examples).
``<!-- generate: settings -->``
    the table of settings: label, required, default and meaning, from the
    settings' declarations (``xl_pib/settings.py``).
``<!-- generate: columns SHEET -->``
    the same for the columns of an input sheet (``xl_pib/inputs/schema.py``): header,
    required and what the cells expect, the text the notes on the header cells of
    the workbooks xl-pib writes show too.
``<!-- generate: performance-table -->``
    the Performance Table's rows as the bulletin prints them, each linked to its
    section of the page, which must exist (``{#key}`` after its heading); the page
    must also have a section for every Results column.
``<!-- generate: results-columns -->``
    the Results sheet's columns, in order, each linked to its section of the measures page.
``<!-- generate: server-settings -->``, ``<!-- generate: mappings -->``, ``<!-- generate: recording-changes -->``
    the environment variables ``xl-pib serve`` reads (``xl_pib/serve.py``), what
    the shipped ingest mappings build each indicator from (``xl_pib/ingest/mappings``),
    and the register of national recording changes the ingest applies.
``<!-- generate: checks -->``
    the consistency checks (``xl_pib/checks.py``): what each compares, how it is
    silenced, and the warning its declared example (one cell of the demo changed)
    gives, computed by running the check.
``<!-- generate: benchmarks -->``
    ``benchmarks/RESULTS.md`` (written by ``benchmarks/run.py``) when it exists,
    otherwise how to produce it.

A page that drifts from the code stops the build (``mkdocs build --strict``
runs in the test suite). The build always documents the checkout it runs in:
the repository's own folders go first on ``sys.path``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
_MARKER = re.compile(r"<!-- generate: ([\w-]+)(?: ([\w]+))? -->")


# --- what the code declares (one small function each, so a registry can replace it) -------------


def settings_declaration() -> list[tuple[str, object, str]]:
    """(label, default, help) of every setting, in declaration order (xl_pib/settings.py); None = required."""
    from xl_pib.settings import Settings

    return [(spec.label, None if spec.required else spec.default, spec.help) for spec in Settings.specs()]


def sheet_columns(sheet: str) -> list[tuple[str, bool, str]]:
    """(header, required, help) of every column of an input sheet."""
    from xl_pib.inputs import schema

    (found,) = [s for s in schema.INPUT_SHEETS if s.name.lower() == sheet.lower()] or [None]
    if found is None:
        raise PluginError(f"generate: no input sheet called {sheet!r} in xl_pib/inputs/schema.py")
    return [(c.header, c.required, c.help) for c in found.columns]


def performance_table() -> list[tuple[str, str]]:
    """(key, label) of every Performance Table row, in the bulletin's order (xl_pib/figures.py)."""
    from xl_pib.figures import PERFORMANCE_TABLE

    return [(spec.key, spec.label) for spec in PERFORMANCE_TABLE]


def results_columns() -> list[str]:
    """The Results sheet's figure columns: every figure with a Results column that the engine computes
    (the identity columns Indicator, Name and Section come straight from the Targets sheet)."""
    from xl_pib.figures import RESULTS

    return [spec.column for spec in RESULTS if spec.compute is not None]


def figure_facts(key: str, where: str) -> str:
    """What the registry declares of one figure, under its section of the measures page."""
    from xl_pib.bulletin.appendices import words
    from xl_pib.figures import BY_KEY
    from xl_pib.formats import BY_MEASURE
    from xl_pib.settings import DEFAULT

    spec = BY_KEY.get(key)
    if spec is None or spec.compute is None:
        raise PluginError(f"generate: {where}: no computed figure '{key}' in xl_pib/figures.py")
    shown = [f"Results column *{spec.column}*" if spec.column else "",
             f"Performance Table row *{spec.label}*" if spec.label else "",
             f"Workings column *{spec.workings}*" if spec.workings else ""]
    needs = spec.months_needed(DEFAULT)
    facts = [f"**Engine:** `xl_pib.{spec.compute.method}`",
             f"**needs** {needs} months of unbroken data" + (" (the *Trend window* setting)"
                                                            if isinstance(spec.needs, str) else "") if needs else "",
             "**shown as** " + ", ".join(filter(None, shown)),
             "**format** " + ("in the measure's own units" if spec.number_format == BY_MEASURE else
                              f"`{spec.number_format}`" if spec.number_format else "a label")]
    text = spec.doc.format(**words(DEFAULT)) if spec.doc else ""
    return (f"> {text[:1].upper()}{text[1:]}\n>\n" if text else "") + "> " + " · ".join(filter(None, facts)) + "\n"


def server_settings() -> list[tuple[str, str, str]]:
    """(variable, default, meaning) of every environment variable xl-pib's server reads."""
    from xl_pib.serve import SETTINGS

    return [(name, default, meaning) for name, (default, meaning) in SETTINGS.items()]


def mappings() -> dict[str, list[dict[str, str]]]:
    """The shipped ingest mappings: source -> rows (category, indicator, name, note)."""
    import csv

    folder = ROOT / "xl_pib" / "ingest" / "mappings"
    out = {}
    for source, (name, category) in {"police.uk crime types": ("police_uk_mapping.csv", "Crime type"),
                                     "Home Office offence codes": ("offence_code_mapping.csv", "Offence code")}.items():
        with open(folder / name, newline="", encoding="utf-8") as handle:
            out[source] = [{"category": r[category].strip(), "indicator": r["Indicator"].strip(),
                            "name": r["Name"].strip(), "note": r["Note"].strip()} for r in csv.DictReader(handle)]
    return out


# --- tables made from the declarations ----------------------------------------------------------


def _default_text(default) -> str:
    if default is None:
        return ""
    return "blank" if default == "" else f"`{default}`"


def settings_table() -> str:
    """Every setting, generated from its declaration: label, required, default and help."""
    lines = ["| setting | required | default | meaning |", "|---|---|---|---|"]
    for label, default, help_text in settings_declaration():
        lines.append(f"| {label} | {'yes' if default is None else ''} | {_default_text(default)} | "
                     f"{_cell_text(help_text)} |")
    return "\n".join(lines) + "\n"


def columns_table(sheet: str) -> str:
    """Every column of an input sheet, generated from its declaration: header, required and help."""
    lines = ["| column | required | values |", "|---|---|---|"]
    for header, required, help_text in sheet_columns(sheet):
        lines.append(f"| {header} | {'yes' if required else ''} | {_cell_text(help_text)} |")
    return "\n".join(lines) + "\n"


# --- generated parts ------------------------------------------------------------------------------


def _documented(markdown: str) -> tuple[set[str], set[str]]:
    """(anchors, heading names) of the page's own sections; a heading may name several Results columns."""
    anchors = set(re.findall(r"^#+ .*\{#([\w-]+)\}\s*$", markdown, flags=re.M))
    headings = {name.strip().lower() for h in re.findall(r"^#+ (.+)$", markdown, flags=re.M)
                for name in re.split(r",| and ", re.sub(r"\s*\{#[\w-]+\}\s*$", "", h))}
    return anchors, headings


def undocumented(markdown: str) -> list:
    """The figures shown in Results or the Performance Table that the page gives no section of its own."""
    from xl_pib.figures import PERFORMANCE_TABLE, RESULTS

    anchors, headings = _documented(markdown)
    shown = {spec.key: spec for spec in [*PERFORMANCE_TABLE, *(s for s in RESULTS if s.compute is not None)]}
    return [spec for spec in shown.values()
            if spec.key not in anchors and (spec.column or spec.label).lower() not in headings]


def performance_table_markdown(markdown: str, where: str) -> str:
    anchors, _ = _documented(markdown)
    lines = ["| | Performance Table row |", "|---|---|"]
    lines += [f"| {n} | [{label}](#{key}) |" for n, (key, label) in enumerate(performance_table(), start=1)]
    return "\n".join(lines) + "\n"


def other_figures_markdown(markdown: str, where: str) -> str:
    """A section, generated from the registry, for every figure the page does not describe itself: a figure
    added to xl_pib/figures.py is documented by its own declaration."""
    sections = [f"### {spec.column or spec.label} {{#{spec.key}}}\n\n{figure_facts(spec.key, where)}"
                for spec in undocumented(markdown)]
    return "\n".join(sections) if sections else "Every figure has its own section above.\n"


def results_columns_markdown() -> str:
    """Indicator, Name, Section, then every computed Results column, linked to its measures section."""
    from xl_pib.figures import RESULTS

    from markdown.extensions.toc import slugify

    measures = (ROOT / "docs" / "measures.md").read_text(encoding="utf-8")
    anchors = {}  # heading name (lower case) -> its anchor, as the measures page's table of contents makes it
    for heading in re.findall(r"^#+ (.+)$", measures, flags=re.M):
        given = re.search(r"\{#([\w-]+)\}\s*$", heading)
        title = re.sub(r"\s*\{#[\w-]+\}\s*$", "", heading)
        for name in re.split(r",| and ", title):
            anchors.setdefault(name.strip().lower(), given.group(1) if given else slugify(title, "-"))
    columns = ["`Indicator`, `Name`, `Section` (from Targets)"]
    for spec in RESULTS:
        if spec.compute is not None:  # undocumented columns get their own {#key} section (other-figures)
            columns.append(f"[{spec.column}](measures.md#{anchors.get(spec.column.lower(), spec.key)})")
    return ", ".join(columns) + "\n"


def server_settings_markdown() -> str:
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    lines += [f"| `{name}` | {f'`{default}`' if default else 'unset'} | {meaning} |"
              for name, default, meaning in server_settings()]
    return "\n".join(lines) + "\n"


def mappings_markdown() -> str:
    """One row per indicator: what each source builds it from, or why it cannot."""
    sources = mappings()
    indicators: dict[str, dict[str, list[str]]] = {}
    names: dict[str, str] = {}
    for source, rows in sources.items():
        for r in rows:
            if not r["indicator"]:
                continue  # a category known and deliberately counted in nothing
            names.setdefault(r["indicator"], r["name"])
            cell = indicators.setdefault(r["indicator"], {s: [] for s in sources})[source]
            cell.append(r["category"] or f"*not built*: {r['note']}")
    lines = ["| indicator | " + " | ".join(sources) + " |", "|---|" + "---|" * len(sources)]
    for indicator, by_source in indicators.items():
        cells = [_cell_text(", ".join(by_source[s])) for s in sources]
        lines.append(f"| {names[indicator]} `{indicator}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def recording_changes_markdown() -> str:
    """The register of national recording changes the ingest applies (xl_pib/ingest/mappings/recording_changes.csv)."""
    from xl_pib import months
    from xl_pib.ingest.recording_changes import register

    table = register()
    lines = ["| from | indicators | change | source |", "|---|---|---|---|"]
    for (month, change, source), rows in table.groupby(["month", "change", "source"], sort=True):
        indicators = ", ".join(f"`{i}`" for i in rows["indicator"])
        lines.append(f"| {months.iso(month)} | {indicators} | {_cell_text(change)} | {_cell_text(source)} |")
    return "\n".join(lines) + "\n"


def checks_markdown(where: str) -> str:
    """Each check's section: what it compares, how to silence it, and the warning its example gives on the demo."""
    from xl_pib.assess import assess
    from xl_pib.checks import CHECKS
    from xl_pib.demo.edits import apply
    from xl_pib.inputs import parse_sheets

    out = []
    for check in CHECKS:
        sheets, (row, column) = apply(check.example)
        found = [f for f in assess(parse_sheets(sheets)).checks if f.check == check.name]
        if [(f.row, f.column) for f in found] != [(row, column)]:
            raise PluginError(f"generate: {where}: the example of the check '{check.name}' does not give one "
                              f"warning naming row {row}, column '{column}'")
        silence = check.silence[:1].upper() + check.silence[1:]
        out += [f"### {check.name}", "", f"**Compares** {check.compares}.", "",
                f"**How to silence it:** {silence}.", "",
                f"**On the demo**, {check.example.describe}:", "", "```text", f"warning: {found[0].line}", "```", ""]
    return "\n".join(out)


def _cell_text(text: str) -> str:
    return text.replace("|", "\\|")


def benchmarks_markdown() -> str:
    if RESULTS.is_file():
        text = RESULTS.read_text(encoding="utf-8")
        # Nested under the page's own headings.
        return re.sub(r"^(#+) ", lambda m: "#" + m.group(1) + " ", text, flags=re.M)
    return ('!!! note "No results file yet"\n'
            "    `benchmarks/RESULTS.md` is not in this checkout. Produce it with\n"
            "    `python benchmarks/run.py --write` (the full run takes several minutes) and build the\n"
            "    documentation again; the table then appears here.\n")


def on_config(config):
    """This checkout's code first on the path (MkDocs restores sys.path after loading a hook file)."""
    for folder in (ROOT / "tools", ROOT / "udfs", ROOT):
        if str(folder) in sys.path:
            sys.path.remove(str(folder))
        sys.path.insert(0, str(folder))
    return config


def on_page_markdown(markdown: str, page, config, files) -> str:
    where = page.file.src_uri

    def marker(match: re.Match) -> str:
        name, argument = match.group(1), match.group(2)
        if name == "figure":
            return figure_facts(argument, where)
        if name == "settings":
            return settings_table()
        if name == "judgements-comparison":
            import compare_judgements

            return compare_judgements.markdown()
        if name == "columns":
            return columns_table(argument or "")
        if name == "functions":
            import udf_reference

            return udf_reference.reference_markdown(level=2)
        if name == "performance-table":
            return performance_table_markdown(markdown, where)
        if name == "other-figures":
            return other_figures_markdown(markdown, where)
        if name == "benchmarks":
            return benchmarks_markdown()
        if name == "results-columns":
            return results_columns_markdown()
        if name == "server-settings":
            return server_settings_markdown()
        if name == "mappings":
            return mappings_markdown()
        if name == "recording-changes":
            return recording_changes_markdown()
        if name == "checks":
            return checks_markdown(where)
        raise PluginError(f"generate: {where}: unknown marker '{name}'")

    return _MARKER.sub(marker, markdown)
