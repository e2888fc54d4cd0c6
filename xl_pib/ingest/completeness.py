"""Completeness of a police.uk extract, per force and month: a missing file is a gap, never a small number.

police.uk publishes one file per force and month. Each force is expected in
every month from the first to the last month of the whole extract; a
force-month with no file (the first, a middle or the last month) would
otherwise leave every area the force covers with a partial count (Newcastle's
All Crime was 32, British Transport Police's rows only, against 3,817 the next
month, when Northumbria's file was missing). So:

- a missing force-month makes that month a gap (a blank value) for every area
  the force covers (the areas its rows fall in, in the months it has files),
  and the report lists the missing force-months and the areas they blank;
- a force-month with fewer than half the rows of that force's own median month
  (not the national median, which a small force cannot move) is reported as
  suspiciously low, with the areas it affects; its counts stay, as the rows in
  the file are real.

This is a separate step after counting: it needs only the rows per file and
the rows per file and area, never the rows themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import months
from .report import LOW_SHARE, Report

SHOWN_AREAS = 6  # areas named per line of the report; the rest are counted


@dataclass(frozen=True)
class Completeness:
    months: list[int]  # every month of the extract, first to last
    missing: pd.DataFrame  # force, month: no file
    low: pd.DataFrame  # force, month, n, median: under half the force's own median
    covers: dict[str, list[str]]  # force -> the areas its rows fall in
    gaps: pd.DataFrame  # area, month: blanked

    @property
    def complete(self) -> bool:
        return self.missing.empty


def assess(files: pd.DataFrame, placed: pd.DataFrame) -> Completeness:
    """``files``: one row per file (``file_index``, ``force``, ``month_index``, ``n`` rows); ``placed``: rows per
    file and area (``file_index``, ``area``, ``n``; the indicator counts, summed)."""
    first, last = int(files["month_index"].min()), int(files["month_index"].max())
    extract = list(range(first, last + 1))
    forces = sorted(files["force"].unique())
    have = pd.MultiIndex.from_frame(files[["force", "month_index"]])
    expected = pd.MultiIndex.from_product([forces, extract], names=["force", "month_index"])
    missing = expected.difference(have).to_frame(index=False).rename(columns={"month_index": "month"})
    force_of = dict(zip(files["file_index"], files["force"]))
    located = placed.assign(force=placed["file_index"].map(force_of))
    located = located[located["n"] > 0]
    covers = {f: sorted(a) for f, a in located.groupby("force")["area"].unique().items()}
    per_month = files.groupby(["force", "month_index"])["n"].sum().reset_index()
    per_month["median"] = per_month.groupby("force")["n"].transform("median")
    low = per_month[per_month["n"] < LOW_SHARE * per_month["median"]]
    low = low.rename(columns={"month_index": "month"})[["force", "month", "n", "median"]].reset_index(drop=True)
    blank = [(area, month) for force, month in zip(missing["force"], missing["month"]) for area in covers.get(force, [])]
    gaps = pd.DataFrame(blank, columns=["area", "month"]).drop_duplicates(ignore_index=True)
    return Completeness(months=extract, missing=missing, low=low, covers=covers, gaps=gaps)


def _areas(areas: list[str]) -> str:
    if not areas:
        return "no area in the lookup"
    shown = ", ".join(areas[:SHOWN_AREAS])
    return shown + (f" and {len(areas) - SHOWN_AREAS} more" if len(areas) > SHOWN_AREAS else "")


def report(checked: Completeness, out: Report) -> None:
    span = f"{months.iso(checked.months[0])} to {months.iso(checked.months[-1])}"
    if checked.missing.empty:
        out.note(f"force-months with no file: none (every force has a file for every month, {span})")
    else:
        lines = [f"{force}: {months.iso(month)} (blank for {_areas(checked.covers.get(force, []))})"
                 for force, month in zip(checked.missing["force"], checked.missing["month"])]
        out.warn(f"force-months with no file in the extract ({span}; {len(lines)}): each month is a gap, left blank, "
                 f"for every area the force covers; add the missing files to count them", lines)
    if checked.low.empty:
        out.note("force-months under half the force's own median rows: none")
    else:
        lines = [f"{r.force} {months.iso(r.month)}: {int(r.n):,} rows (the force's median {r.median:,.0f}); "
                 f"areas affected: {_areas(checked.covers.get(r.force, []))}" for r in checked.low.itertuples()]
        out.warn(f"force-months under half the force's own median rows (a file may be partial; {len(lines)}); "
                 f"their counts are kept", lines)


def apply(data: pd.DataFrame, checked: Completeness) -> pd.DataFrame:
    """``data`` on every month of the extract, with the gaps blank (NA); unchanged when nothing is missing."""
    if checked.complete:
        return data
    areas, indicators = data["area"].unique(), data["indicator"].unique()
    grid = pd.MultiIndex.from_product([checked.months, areas, indicators], names=["month", "area", "indicator"])
    full = data.set_index(["month", "area", "indicator"])["value"].astype("Int64").reindex(grid)
    gap = pd.MultiIndex.from_frame(checked.gaps[["month", "area"]])
    blanked = pd.MultiIndex.from_arrays([full.index.get_level_values(0), full.index.get_level_values(1)]).isin(gap)
    full[np.asarray(blanked)] = pd.NA
    out = full.reset_index()
    out = out.rename(columns={"value": "value"})[["month", "area", "indicator", "value"]]
    return out.sort_values(["area", "indicator", "month"], kind="stable").reset_index(drop=True)
