"""A new partnership's input workbook: what ``xl-pib new`` writes.

``new_workbook("Anytown CSP", "anytown.xlsx", counts="counts.csv")`` writes a
clean input workbook for that partnership, with no demo content:

- Settings: every declared setting (:meth:`xl_pib.settings.Settings.specs`), with
  Partnership and Latest month filled in (the last month of the counts, or
  ``latest``) and the rest blank, their defaults and help beside them;
- Targets: one row per series of the counts file (id, name from its header,
  ``count``, no target yet), or one example row without a counts file; the
  baseline is the first April-to-March year every series covers (else the first
  12 months), for the analyst to change;
- Data: the counts, read by ``xl-pib ingest counts``' own reader
  (:mod:`xl_pib.ingest.counts`: wide or long, any month form it reads);
- Outcomes, MSG and Breaks: their headers only;
- a "Start here" sheet saying in plain words what to fill in and which command
  (or, in the live workbook, which button) builds the bulletin.

Every header carries its note, coded cells their drop-downs and amounts their
percent format (:mod:`xl_pib.bulletin.input_guides`). The workbook is checked
by the input parser before it is written, written atomically, and never
replaces an existing file. ``live=True`` writes the macro-enabled live workbook
for the same inputs instead (what ``xl-pib template --input`` makes).
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import months
from .errors import InputError, UsageError
from .bulletin.input_sheets import BREAKS_HEADERS
from .inputs.schema import DATA, MSG, OUTCOMES, TARGETS, column
from .settings import Settings

SECTION = "Partnership Targets"
START_SHEET = "Start here"
EXAMPLE = ("ALL_CRIME", "All Crime")
# The baseline a new workbook proposes: the first April-to-March year (UK partnerships plan in financial
# years), else the first 12 months.
YEAR_END_MONTH = 3


@dataclass(frozen=True)
class NewBook:
    path: Path
    partnership: str
    latest_month: int
    indicators: tuple[tuple[str, str], ...]  # (id, name) of each Targets row
    first_month: int | None  # of the counts
    live: bool


# --- the counts file -------------------------------------------------------------------------


def series_titles(path: str | Path) -> list[str]:
    """The series of a counts file as ``xl-pib ingest counts`` reads it: its indicator columns (wide) or the
    distinct values of its Indicator column (long), in file order."""
    from .cells import cell_text
    from .ingest.counts import MONTH_HEADERS
    from .ingest.small_tables import read_rows

    name = Path(path).name
    rows = read_rows(path)
    header = [cell_text(h) for h in rows[0]] if rows else []
    if not any(header):
        raise InputError(name, "a header row", row=1)
    lower = [h.lower() for h in header]
    if {"month", "indicator", "value"} <= set(lower):
        at = lower.index("indicator")
        titles = [cell_text(row[at]) for row in rows[1:] if at < len(row)]
    else:
        month = next((lower.index(h) for h in MONTH_HEADERS if h in lower), 0)
        skip = {month} | ({lower.index("area")} if "area" in lower else set())
        titles = [title for c, title in enumerate(header) if c not in skip]
    titles = list(dict.fromkeys(t for t in titles if t))
    if not titles:
        raise InputError(name, "a column of monthly counts beside the month column (one column per indicator), "
                               "or Month, Indicator and Value columns", row=1)
    return titles


def indicator_id(title: str) -> str:
    """An id from a series' title: "All crime" -> ALL_CRIME (letters and digits, upper case)."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "_", ascii_text).strip("_").upper()[:30]


def _ids(titles: list[str]) -> list[str]:
    out: list[str] = []
    for n, title in enumerate(titles, start=1):
        base = indicator_id(title) or f"S{n}"
        candidate, k = base, 2
        while candidate in out:
            candidate, k = f"{base}_{k}", k + 1
        out.append(candidate)
    return out


def read_counts(path: str | Path):
    """(ingested counts, [(id, title)]): every series of the file, each its own indicator.

    The file is read by ``ingest counts``' reader, given a Targets sheet that lists
    each series (so no column is matched to another indicator or left out).
    """
    from .ingest.counts import ingest
    from .xlsx import write_sheets

    titles = series_titles(path)
    pairs = list(zip(_ids(titles), titles))
    with tempfile.TemporaryDirectory(prefix="xl-pib-new-") as work:
        targets = Path(work) / "targets.xlsx"
        write_sheets({TARGETS.name: [["Indicator", "Name"], *map(list, pairs)]}, targets)
        ingested = ingest(path, into=targets)
    found = set(ingested.data["indicator"])
    strays = found - {i for i, _ in pairs}
    if strays:  # the reader matched a series to an indicator of its own catalogue
        raise InputError(Path(path).name, "series that can be told apart from the indicators xl-pib knows "
                         f"(rename the column matched to {sorted(strays)[0]})", row=1)
    return ingested, pairs


# --- the sheets --------------------------------------------------------------------------------


def proposed_baseline(first: int, latest: int) -> tuple[int, str]:
    """(Baseline end, Baseline period): the first April-to-March year from ``first``, else its first 12 months."""
    end = first + 11
    year_end = end + (YEAR_END_MONTH - 1 - end % 12) % 12
    if year_end <= latest:
        year = year_end // 12
        return year_end, f"{year - 1}/{year % 100:02d}"
    end = min(end, latest)
    return end, f"12 months to {months.label(end)}"


def _default_shown(spec):
    if spec.required:
        return "required"
    return "blank" if spec.default == "" else spec.default


def settings_rows(partnership: str, latest: int) -> list[list]:
    """Setting | Value | Default | What it is: every declared setting, in order."""
    given = {Settings.spec("partnership").name: partnership,
             Settings.spec("latest_month").name: months.to_date(latest)}
    return [["Setting", "Value", "Default", "What it is"],
            *([spec.label, given.get(spec.name), _default_shown(spec), spec.help] for spec in Settings.specs())]


def targets_rows(pairs, baseline_end: int, baseline_period: str, example: bool) -> list[list]:
    headers = [c.header for c in TARGETS.columns]
    rows = [headers]
    for indicator, name in pairs:
        cells = {"indicator": indicator, "name": name, "section": SECTION, "measure": "count",
                 "direction": column(TARGETS, "direction").default, "baseline_period": baseline_period,
                 "baseline_end": months.to_date(baseline_end),
                 "target_type": column(TARGETS, "target_type").default}
        if example:
            cells.update(target_type="reduction_pct", target_amount=0.05,
                         target_date=months.to_date(baseline_end + 36))
        rows.append([cells.get(c.key) for c in TARGETS.columns])
    return rows


def start_rows(partnership: str, book: str, counts: str | None, live: bool, latest: int) -> list[list]:
    """The Start here sheet: what to fill in, in order, and how to build the bulletin."""
    built = ("Click Refresh on the Executive Summary sheet: the bulletin is recalculated from the input sheets. "
             "When you add or remove an indicator, section or outcome, or change a target date, Refresh builds a "
             "new workbook beside this one and its status cell says where: open it and carry on there."
             if live else
             f"Build the bulletin: xl-pib build \"{book}\" -o \"{Path(book).stem}_bulletin.xlsx\" --pdf  (the "
             "bulletin workbook, and its PDF for the board). A mistake stops the build with one line naming the "
             "sheet, row and column; fix it and build again.")
    source = f"one row per column of {counts}" if counts else "one example row: overwrite it with your own"
    return [
        [f"{partnership}: your Performance Improvement Bulletin"],
        [None],
        ["1. Settings: Partnership and Latest month are filled in. The other settings may stay blank; the Default "
         "column says what blank means."],
        [f"2. Targets ({source}): for each indicator with a target, choose its Target type, type the Target amount "
         "(a 5% reduction is typed 5%) and the Target date, and check Baseline end (the last month of your "
         "baseline period). Leave Target type 'none' for an indicator you only monitor."],
        ["3. Outcomes (optional): one row per outcome of your plan: its Theme, code, Description and the ids of its "
         "indicators (comma-separated). The Executive Summary gives each a RAG rating."],
        [f"4. Data: one row per indicator and month, to {months.label(latest)}. Each month add the new month's "
         "rows (xl-pib ingest counts NEW.csv --into this workbook does it) and change Latest month."],
        ["5. MSG (optional): the 12-month count and population of each area of your most similar group."],
        [f"6. {built}"],
        [None],
        ["Every header has a note saying what it expects (point at it); coded cells have drop-down lists. "
         "The input workbook page of the documentation describes every column."],
    ]


START_WIDTH = 72  # the Start here sheet's one column: an A4 page wide in Arial 10, about 90 characters a line


def write_start(ws, rows: list[list]) -> None:
    """The Start here sheet's text, one paragraph per row."""
    from .bulletin import styles
    from .xlsx import put

    for r, (text,) in enumerate(rows, start=1):
        if text is None:
            continue
        cell = put(ws.cell(r, 1), text)
        cell.alignment = styles.WRAP
        cell.font = styles.TITLE if r == 1 else styles.BODY
        if r > 1:
            ws.row_dimensions[r].height = 14 * (len(text) // 88 + 1) + 6
    ws.column_dimensions["A"].width = START_WIDTH
    styles.print_setup(ws)


def _input_workbook(start: list[list], sheets: dict[str, list[list]]):
    from openpyxl import Workbook

    from .bulletin import input_guides, input_sheets, styles

    wb = Workbook()
    write_start(wb.active, start)
    wb.active.title = START_SHEET
    for name, rows in sheets.items():
        input_sheets.write(wb.create_sheet(name), rows)
    settings = wb["Settings"]
    for row, spec in enumerate(Settings.specs(), start=2):  # defaults shown as their values are
        number_format = getattr(spec.parse, "number_format", None)
        if number_format and not isinstance(settings.cell(row, 3).value, str):
            settings.cell(row, 3).number_format = number_format
    for letter, width in zip("ABCD", (22, 26, 12, 100)):
        settings.column_dimensions[letter].width = width
    for row in settings.iter_rows(min_row=2, max_col=4):
        for cell in row:
            cell.alignment = styles.WRAP if cell.column == 4 else styles.LEFT
        settings.row_dimensions[row[0].row].height = 15 * (len(str(row[3].value or "")) // 110 + 1) + 2
    for name in sheets:  # printed landscape, a page wide, the header on every page
        styles.print_setup(wb[name], landscape=True, title_rows="1:1")
    input_guides.apply(wb)
    return wb


# --- the command ---------------------------------------------------------------------------------


def new_workbook(partnership: str, output: str | Path, counts: str | Path | None = None,
                 latest=None, live: bool = False) -> NewBook:
    """Write a new partnership's input workbook (or, ``live``, its live .xlsm); see the module docstring."""
    from .inputs import parse_sheets
    from .xlsx import save

    output = Path(output)
    partnership = " ".join(str(partnership).split())
    if not partnership:
        raise UsageError("give the partnership's name: xl-pib new \"Anytown CSP\" -o anytown.xlsx")
    wanted = ".xlsm" if live else ".xlsx"
    if output.suffix.lower() != wanted:
        raise UsageError(f"the {'live workbook' if live else 'input workbook'} is written as {wanted} "
                         f"(use -o NAME{wanted})")
    if latest is not None:
        try:
            latest = months.parse(latest)
        except months.NotAMonth as error:
            raise UsageError(f"--latest: {error}") from None
    if output.exists():
        raise UsageError(f"{output} already exists: choose another -o name (xl-pib new never replaces a workbook)")
    pairs, first, data = [EXAMPLE], None, [[c.header for c in DATA.columns[:3]]]
    if counts is not None:
        from .ingest.output import data_rows

        ingested, pairs = read_counts(counts)
        if ingested.data.empty:
            raise InputError(Path(counts).name, "at least one monthly count")
        first = int(ingested.data.groupby("indicator")["month"].min().max())  # every series has begun
        latest = int(ingested.data["month"].max()) if latest is None else latest
        data = data_rows(ingested)
    if latest is None:
        raise UsageError("give --from COUNTS (the Latest month is their last month) or --latest MONTH")
    baseline_end, period = proposed_baseline(first if first is not None else latest - 23, latest)
    sheets = {"Settings": settings_rows(partnership, latest),
              "Targets": targets_rows(pairs, baseline_end, period, example=counts is None),
              "Outcomes": [[c.header for c in OUTCOMES.columns]],
              "Data": data,
              "MSG": [[c.header for c in MSG.columns]],
              "Breaks": [list(BREAKS_HEADERS)]}
    inputs = parse_sheets(sheets)  # the workbook is a valid input before it is written
    start = start_rows(partnership, output.name, Path(counts).name if counts else None, live, latest)
    if live:
        from .assess import assess
        from .template import build_template

        build_template(assess(inputs), output, start=start)
    else:
        save(_input_workbook(start, sheets), output)
    return NewBook(output, partnership, latest, tuple(pairs), first, live)
