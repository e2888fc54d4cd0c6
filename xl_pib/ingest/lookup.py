"""The LSOA lookup: which area (community safety partnership) each LSOA belongs to.

Columns ``LSOA code`` and ``Area``; an ONS LSOA-to-community-safety-partnership
file is accepted as published (``LSOA21CD``/``LSOA11CD`` and ``CSP..NM``).
Each LSOA must appear once: an LSOA in two areas would be counted twice.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..cells import cell_text
from ..errors import InputError
from .small_tables import frame, read_rows

_VINTAGES = ("21", "11", "01")
LSOA_HEADERS = ("LSOA code", *(f"LSOA{v}CD" for v in _VINTAGES))
AREA_HEADERS = ("Area", *(f"CSP{y}NM" for y in range(25, 9, -1)))


def read_lookup(path: str | Path) -> pd.DataFrame:
    """``lsoa`` (upper case), ``area``; refuses blanks and repeated LSOAs, naming the row."""
    name = Path(path).name
    table = frame(read_rows(path), name, {"lsoa": LSOA_HEADERS, "area": AREA_HEADERS}, required=("lsoa", "area"))
    lsoa = table["lsoa"].map(cell_text).str.upper()
    area = table["area"].map(cell_text)
    for values, header in ((lsoa, "LSOA code"), (area, "Area")):
        if (values == "").any():
            raise InputError(name, f"a value in every row ('{header}')", row=int(table["_row"][values == ""].iloc[0]),
                             column=header)
    repeated = lsoa.duplicated()
    if repeated.any():
        first = int(repeated.to_numpy().nonzero()[0][0])
        earlier = int(table["_row"][lsoa == lsoa.iloc[first]].iloc[0])
        raise InputError(name, f"each LSOA once (also on row {earlier})", row=int(table["_row"].iloc[first]),
                         column="LSOA code", got=lsoa.iloc[first])
    return pd.DataFrame({"lsoa": lsoa.to_numpy(), "area": area.to_numpy()})
