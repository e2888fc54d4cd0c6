"""The three ``xl-pib ingest`` commands: read, report, screen for breaks, and write a new file or merge ``--into``
a workbook."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError, PibError, StrictRefusal, UsageError, one_line
from . import mapping as mappings
from .result import Ingested

OUTPUTS = (".xlsx", ".xlsm", ".csv")


def _check_output(output: str, into: str | None, allow_into: bool = True) -> None:
    suffix = Path(output).suffix.lower()
    if into is not None:
        if not allow_into:
            raise UsageError("--into is not available for this source")
        if suffix != Path(into).suffix.lower():
            raise UsageError(f"--into writes a workbook like {Path(into).name}: use -o NAME{Path(into).suffix}")
    elif suffix not in (".xlsx", ".csv"):
        raise UsageError("write the counts as .xlsx or .csv (use -o NAME.xlsx or -o NAME.csv)")


def merged_sheets(book) -> dict[str, list[list]]:
    """The input sheets of an openpyxl workbook, as rows of cell values (what the input reader gives)."""
    from ..inputs.schema import INPUT_SHEETS

    wanted = {sheet.name.lower() for sheet in INPUT_SHEETS}
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)]
            for ws in book.worksheets if ws.title.strip().lower() in wanted}


def check_merged(book, report, strict: bool) -> None:
    """What ``xl-pib build`` would warn about in the merged workbook (the consistency checks among them), in the
    report; with ``strict``, any warning refuses the merge."""
    from ..assess import assess_many
    from ..inputs import parse_sheets, split_areas

    try:
        parts = split_areas(parse_sheets(merged_sheets(book)))
        assessments = assess_many(parts)
    except PibError as error:
        if strict:
            raise
        report.warn(f"the merged workbook cannot be built as it is: {one_line(error)}")
        return
    several = len(parts) > 1
    lines = [(f"{a.inputs.settings.partnership}: " if several else "") + line
             for a in assessments for line in a.warnings]
    if strict and lines:
        raise StrictRefusal(lines, "nothing was written (the merged workbook's warnings)")
    if lines:
        report.warn(f"the merged workbook gives {len(lines)} warning{'s' if len(lines) != 1 else ''} 'xl-pib build' "
                    f"prints (inputs that contradict each other are named with the likely fix)", lines)
    else:
        report.note("the merged workbook's checks: none ('xl-pib build' prints no warning)")


def _write(ingested: Ingested, output: str, into: str | None, replace: bool, add_unmatched: bool,
           strict: bool = False) -> list[Path]:
    # Each writer imported only when used: a CSV output never loads openpyxl.
    if into is not None:
        from .merge import merge_into

        return [merge_into(ingested, into, output, replace=replace, add_unmatched=add_unmatched,
                           before_save=lambda book: check_merged(book, ingested.report, strict))]
    from .output import write_csv, write_workbook

    if Path(output).suffix.lower() == ".csv":
        return write_csv(ingested, output)
    return [write_workbook(ingested, output)]


def _finish(ingested: Ingested, output: str, into: str | None, replace: bool = False,
            add_unmatched: bool = False, strict: bool = False, mark=None) -> str:
    """``mark(stage)``, when given, is called after each stage (``xl-pib --timings``)."""
    from .breaks import suggest

    suggest(ingested)
    if mark is not None:
        mark("breaks")
    written = _write(ingested, output, into, replace, add_unmatched, strict)
    if mark is not None:
        mark("write")
    rows = "" if into is not None else f" ({len(ingested.data):,} {ingested.data_sheet} rows)"
    ingested.report.note("wrote " + ", ".join(str(p) for p in written) + rows)
    return ingested.report.text()


def police_uk(paths: list[str], lookups: list[str], mapping: str | None, output: str, into: str | None,
              area_column: str | None = None, replace: bool = False, add_unmatched: bool = False,
              strict: bool = False, mark=None) -> str:
    """``mark(stage)``, when given, is called after each stage (``xl-pib --timings``)."""
    from .police_uk import _no_mark, ingest

    _check_output(output, into)
    _check_merge_options(into, replace, add_unmatched, strict)
    chosen = mappings.load(mappings.CRIME_TYPES, mapping, into)
    return _finish(ingest(paths, lookups, chosen, area_column, mark or _no_mark), output, into, replace,
                   add_unmatched, strict, mark)


def recorded_crime(files: list[str], mapping: str | None, populations: str | None, area: str | None,
                   group: str | None, output: str) -> str:
    from .recorded_crime import ingest

    _check_output(output, None)
    if (area is None) != (group is None):
        raise UsageError("--area and --group go together (the area and its most similar group)")
    if group is not None and populations is None:
        raise UsageError("the MSG sheet needs --populations POP.csv (Area, Population)")
    chosen = mappings.load(mappings.OFFENCE_CODES, mapping)
    return _finish(ingest(files, chosen, populations, area, group), output, None)


def counts(path: str, into: str | None, output: str, replace: bool = False, add_unmatched: bool = False,
           strict: bool = False) -> str:
    from .counts import ingest

    _check_output(output, into)
    _check_merge_options(into, replace, False, strict)
    return _finish(ingest(path, into, add_unmatched), output, into, replace, add_unmatched, strict)


def _check_merge_options(into: str | None, replace: bool, add_unmatched: bool, strict: bool = False) -> None:
    if into is None and strict:
        raise UsageError("--strict goes with --into (it refuses a merged workbook that 'xl-pib build' would warn "
                         "about)")
    if into is None and replace:
        raise UsageError("--replace goes with --into (it allows a merge to change a series' level)")
    if into is None and add_unmatched:
        raise UsageError("--add-unmatched goes with --into here (it adds Targets rows for the ingested indicators)")


__all__ = ["police_uk", "recorded_crime", "counts", "UsageError", "InputError"]
