"""Shaping monthly series so every measure can read "the latest month" at [..., -1]."""

from __future__ import annotations

import numpy as np


def as_series(values) -> np.ndarray:
    """Float array of series (last axis = months); blanks become NaN."""
    return np.asarray(values, dtype=float)


def last_valid_index(values) -> np.ndarray:
    """Index along the last axis of each series' last non-missing month (-1 if none)."""
    v = as_series(values)
    valid = ~np.isnan(v)
    t = v.shape[-1]
    if t == 0:
        return np.full(v.shape[:-1], -1)
    idx = t - 1 - np.argmax(valid[..., ::-1], axis=-1)
    return np.where(valid.any(axis=-1), idx, -1)


def align_right(values) -> tuple[np.ndarray, np.ndarray]:
    """Shift each series so its last month with data sits in the last column.

    Data lag differently by source (police data a month, iQuanta two, NI19
    four), and each indicator is assessed at its own last month with data.
    Aligning once lets every measure then read the assessed month at
    ``[..., -1]`` with no per-series loop. Returns the aligned array (NaN
    padded on the left) and the number of months each series was shifted.
    """
    v = as_series(values)
    last = last_valid_index(v)
    shift = np.where(last < 0, 0, v.shape[-1] - 1 - last)
    return shift_right(v, shift), shift


def aligned_to(values, last_index) -> np.ndarray:
    """Each series shifted so that month ``last_index`` sits in the last column (see :func:`align_right`).

    ``None`` stays ``None``: denominators exist only when some series is a percentage.
    """
    if values is None:
        return None
    v = as_series(values)
    last = np.asarray(last_index)
    return shift_right(v, np.where(last < 0, 0, v.shape[-1] - 1 - last))


def unaligned(aligned, last_index) -> np.ndarray:
    """The inverse of :func:`aligned_to`: series that end in the last column moved back so that the last column
    sits at month ``last_index`` (NaN after it)."""
    v = as_series(aligned)
    t = v.shape[-1]
    last = np.asarray(last_index)
    same = _shifted(v, -np.where(last < 0, 0, t - 1 - last))
    if same is not None:
        return same
    source = np.arange(t) + np.where(last < 0, 0, t - 1 - last)[..., None]
    out = np.take_along_axis(v, np.clip(source, 0, t - 1), axis=-1)
    return np.where(source > t - 1, np.nan, out)


def has_month(month) -> np.ndarray:
    """Where a month figure is known (not NaN)."""
    return ~np.isnan(np.asarray(month, dtype=float))


def months_count(values) -> int:
    """Months on the axis (the width of the series)."""
    return as_series(values).shape[-1]


def month_at(first_month, index) -> np.ndarray:
    """The calendar month of a position on the axis starting at ``first_month``; NaN where there is none."""
    index = np.asarray(index)
    return np.where(index >= 0, first_month + index, np.nan)


def monthly_values(aligned, aligned_denominators, measure) -> np.ndarray:
    """Each month's figure in its measure's units: values, or value / denominator for percentages."""
    from ..options import MEASURES, choices

    v = as_series(aligned)
    if aligned_denominators is None:
        return v
    is_pct = np.broadcast_to(choices("measure", measure, MEASURES, "count"), v.shape[:-1]) == "percentage"
    if not is_pct.any():
        return v
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(is_pct[..., None], v / aligned_denominators, v)


def monthly_kind(measure) -> np.ndarray:
    """What the monthly values of each measure are: a rate's months are counts of events."""
    from ..options import MEASURES, choices

    kinds = choices("measure", measure, MEASURES, "count")
    return np.where(kinds == "rate", "count", kinds).astype(object)


def _shifted(v: np.ndarray, by: np.ndarray) -> np.ndarray | None:
    """``v`` moved right by ``by`` months (left when negative), NaN where nothing moved in, when every series
    moves by the same amount (the usual bulletin: every source ends in the same month): a slice, not a gather
    of every cell. None when the shifts differ."""
    by = np.asarray(by)
    if v.ndim == 0 or v.shape[-1] == 0 or by.size == 0 or np.any(by != by.flat[0]) or by.shape != v.shape[:-1]:
        return None
    d, t = int(by.flat[0]), v.shape[-1]
    if d == 0:  # nothing moves: the same values, read-only so that no caller can change its input through it
        same = v.view()
        same.flags.writeable = False
        return same
    out = np.full(v.shape, np.nan)
    if abs(d) < t:
        if d >= 0:
            out[..., d:] = v[..., :t - d]
        else:
            out[..., :t + d] = v[..., -d:]
    return out


def shift_right(values, shift) -> np.ndarray:
    """Apply :func:`align_right`'s shifts to a companion array (e.g. denominators)."""
    v = as_series(values)
    same = _shifted(v, shift)
    if same is not None:
        return same
    t = v.shape[-1]
    source = np.arange(t) - np.asarray(shift)[..., None]
    out = np.take_along_axis(v, np.clip(source, 0, t - 1), axis=-1)
    out[source < 0] = np.nan
    return out


def run_length(values) -> np.ndarray:
    """Months of unbroken data ending at the last month: what a measure can use."""
    v = as_series(values)
    missing = np.isnan(v[..., ::-1])
    t = v.shape[-1]
    if t == 0:
        return np.zeros(v.shape[:-1], dtype=int)
    first_gap = np.argmax(missing, axis=-1)
    return np.where(missing.any(axis=-1), first_gap, t)


def tail(values, n: int) -> np.ndarray:
    """The last ``n`` months, NaN-padded on the left when the series is shorter."""
    v = as_series(values)
    t = v.shape[-1]
    if t >= n:
        return v[..., t - n:]
    pad = np.full(v.shape[:-1] + (n - t,), np.nan)
    return np.concatenate([pad, v], axis=-1)


def index_on_axis(axis, months) -> np.ndarray:
    """Position of each month on the axis, -1 where it is not there (or blank)."""
    import pandas as pd

    axis, months = np.asarray(axis, dtype=float).ravel(), np.asarray(months, dtype=float).ravel()
    return pd.Index(axis).get_indexer(months)


def on_axis(axis, months, ids, values, wanted) -> np.ndarray:
    """Lay long (month, id, value) rows out as a grid: axis months × wanted ids.

    ``axis`` and ``months`` are month indices (see :mod:`xl_pib.months`),
    NaN for blank cells; cells with no row are NaN. An id's month given twice
    is an error, as on the Data sheet.
    """
    import pandas as pd

    from ..errors import OptionError
    from ..months import iso

    axis = np.asarray(axis, dtype=float).ravel()
    months = np.asarray(months, dtype=float).ravel()
    values = np.asarray(values, dtype=float).ravel()
    ids = np.asarray(ids, dtype=object).ravel()
    wanted = np.asarray(wanted, dtype=object).ravel()
    column = pd.Index(wanted).get_indexer(ids)
    keep = (column >= 0) & ~np.isnan(months)
    column, months, values = column[keep], months[keep], values[keep]
    pairs = pd.DataFrame({"c": column, "m": months})
    repeated = pairs.duplicated().to_numpy()
    if repeated.any():
        first = np.flatnonzero(repeated)[0]
        raise OptionError(f"month {iso(months[first])} appears more than once for {wanted[column[first]]}")
    out = np.full((axis.size, wanted.size), np.nan)
    row = index_on_axis(axis, months)
    found = row >= 0
    out[row[found], column[found]] = values[found]
    return out
