"""The LSOA lookup: which area (community safety partnership, district or ward) each LSOA belongs to.

Lookups are read as ONS distributes them, as well as in xl-pib's own two-column form:

- the LSOA column is ``LSOA code`` or an ONS code column of the 2001, 2011 or
  2021 census (``LSOA01CD``, ``LSOA11CD``, ``LSOA21CD``; headers compared by
  :func:`~.small_tables.header_key`, so ``lsoa11cd`` and ``LSOA11_CD`` match);
- the area is the column named by ``--area-column`` (``LAD19NM``, ``CSP23NM``,
  ``WD22NM``, ...); without it, ``Area``, or the one community safety
  partnership name column (``CSP..NM``) if there is exactly one. Otherwise the
  lookup is refused with the columns it has, so the analyst can name one;
- an LSOA may appear on several rows with the same area (a lookup at output
  area level repeats each LSOA), but never in two areas, which would count its
  crimes twice. Several lookups may be given (a 2011 and a 2021 one, say); they
  are read as one.

The lookup's *vintage* (census year of its LSOA codes) is kept, from the
header or, for ``LSOA code``, from the codes: LSOA codes above the last ones
used before the 2021 census (E01033768 in England, W01001958 in Wales) exist
only from 2021. :func:`vintage_warning` uses it to name the mismatch when many
police.uk rows carry codes newer than the lookup's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..cells import cell_text
from ..errors import InputError
from .small_tables import header_key, read_rows

_VINTAGES = {"01": 2001, "11": 2011, "21": 2021}
LSOA_HEADERS = {header_key("LSOA code"): None, **{header_key(f"LSOA{v}CD"): y for v, y in _VINTAGES.items()}}
AREA_HEADER = "Area"
_CSP_NAME = re.compile(r"^csp\d{2}nm$")
_NAME = re.compile(r"nm$")
# The highest LSOA codes in use before the 2021 census (England, Wales); a code above them is a 2021 LSOA.
LAST_2011_CODES = {"E01": "E01033768", "W01": "W01001958"}
# "Many" rows outside the lookup for the vintage warning: this share of the rows that have an LSOA code.
VINTAGE_SHARE = 0.01


@dataclass(frozen=True)
class Lookup:
    table: pd.DataFrame  # lsoa (upper case), area
    described: list[str]  # one line per file: what was read from it
    vintage: int | None  # census year of the codes (2001, 2011, 2021), None = 2011 or earlier, not said

    @property
    def newest_before_2021(self) -> bool:
        """True when no code in the lookup is a 2021 one, so rows with 2021 codes cannot be in it."""
        return self.vintage is None or self.vintage < 2021


def newer_than_2011_sql(column: str) -> str:
    """A DuckDB condition: the LSOA code in ``column`` was first used in the 2021 census."""
    return " OR ".join(f"({column} LIKE '{prefix}%' AND {column} > '{last}')" for prefix, last in LAST_2011_CODES.items())


def _is_2021_code(codes: pd.Series) -> pd.Series:
    out = pd.Series(False, index=codes.index)
    for prefix, last in LAST_2011_CODES.items():
        out |= codes.str.startswith(prefix) & (codes > last) & (codes.str.len() == len(last))
    return out


def _area_column(header: list[str], keys: list[str], area_column: str | None, name: str) -> int:
    shown = ", ".join(h for h in header if h)
    if area_column is not None:
        if header_key(area_column) in keys:
            return keys.index(header_key(area_column))
        raise InputError(name, f"a column headed '{area_column}' (--area-column); its columns are {shown}", row=1,
                         column=area_column)
    if header_key(AREA_HEADER) in keys:
        return keys.index(header_key(AREA_HEADER))
    csp = [i for i, k in enumerate(keys) if _CSP_NAME.match(k)]
    if len(csp) == 1:
        return csp[0]
    names = [h for h, k in zip(header, keys) if _NAME.search(k) and not k.startswith("lsoa")]
    hint = f" (for example --area-column {names[0]})" if names else ""
    raise InputError(name, f"a column naming each LSOA's area: 'Area', one CSP..NM column, or the one given with "
                     f"--area-column{hint}; its columns are {shown}", row=1)


def _read_one(path: str | Path, area_column: str | None) -> tuple[pd.DataFrame, str, int | None]:
    name = Path(path).name
    rows = read_rows(path)
    if not rows or not any(cell_text(c) for c in rows[0]):
        raise InputError(name, "a header row", row=1)
    header = [cell_text(h) for h in rows[0]]
    keys = [header_key(h) for h in header]
    codes = [i for i, k in enumerate(keys) if k in LSOA_HEADERS]
    if len(codes) != 1:
        found = ", ".join(header[i] for i in codes) if codes else "none"
        raise InputError(name, f"one LSOA code column ('LSOA code', LSOA01CD, LSOA11CD or LSOA21CD; found {found}); "
                         f"its columns are {', '.join(h for h in header if h)}", row=1)
    code_at, area_at = codes[0], _area_column(header, keys, area_column, name)
    width = len(header)
    body = [list(r[:width]) + [None] * (width - len(r)) for r in rows[1:]]
    table = pd.DataFrame({"_row": range(2, len(rows) + 1),
                          "lsoa": [cell_text(r[code_at]).upper() for r in body],
                          "area": [cell_text(r[area_at]) for r in body]})
    table = table[(table["lsoa"] != "") | (table["area"] != "")]
    for column, header_name in (("lsoa", header[code_at]), ("area", header[area_at])):
        blank = table[column] == ""
        if blank.any():
            raise InputError(name, f"a value in every row ('{header_name}')", row=int(table["_row"][blank].iloc[0]),
                             column=header_name)
    vintage = LSOA_HEADERS[keys[code_at]]
    if vintage is None and _is_2021_code(table["lsoa"]).any():
        vintage = 2021
    table["file"], table["code_header"] = name, header[code_at]
    lsoas = table["lsoa"].nunique()
    said = f"{vintage} LSOA codes" if vintage else "LSOA codes of 2011 or earlier"
    described = (f"{name}: {header[code_at]} -> {header[area_at]}, {lsoas:,} LSOAs in {table['area'].nunique():,} "
                 f"areas ({said})")
    return table, described, vintage


def read_lookup(paths, area_column: str | None = None) -> Lookup:
    """Every lookup given, as one table of (``lsoa``, ``area``); refuses blanks and an LSOA in two areas."""
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    read = [_read_one(p, area_column) for p in paths]
    table = pd.concat([t for t, _, _ in read], ignore_index=True)
    pairs = table.drop_duplicates(["lsoa", "area"])
    clash = pairs["lsoa"].duplicated(keep="first")
    if clash.any():
        later = pairs[clash].iloc[0]
        earlier = table[(table["lsoa"] == later["lsoa"]) & (table["area"] != later["area"])].iloc[0]
        where = f"on row {int(earlier['_row'])}" + ("" if earlier["file"] == later["file"] else f" of {earlier['file']}")
        raise InputError(later["file"], f"each LSOA in one area (it is in {earlier['area']} {where})",
                         row=int(later["_row"]), column=later["code_header"], got=later["lsoa"])
    vintages = [v for _, _, v in read]
    vintage = max((v for v in vintages if v), default=None)
    return Lookup(table=pairs[["lsoa", "area"]].reset_index(drop=True), described=[d for _, d, _ in read],
                  vintage=vintage)


def vintage_warning(lookup: Lookup, newer_outside: int, with_lsoa: int) -> str | None:
    """The mismatch, in words, when many rows have 2021 LSOA codes and the lookup has none."""
    if not lookup.newest_before_2021 or with_lsoa <= 0 or newer_outside < VINTAGE_SHARE * with_lsoa:
        return None
    theirs = f"{lookup.vintage}'s (LSOA{str(lookup.vintage)[2:]}CD)" if lookup.vintage else "of 2011 or earlier"
    return (f"{newer_outside:,} rows ({newer_outside / with_lsoa:.1%} of those with an LSOA) have LSOA codes first "
            f"used in the 2021 census (above {' / '.join(LAST_2011_CODES.values())}), and the lookup's codes are "
            f"{theirs}: those rows are in no area, so every area whose LSOAs changed in 2021 is undercounted. Use a "
            f"lookup of 2021 LSOAs (an ONS 'LSOA (2021) to ...' lookup, column LSOA21CD), or give both lookups "
            f"(--lookup OLD.csv --lookup NEW.csv)")
