"""Known national recording changes: the register ``mappings/recording_changes.csv`` and when it applies.

Some breaks are known in advance: the Home Office changes its Counting Rules,
police.uk changes its categories. The register lists them (``Indicator``, the
first ``Month`` under the new rule, the ``Change`` and its ``Source``; the
sources are in ``mappings/README.md``). A change applies to a series the ingest
writes when the series' indicator is the register's (by id, any case) and the
series has values both before and from that month; it then becomes a ``Breaks``
row marked ``suggested``, like a shift found by :mod:`.breaks`.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .. import months
from ..cells import cell_text
from .mapping import HERE
from .small_tables import frame, read_rows

REGISTER = "recording_changes.csv"


@lru_cache(maxsize=1)
def register() -> pd.DataFrame:
    """``indicator``, ``month`` (index), ``change``, ``source``: the shipped register, one row per change and
    indicator."""
    table = frame(read_rows(HERE / REGISTER), REGISTER, {"indicator": ("Indicator",), "month": ("Month",),
                                                         "change": ("Change",), "source": ("Source",)},
                  required=("indicator", "month", "change", "source"))
    return pd.DataFrame({"indicator": table["indicator"].map(cell_text), "month": table["month"].map(months.parse),
                         "change": table["change"].map(cell_text), "source": table["source"].map(cell_text)})


def applicable(spans: pd.DataFrame) -> pd.DataFrame:
    """Register rows that cut through a series. ``spans``: ``area``, ``indicator``, ``first``, ``last`` (months
    with a value). Returns ``area``, ``indicator`` (as the series spells it), ``month``, ``reason``."""
    known = register().assign(key=lambda r: r["indicator"].str.lower())
    series = spans.assign(key=spans["indicator"].str.lower())
    hits = series.merge(known.drop(columns="indicator"), on="key")
    hits = hits[(hits["first"] < hits["month"]) & (hits["month"] <= hits["last"])]
    reason = "national recording change: " + hits["change"] + " (source: " + hits["source"] + ")"
    return pd.DataFrame({"area": hits["area"].to_numpy(), "indicator": hits["indicator"].to_numpy(),
                         "month": hits["month"].astype(int).to_numpy(), "reason": reason.to_numpy()})
