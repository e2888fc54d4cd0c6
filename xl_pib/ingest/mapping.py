"""Indicator definitions an analyst can see and edit: crime types or offence codes -> bulletin indicators.

A mapping table has one row per (source category, indicator) pair, so one
category can feed several indicators (Burglary feeds All Crime and Burglary).
Two other kinds of row make choices visible instead of silent:

- an Indicator with a blank category ("not built"): the published categories
  are too coarse for it (police.uk has one Burglary category, so Domestic
  Burglary cannot be separated). The indicator stays blank and the report
  quotes the row's Note;
- a category with a blank Indicator: known, deliberately counted in no
  indicator, so it is not reported as unmapped.

The defaults ship in ``mappings/`` (documented in ``mappings/README.md``) and
are written into every output workbook for the analyst to edit; an edited
sheet or CSV is given back with ``--mapping``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..cells import cell_text
from ..errors import InputError
from ..inputs.guard import check_input_file
from .small_tables import frame, read_rows

HERE = Path(__file__).resolve().parent / "mappings"


@dataclass(frozen=True)
class Kind:
    category: str  # the source column the mapping keys on
    sheet: str  # the output sheet holding the mapping
    default: str  # the shipped CSV

    def normalise(self, values: pd.Series) -> pd.Series:
        """Categories compared case-insensitively; offence codes also accept '4/1' for '4.1'."""
        text = values.map(cell_text).str.lower()
        return text.str.replace("/", ".", regex=False) if self is OFFENCE_CODES else text


CRIME_TYPES = Kind("Crime type", "Mapping", "police_uk_mapping.csv")
OFFENCE_CODES = Kind("Offence code", "Offence Mapping", "offence_code_mapping.csv")


@dataclass(frozen=True)
class Mapping:
    kind: Kind
    table: pd.DataFrame  # category, indicator, name, note (text), _row
    source: str

    @property
    def pairs(self) -> pd.DataFrame:
        """(key, indicator) for the rows that build an indicator; key is the normalised category."""
        used = self.table[(self.table["category"] != "") & (self.table["indicator"] != "")]
        return pd.DataFrame({"key": self.kind.normalise(used["category"]).to_numpy(),
                             "indicator": used["indicator"].to_numpy()})

    @property
    def known(self) -> set[str]:
        return set(self.kind.normalise(self.table.loc[self.table["category"] != "", "category"]))

    @property
    def not_built(self) -> pd.DataFrame:
        return self.table[self.table["category"] == ""]

    @property
    def indicators(self) -> list[str]:
        """Indicators the mapping builds, in table order."""
        return list(dict.fromkeys(self.pairs["indicator"]))

    @property
    def names(self) -> dict[str, str]:
        named = self.table[(self.table["indicator"] != "") & (self.table["name"] != "")]
        return dict(zip(named["indicator"][::-1], named["name"][::-1]))  # the first row's name wins

    def present(self, data: pd.DataFrame, seen: pd.Series, report, what: str) -> pd.DataFrame:
        """``data`` without the indicators none of whose categories is among ``seen`` (the source's categories):
        they are left blank, not written as 0, and the report names each with its categories."""
        pairs = self.pairs
        found = set(pairs.loc[pairs["key"].isin(set(self.kind.normalise(pd.Series(list(seen), dtype=object)))),
                              "indicator"])
        absent = [i for i in self.indicators if i not in found]
        for indicator in absent:
            used = self.table[(self.table["indicator"] == indicator) & (self.table["category"] != "")]
            listed = ", ".join(used["category"])
            report.note(f"{indicator} ({self.names.get(indicator, indicator)}) left blank: none of its {what} "
                        f"({listed}) is in the files")
        return data[~data["indicator"].isin(absent)].reset_index(drop=True) if absent else data

    def rows(self) -> list[list]:
        """The mapping as a sheet: header and rows of text."""
        header = [self.kind.category, "Indicator", "Name", "Note"]
        return [header] + self.table[["category", "indicator", "name", "note"]].to_numpy().tolist()


def _parse(kind: Kind, rows: list[list], name: str, source: str) -> Mapping:
    table = frame(rows, name, {"category": (kind.category,), "indicator": ("Indicator",), "name": ("Name",),
                               "note": ("Note",)}, required=("category", "indicator"))
    for key in ("category", "indicator", "name", "note"):
        table[key] = table[key].map(cell_text) if key in table else ""
    empty = (table["category"] == "") & (table["indicator"] == "")
    if empty.any():
        row = int(table.loc[empty, "_row"].iloc[0])
        raise InputError(name, f"a {kind.category} or an Indicator", row=row, column=kind.category)
    keyed = pd.DataFrame({"k": kind.normalise(table["category"]), "i": table["indicator"]})
    repeated = keyed.duplicated() & (table["category"] != "")
    if repeated.any():
        first = table[repeated].iloc[0]
        raise InputError(name, f"each {kind.category} and Indicator pair once", row=int(first["_row"]),
                         column=kind.category, got=first["category"])
    not_built = set(table.loc[table["category"] == "", "indicator"])
    clash = table["indicator"].isin(not_built) & (table["category"] != "")
    if clash.any():
        first = table[clash].iloc[0]
        raise InputError(name, f"an indicator either built from categories or marked not built (blank "
                         f"{kind.category}), not both", row=int(first["_row"]), column="Indicator",
                         got=first["indicator"])
    return Mapping(kind, table, source)


def default(kind: Kind) -> Mapping:
    path = HERE / kind.default
    return _parse(kind, read_rows(path), kind.default, f"the shipped default ({kind.default})")


def load(kind: Kind, path: str | Path | None = None, book: str | Path | None = None) -> Mapping:
    """``--mapping`` if given; else the workbook's own mapping sheet (an analyst's edits); else the default."""
    if path is not None:
        path = Path(path)
        return _parse(kind, read_rows(path, kind.sheet), path.name, str(path))
    if book is not None and Path(book).is_file():
        from python_calamine import CalamineWorkbook

        check_input_file(Path(book))  # never hand calamine an encrypted, oversized or bomb file
        workbook = CalamineWorkbook.from_path(str(book))
        found = [n for n in workbook.sheet_names if n.strip().lower() == kind.sheet.lower()]
        if found:
            rows = workbook.get_sheet_by_name(found[0]).to_python(skip_empty_area=False)
            return _parse(kind, rows, found[0], f"the '{found[0]}' sheet of {Path(book).name}")
    return default(kind)


def catalogue() -> dict[str, str]:
    """Every indicator the shipped mappings know: id -> name (police.uk first)."""
    names: dict[str, str] = {}
    for kind in (CRIME_TYPES, OFFENCE_CODES):
        for indicator, name in default(kind).names.items():
            names.setdefault(indicator, name)
    return names
