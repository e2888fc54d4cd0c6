"""The input workbook's sheets and columns, as documented in the README.

Sheet and header names are matched case-insensitively; extra columns are
allowed. ``required`` columns must be present in row 1; their cells may still
be blank where the README says so.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    header: str
    required: bool = True
    default: object = None  # what a blank cell means, where it means something

    @property
    def key(self) -> str:
        """snake_case name used in the model's data frames."""
        return self.header.lower().replace(" ", "_")


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    required: bool = True


SETTINGS = Sheet("Settings", (Column("Setting"), Column("Value")))

TARGETS = Sheet("Targets", (
    Column("Indicator"), Column("Name"), Column("Section"), Column("Measure"), Column("Direction", default="down"),
    Column("Baseline period"), Column("Baseline end"), Column("Baseline"), Column("Target type", default="none"),
    Column("Target amount"), Column("Target value", False), Column("Target date"),
    Column("Rate per", False, default=100000), Column("Population", False), Column("Current override", False),
    Column("Current denominator", False), Column("Baseline denominator", False),
    # Surveys: the design effect of the sample (1 for a simple random sample); intervals use n / design effect.
    Column("Design effect", False, default=1),
    # Which row of the MSG sheet is this indicator's own (default: the partnership).
    Column("Area", False),
    # Presentation only: "recorded crimes"; survey labels for the Perception table;
    # a note printed under the indicator's block.
    Column("Unit", False), Column("Target period", False), Column("Current period", False),
    Column("Commentary", False),
))

OUTCOMES = Sheet("Outcomes", (
    Column("Theme"), Column("Outcome"), Column("Description"), Column("Indicators"),
    Column("RAG override", False), Column("Summary override", False),
))

# Area (optional): the partnership a row belongs to, when one workbook holds several
# (blank = the Settings partnership); see xl_pib.inputs.areas.
DATA = Sheet("Data", (Column("Month"), Column("Indicator"), Column("Value"), Column("Denominator", False),
                      Column("Area", False)))

MSG = Sheet("MSG", (Column("Indicator"), Column("Area"), Column("Count"), Column("Population")), required=False)

INPUT_SHEETS = (SETTINGS, TARGETS, OUTCOMES, DATA, MSG)


def column(sheet: Sheet, key: str) -> Column:
    """A sheet's column by its snake_case key."""
    return next(c for c in sheet.columns if c.key == key)
