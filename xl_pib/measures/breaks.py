"""Breaks in a series: where the bulletin stops comparing like with like (issues 15 and 16).

A ``Breaks`` row (see :data:`xl_pib.inputs.schema.BREAKS`) is a month from
which a series is on a new level for a reason that is not performance: a
change in the Home Office Counting Rules, a new crime category, a force's new
recording system. The bulletin honours it, as the ONS does for a
discontinuity in a published series ("comparisons across the break are not
like for like"; ONS, *Guide to presenting statistics: discontinuities*,
and the Home Office's *Crime outcomes* notes on recording changes):

- a comparison whose earlier window starts before the break and whose later
  window ends after it (the change from baseline; the past 12 months against
  the 12 before) is N/A, with the reason;
- the long-term trend and the past month's classic band use only the months
  from the break on (each says how many months it still needs);
- the SPC chart starts a new period at the break (Making Data Count's rebase);
  a ``Rebase`` of ``chart`` restarts the chart alone, for a real change in
  performance, and is not a break in recording.

Every function works on all series at once: ``breaks`` is a (series × months)
0/1 grid of breaks in recording on the engine's month axis, or None when the
bulletin has no Breaks row; ``last_index`` each series' last month with data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import months
from ..options import BREAK_ALL, BREAK_CHART, BREAK_KINDS, choices
from .rolling import WINDOW
from .series import as_series

_SEPARATOR, _CHART_ONLY = "; ", f" ({BREAK_CHART})"


def last_break(breaks, last_index) -> np.ndarray:
    """Index (on the month axis) of each series' latest break in recording at or before its last month with
    data; −1 where there is none."""
    last = np.asarray(last_index)
    if breaks is None:
        return np.full(last.shape, -1)
    grid = as_series(breaks) > 0
    t = grid.shape[-1]
    flagged = grid & (np.arange(t) <= last[..., None])
    return np.where(flagged.any(-1), t - 1 - np.argmax(flagged[..., ::-1], axis=-1), -1)


def since_break(values, last_break) -> np.ndarray:
    """``values`` (on the month axis) with the months before each series' last break blank, so measures read
    the series from its new level on."""
    if values is None:
        return None
    v = as_series(values)
    start = np.asarray(last_break)
    if (start < 0).all():
        return v
    return np.where(np.arange(v.shape[-1]) < start[..., None], np.nan, v)


def since_break_aligned(aligned, last_break, last_index) -> np.ndarray:
    """:func:`since_break` for series aligned to end in the last column (:func:`series.aligned_to`)."""
    if aligned is None:
        return None
    start = np.asarray(last_break)
    shift = as_series(aligned).shape[-1] - 1 - np.asarray(last_index)
    return since_break(aligned, np.where(start < 0, -1, start + shift))


def months_since(last_break, last_index) -> np.ndarray:
    """Months from each series' last break to its last month, both counted; NaN where there is no break."""
    start = np.asarray(last_break)
    return np.where(start >= 0, np.asarray(last_index) - start + 1, np.nan)


def across(last_break, window_start) -> np.ndarray:
    """True where a comparison whose earlier window starts at ``window_start`` (an index on the month axis)
    spans the last break: the break falls after that window's first month."""
    start = np.asarray(window_start, dtype=float)
    with np.errstate(invalid="ignore"):
        return (np.asarray(last_break) > start) & ~np.isnan(start)


def across_baseline(last_break, baseline_index) -> np.ndarray:
    """The change from baseline spans the break: the baseline's 12 months start before it."""
    return across(last_break, np.asarray(baseline_index, dtype=float) - (WINDOW - 1))


def across_comparative(last_break, last_index) -> np.ndarray:
    """The past 12 months against the 12 before span the break: the earlier 12 months start before it."""
    return across(last_break, np.asarray(last_index, dtype=float) - (2 * WINDOW - 1))


def too_recent(last_break, last_index, months) -> np.ndarray:
    """Series whose last break leaves fewer than ``months`` months from it to the last month."""
    since = months_since(last_break, last_index)
    with np.errstate(invalid="ignore"):
        return since < np.asarray(months, dtype=float)


def unless(value, mask) -> np.ndarray:
    """``value`` with NaN where ``mask`` holds (a figure that cannot be compared across a break)."""
    if mask is None:
        return value
    return np.where(np.asarray(mask, dtype=bool), np.nan, np.asarray(value, dtype=float))


def reason_at(reasons, last_break) -> np.ndarray:
    """Each series' last break's Reason ("" where none); ``reasons`` maps (series row, month index) to it."""
    start = np.asarray(last_break)
    if not reasons:
        return np.full(start.shape, "", dtype=object)
    table = pd.Series(list(reasons.values()), index=pd.MultiIndex.from_tuples(list(reasons)), dtype=object)
    found = table.reindex(pd.MultiIndex.from_arrays([np.arange(len(start)), start])).to_numpy(dtype=object)
    return np.where(pd.isna(found), "", found).astype(object)


def listing(every, recording, first_month, last_index) -> np.ndarray:
    """Each series' breaks as the Workings sheet shows them: "2023-10; 2024-04 (chart)" (months ISO, oldest
    first; "(chart)" marks a Rebase of ``chart``), "" where none. :func:`from_listing` reads it back."""
    out = np.full(np.shape(last_index), "", dtype=object)
    if every is None:
        return out
    grid = as_series(every) > 0
    rows, cols = np.nonzero(grid)
    if len(rows):
        chart_only = ~(as_series(recording)[rows, cols] > 0)
        text = pd.Series(months.isos(first_month + cols)) + np.where(chart_only, _CHART_ONLY, "")
        joined = text.groupby(rows, sort=True).agg(_SEPARATOR.join)
        out[joined.index.to_numpy()] = joined.to_numpy()
    return out


def _items(text) -> list[tuple[int, bool]]:
    """(month, a break in recording) for each break in one cell of :func:`listing`'s text."""
    if not isinstance(text, str) or not text.strip():
        return []
    out = []
    for item in (part.strip() for part in text.split(_SEPARATOR.strip()) if part.strip()):
        chart_only = item.endswith(_CHART_ONLY.strip())
        out.append((months.parse(item.removesuffix(_CHART_ONLY.strip()).strip()), not chart_only))
    return out


# The two readers below parse the Workings sheet's Breaks cells for the =PIB_ functions: one cell per
# indicator, each holding a handful of breaks, so they loop over cells (the engine itself never does).

def from_listing(texts, first_month, months_count: int) -> tuple[np.ndarray, np.ndarray]:
    """(every break, breaks in recording) as 0/1 (series × months) grids from :func:`listing`'s text, on an
    axis of ``months_count`` months from ``first_month`` (months off the axis are left out)."""
    cells = np.ravel(np.asarray(texts, dtype=object))
    every, recording = (np.zeros((len(cells), months_count)) for _ in range(2))
    for row, text in enumerate(cells):
        for month, in_recording in _items(text):
            col = month - int(first_month)
            if 0 <= col < months_count:
                every[row, col] = 1
                recording[row, col] = 1 if in_recording else 0
    return every, recording


def markers(every) -> np.ndarray | None:
    """The chart's break markers: 1 at the month of every Breaks row, NaN elsewhere (None without any)."""
    if every is None:
        return None
    return np.where(as_series(every) > 0, 1.0, np.nan)


def latest_listed(texts, assessed) -> np.ndarray:
    """The latest break in recording (not "(chart)") at or before each ``assessed`` month in :func:`listing`'s
    text, as a month index; NaN where none (=PIB_LAST_BREAK, from the Workings sheet's Breaks column)."""
    assessed = np.ravel(np.asarray(assessed, dtype=float))
    cells = np.ravel(np.asarray(texts, dtype=object))
    cells, assessed = np.broadcast_arrays(cells, assessed) if cells.size == 1 or assessed.size == 1 else \
        (cells, assessed)
    found = [max((m for m, in_recording in _items(text) if in_recording and m <= at), default=np.nan)
             if at == at else np.nan for text, at in zip(cells, assessed)]
    return np.asarray(found, dtype=float)


def listing_of_rows(month_axis, indicators, row_indicators, row_months, row_rebase, row_areas, partnership):
    """:func:`listing` for each of ``indicators`` from the Breaks sheet's own columns (=PIB_BREAKS in the live
    workbook): rows for another area, and months off ``month_axis``, are left out as the headless build
    leaves them out (:func:`xl_pib.stack.break_grids`)."""
    ids = pd.Index(np.asarray(indicators, dtype=object))
    axis = np.asarray(month_axis, dtype=float)
    every, recording = (np.zeros((len(ids), len(axis))) for _ in range(2))
    kinds = choices("rebase", np.asarray(row_rebase, dtype=object), BREAK_KINDS, BREAK_ALL)
    area = pd.Series(np.asarray(row_areas, dtype=object)).fillna("").astype(str).str.strip().str.lower()
    mine = ((area == "") | (area == str(partnership).strip().lower())).to_numpy()
    row = ids.get_indexer(np.asarray(row_indicators, dtype=object))
    month = np.asarray(row_months, dtype=float)
    first = axis[0] if len(axis) else 0
    col = np.where(np.isnan(month), -1, month - first).astype(int)
    keep = mine & (row >= 0) & (col >= 0) & (col < len(axis))
    every[row[keep], col[keep]] = 1
    in_recording = keep & (np.asarray(kinds) == BREAK_ALL)
    recording[row[in_recording], col[in_recording]] = 1
    return listing(every, recording, int(first), np.zeros(len(ids), dtype=int))
