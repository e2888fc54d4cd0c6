"""The input workbook's sheets and columns, declared once: header, whether required, default and help.

Sheet and header names are matched case-insensitively; extra columns are
allowed. ``required`` columns must be present in row 1; their cells may still
be blank where the help says so. Each column's ``help`` is what the cell
expects, written for analysts: the documentation's column tables
(``docs/input-workbook.md``) and the note on each header cell of the
workbooks xl-pib writes (:mod:`xl_pib.inputs.guides`) are both made from it.
Help may use Markdown's `code`, *emphasis* and [links](page.md); the notes
in Excel show it as plain text (:attr:`Column.note`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import options

_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
_MARKUP = re.compile(r"[`*]")


def plain(text: str) -> str:
    """Markdown help as plain text (for a note in Excel): links become their text, `code` and *emphasis* lose
    their marks."""
    return _MARKUP.sub("", _LINK.sub(r"\1", text))


@dataclass(frozen=True)
class Column:
    header: str
    required: bool = True
    default: object = None  # what a blank cell means, where it means something
    help: str = ""
    choices: tuple[str, ...] = ()  # a coded column: the values it takes (the parser's check, Excel's drop-down)

    @property
    def key(self) -> str:
        """snake_case name used in the model's data frames."""
        return self.header.lower().replace(" ", "_")

    @property
    def note(self) -> str:
        """The header cell's note in Excel: what the column expects, in plain text."""
        return f"{self.header} ({'required' if self.required else 'optional'}): {plain(self.help)}"


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    required: bool = True


SETTINGS = Sheet("Settings", (
    Column("Setting", help="the setting's name, one per row (see the settings below)"),
    Column("Value", help="its value; blank means its default"),
))

_MONTH = "a month (`2009-11`, `11/2009`, `Nov 2009` or a date)"

TARGETS = Sheet("Targets", (
    Column("Indicator", help="a unique id, e.g. `ALL_CRIME`; Data, Outcomes and MSG refer to it (ids are "
                             "case-sensitive: `all_crime` is not `ALL_CRIME`)"),
    Column("Name", help="the name as printed, e.g. `All Crime`"),
    Column("Section", help="the bulletin sheet the indicator is printed on, e.g. `Partnership Targets`, `County "
                           "Targets`, `Perception` (a section called Perception shows percentage measures with confidence "
                           "intervals); it may not be named like an input or bulletin sheet (`Data`, `Results`)"),
    Column("Measure", help="`count`, `rate` or `percentage`", choices=options.MEASURES),
    Column("Direction", default="down", help="`down` (a reduction target; the default when blank) or `up`",
           choices=options.DIRECTIONS),
    Column("Baseline period", help="a label, e.g. `2007/08`"),
    Column("Baseline end", help=f"{_MONTH}: the last month of the baseline period"),
    Column("Baseline", help="blank: computed from Data as the rolling 12-month figure at *Baseline end*; or the "
                            "published baseline"),
    Column("Target type", default="none", help="`reduction_pct`, `increase_pct`, `level`, `maintenance`, or `none` "
                                               "for a monitoring indicator (no target)", choices=options.TARGET_TYPES),
    Column("Target amount", help="the reduction or increase as a percentage (`5%`, stored as `0.05`), or the level "
                                 "itself"),
    Column("Target value", False, help="optional: the published target, used instead of the calculated one"),
    Column("Target note", False, help="why this row's published *Target value* or typed *Baseline* "
                                      "differs from the one xl-pib computes (the plan rounded its own way, a "
                                      "baseline from another survey); it silences those two [checks](checks.md) "
                                      "for the row and is shown on the Workings sheet, never printed"),
    Column("Target date", help=f"{_MONTH}, not before *Baseline end*; once the data reach it, the position is "
                               "judged against the target itself and the bulletin says whether it was met, and by how "
                               "much"),
    Column("Rate per", False, default=100000, help="for rate measures: per how many people, e.g. `100000` (the "
                                                   "default when blank)"),
    Column("Population", False, help="for rate measures: the population, e.g. `684000`"),
    Column("Current override", False, help="for a survey measure whose current position comes from another survey "
                                           "(e.g. the Place Survey): that position, as a fraction"),
    Column("Current denominator", False, help="the current survey's sample size (for the significance test)"),
    Column("Baseline denominator", False, help="the baseline survey's sample size (for the significance test)"),
    # Surveys: the design effect of the sample (1 for a simple random sample); intervals use n / design effect.
    Column("Design effect", False, default=1, help="for survey measures: the survey's design effect (blank is 1, a "
                                                  "simple random sample); intervals and significance use the "
                                                  "effective sample size n / design effect"),
    # Which row of the MSG sheet is this indicator's own (default: the partnership).
    Column("Area", False, help="the indicator's own row in the MSG sheet when it is not the partnership (e.g. "
                               "the county's name, for a county target)"),
    # Presentation only: "recorded crimes"; survey labels for the Perception table;
    # a note printed under the indicator's block.
    Column("Unit", False, help="wording only: \"913 *recorded crimes*\""),
    Column("Target period", False, help="wording only, for surveys: \"Target - *2010/11 Place Survey*\""),
    Column("Current period", False, help="wording only, for surveys: the survey the current position comes from"),
    Column("Commentary", False, help="a note printed under the indicator's block"),
))

OUTCOMES = Sheet("Outcomes", (
    Column("Theme", help="the heading the outcome is printed under, e.g. `Safer Neighbourhoods`"),
    Column("Outcome", help="its code, e.g. `S1`"),
    Column("Description", help="the outcome as written in the plan"),
    Column("Indicators", help="the ids of its indicators, comma-separated (e.g. `ALL_CRIME, BURGLARY`); may be "
                              "blank"),
    Column("RAG override", False, help="a rating that replaces the computed one: `R`, `A`, `G` (or `Red`, `Amber`, "
                                       "`Green`), or a split rating such as `A/R`"),
    Column("Summary override", False, help="a sentence that replaces the joined narratives of its indicators"),
))

# Area (optional): the partnership a row belongs to, when one workbook holds several
# (blank = the Settings partnership); see xl_pib.inputs.areas.
DATA = Sheet("Data", (
    Column("Month", help=_MONTH),
    Column("Indicator", help="an id from Targets"),
    Column("Value", help="the month's count, rate or survey numerator; blank means no data for that month (a gap, "
                         "never a zero)"),
    Column("Denominator", False, help="for percentage measures: the month's sample size (value / denominator is the "
                                      "month's percentage; the rolling 12 months pool them)"),
    Column("Area", False, help="only when one workbook holds several partnerships: whose row it is (blank: the "
                               "*Partnership* setting's); see [Batch](batch.md#several-areas-in-one-workbook)"),
))

MSG = Sheet("MSG", (
    Column("Indicator", help="an id from Targets"),
    Column("Area", help="the area's name; the partnership's own row is the one named like the *Partnership* setting "
                        "(or the indicator's *Area*)"),
    Column("Count", help="the area's rolling 12-month count"),
    Column("Population", help="the area's population"),
), required=False)

BREAKS = Sheet("Breaks", (
    Column("Indicator", help="an id from Targets"),
    Column("Month", help=f"{_MONTH}: the first month of the series' new level (a change in recording, a new crime "
                         "category, a force's new system)"),
    Column("Reason", help="what changed, as the bulletin prints it beside the chart's marker, e.g. `Home Office "
                          "Counting Rules change`"),
    Column("Rebase", False, default=options.BREAK_ALL, choices=options.BREAK_KINDS,
           help="what restarts at the month: `all` (the default when blank: a break in recording, so the series is "
                "not like for like across it; comparisons across it are N/A, the trend is fitted from it and the "
                "SPC chart's limits restart) or `chart` (a real change in performance, the Making Data Count "
                "rebase: only the SPC chart's limits restart)"),
    Column("Status", False, help="`suggested` on a row `xl-pib ingest` found; clear it once you have checked the "
                                 "break (the bulletin honours the row either way)"),
    Column("Area", False, help="only when one workbook holds several partnerships: the area whose series breaks "
                               "(blank: every area)"),
), required=False)

INPUT_SHEETS = (SETTINGS, TARGETS, OUTCOMES, DATA, MSG, BREAKS)


def column(sheet: Sheet, key: str) -> Column:
    """A sheet's column by its snake_case key."""
    return next(c for c in sheet.columns if c.key == key)


def sheet(name: str) -> Sheet | None:
    """The input sheet called ``name`` (matched as the reader matches it), or None."""
    return next((s for s in INPUT_SHEETS if s.name.lower() == name.strip().lower()), None)
