"""Breaks in the published series: level shifts screened after counting, each with a ready ``Breaks`` row.

A recording change, a new crime category or a force's system change moves a
series to a new level overnight (Gwent's criminal damage went from about 55 to
about 600 a month); a bulletin that compares across it reports a change in
recording as a change in crime. Every counted series (area x indicator) is
screened, and each shift found is reported with its size and written as a
``Breaks`` row marked ``suggested`` for the analyst to confirm or delete.

The rule (documented for analysts in docs/ingest.md, "Breaks"):

1. **Candidates.** Each month k of a series, compared with the months either
   side: the same number w of months before k and from k, w = 12 (a full year
   each side, so seasons cancel) where the series allows it, and at least 6;
   a window never crosses either end of the series, or a break already found.
   Months without a value (gaps) are left out of a window's exposure; each side
   needs at least 6 months with a value.
2. **Size.** The rate after (count per month with a value) must be at least
   1.5 times the rate before, or at most 1/1.5 of it, with full-year windows;
   2 times (or half) with shorter ones, where seasonality is not cancelled.
3. **Significance.** The exact conditional test for the ratio of two Poisson
   rates (Przyborowski & Wilenski, 1940): given the total n = x1 + x2, the
   count after is Binomial(n, e2 / (e1 + e2)) under equal rates (e1, e2: months
   with a value). Two-sided p-value as R's ``poisson.test`` (``binom.test``)
   and :func:`scipy.stats.binomtest` compute it (the sum of the probabilities
   no larger than the observed one), vectorised in :func:`two_sided_binomial`.
   Crime counts vary more than Poisson counts, so the counts are first divided
   by the series' dispersion phi (at least 1; quasi-Poisson): the median of
   (x_t - x_{t-1})^2 / (x_t + x_{t-1}) over successive months with values,
   divided by 0.4549 (the median of a chi-square with one degree of freedom,
   what it is for Poisson counts), which a single step barely moves.
4. **Multiple testing.** Bonferroni over the candidate months of each series:
   a shift is significant when p <= 0.01 / (number of candidates).
5. **Where.** Of the candidates that pass 2-4, the one with the largest
   likelihood-ratio statistic is the break; the windows are then recomputed
   so as not to cross it, and the search repeats until no candidate passes.

Its false-positive rate is measured by simulation (tests/ingest/test_breaks.py,
fixed seeds): under 1% of stationary 36-month Poisson series (means 1 to
5,000) show any break, and under 2% of overdispersed, seasonal ones.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import months

ALPHA = 0.01
FULL_RATIO, PART_RATIO = 1.5, 2.0  # minimum size with a full year each side, and with less
MIN_SHARE_OF_YEAR = 0.5  # at least 6 months (2 quarters) each side
CHI2_1_MEDIAN = 0.454936423119572  # scipy.stats.chi2.median(1)
_RELATIVE_ERROR = 1 + 1e-7  # binom.test's (and scipy's) tolerance for "no more probable than the observed"
SUGGESTED = "suggested"


def _whole(n):
    return np.rint(n).astype(np.int64)


class binom:
    """The binomial pmf, cdf and sf from :mod:`scipy.special` (what :data:`scipy.stats.binom` computes), which
    imports in a fraction of the time scipy.stats takes, and only once a candidate needs a test; element-wise,
    for whole-number ``k``."""

    @staticmethod
    def pmf(k, n, p):
        from scipy import special

        with np.errstate(divide="ignore", invalid="ignore"):
            log = (special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1) +
                   special.xlogy(k, p) + special.xlog1py(n - k, -p))
        return np.where((k < 0) | (k > n), 0.0, np.exp(log))

    @staticmethod
    def cdf(k, n, p):
        """P(X <= k)."""
        from scipy import special

        with np.errstate(invalid="ignore"):
            return np.where(k < 0, 0.0, np.where(k >= n, 1.0, special.bdtr(np.clip(k, 0, None), _whole(n), p)))

    @staticmethod
    def sf(k, n, p):
        """P(X > k)."""
        from scipy import special

        with np.errstate(invalid="ignore"):
            return np.where(k < 0, 1.0, np.where(k >= n, 0.0, special.bdtrc(np.clip(k, 0, None), _whole(n), p)))


def two_sided_binomial(k, n, p) -> np.ndarray:
    """Two-sided exact binomial p-values, element-wise: :func:`scipy.stats.binomtest` ``(k, n, p).pvalue``
    (the "minlike" method of R's ``binom.test``): the probability of every count no more probable than ``k``.

    The counts on the far side of the mean with probability <= P(k) are found by a bisection run on all the
    elements at once (the pmf is monotone on each side of the mode), as scipy does for one element.
    """
    k, n, p = (np.asarray(a, dtype=float) for a in np.broadcast_arrays(k, n, p))
    target = binom.pmf(k, n, p) * _RELATIVE_ERROR
    mean = n * p
    low, high = k < mean, k > mean
    # k below the mean: the first j in [ceil(np), n] with pmf(j) <= target (n + 1 if none); tail P(X >= j)
    lo, hi = np.where(low, np.ceil(mean), 0.0), np.where(low, n + 1, 0.0)
    while (active := low & (lo < hi)).any():
        mid = np.floor((lo + hi) / 2)
        ok = binom.pmf(mid, n, p) <= target
        hi = np.where(active & ok, mid, hi)
        lo = np.where(active & ~ok, mid + 1, lo)
    p_low = binom.cdf(k, n, p) + binom.sf(lo - 1, n, p)
    # k above the mean: the last j in [0, floor(np)] with pmf(j) <= target (-1 if none); tail P(X <= j)
    lo2, hi2 = np.where(high, -1.0, 0.0), np.where(high, np.floor(mean), 0.0)
    while (active := high & (lo2 < hi2)).any():
        mid = np.ceil((lo2 + hi2) / 2)
        ok = binom.pmf(mid, n, p) <= target
        lo2 = np.where(active & ok, mid, lo2)
        hi2 = np.where(active & ~ok, mid - 1, hi2)
    p_high = binom.cdf(lo2, n, p) + binom.sf(k - 1, n, p)
    return np.minimum(1.0, np.where(low, p_low, np.where(high, p_high, 1.0)))


def dispersion(values: np.ndarray) -> np.ndarray:
    """Each series' dispersion phi >= 1 from successive months with values (1 for Poisson counts)."""
    x = np.asarray(values, dtype=float)
    both = ~np.isnan(x[:, 1:]) & ~np.isnan(x[:, :-1])
    total = np.where(both, x[:, 1:] + x[:, :-1], 0.0)
    ratio = np.where(both & (total > 0), np.square(np.diff(np.nan_to_num(x), axis=1)) / np.where(total > 0, total, 1),
                     np.nan)
    usable = ~np.isnan(ratio).all(axis=1)
    median = np.full(len(x), np.nan)
    median[usable] = np.nanmedian(ratio[usable], axis=1)
    return np.maximum(1.0, np.nan_to_num(median / CHI2_1_MEDIAN, nan=1.0))


def screen(values: np.ndarray, periods_per_year: int = 12) -> pd.DataFrame:
    """Level shifts in each row of ``values`` (series x periods; NaN = no value), by the rule in the module
    docstring. One row per break: ``series``, ``period`` (first period at the new level), ``before`` and
    ``after`` (rates per period), ``window`` (periods each side), ``p``, ``phi``."""
    v = np.asarray(values, dtype=float)
    count, length = v.shape
    full, shortest = periods_per_year, int(np.ceil(periods_per_year * MIN_SHARE_OF_YEAR))
    phi = dispersion(v)
    has = ~np.isnan(v)
    zero = np.zeros((count, 1))
    counts = np.hstack([zero, np.cumsum(np.where(has, v, 0.0), axis=1)])
    exposure = np.hstack([zero, np.cumsum(has, axis=1)])
    t = np.broadcast_to(np.arange(length), (count, length))
    found = np.zeros((count, length), dtype=bool)
    candidates = None
    out = []
    while True:
        # The nearest break before each month and after it bound the windows (the series' ends otherwise).
        before = np.hstack([np.zeros((count, 1), dtype=int),
                            np.maximum.accumulate(np.where(found, t, 0), axis=1)[:, :-1]])
        after = np.hstack([np.minimum.accumulate(np.where(found, t, length)[:, ::-1], axis=1)[:, ::-1][:, 1:],
                           np.full((count, 1), length)])
        w = np.clip(np.minimum(np.minimum(t - before, after - t), full), 0, None)
        start, end = t - w, t + w
        x1 = np.take_along_axis(counts, t, 1) - np.take_along_axis(counts, start, 1)
        x2 = np.take_along_axis(counts, end, 1) - np.take_along_axis(counts, t, 1)
        e1 = np.take_along_axis(exposure, t, 1) - np.take_along_axis(exposure, start, 1)
        e2 = np.take_along_axis(exposure, end, 1) - np.take_along_axis(exposure, t, 1)
        valid = (w >= shortest) & (e1 >= shortest) & (e2 >= shortest) & ~found
        if candidates is None:  # Bonferroni over the candidates of the first pass (conservative later)
            candidates = np.maximum(valid.sum(axis=1), 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            r1, r2 = x1 / e1, x2 / e2
            ratio = np.where(r1 > 0, r2 / r1, np.inf)
        need = np.where(w >= full, FULL_RATIO, PART_RATIO)
        sized = valid & (x1 + x2 > 0) & ((ratio >= need) | (ratio <= 1 / need))
        p = np.ones((count, length))
        if sized.any():
            y1, y2 = np.round(x1 / phi[:, None])[sized], np.round(x2 / phi[:, None])[sized]
            p[sized] = two_sided_binomial(y2, y1 + y2, e2[sized] / (e1[sized] + e2[sized]))
        significant = sized & (p <= ALPHA / candidates[:, None])
        if not significant.any():
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            pooled = (x1 + x2) / (e1 + e2)
            g = 2 * (np.where(x1 > 0, x1 * np.log(x1 / (e1 * pooled)), 0.0) +
                     np.where(x2 > 0, x2 * np.log(x2 / (e2 * pooled)), 0.0))
        rows = np.flatnonzero(significant.any(axis=1))
        at = np.where(significant, g, -np.inf)[rows].argmax(axis=1)
        found[rows, at] = True
        out.append(pd.DataFrame({"series": rows, "period": at, "before": r1[rows, at], "after": r2[rows, at],
                                 "window": w[rows, at], "p": p[rows, at], "phi": phi[rows]}))
    columns = ["series", "period", "before", "after", "window", "p", "phi"]
    if not out:
        return pd.DataFrame({c: [] for c in columns})
    return pd.concat(out, ignore_index=True).sort_values(["series", "period"], ignore_index=True)


def find(data: pd.DataFrame, step: int = 1) -> pd.DataFrame:
    """Breaks in every (area, indicator) series of ingested ``data`` (``month``, ``area``, ``indicator``,
    ``value``; NA = a gap); ``step`` 3 for quarterly counts (``month`` = the quarter's last month).

    One row per break: ``area``, ``indicator``, ``month`` (the first month at the new level), ``before``,
    ``after`` (per month, or per quarter), ``window``, ``p``, ``reason`` (the ``Breaks`` row's text).
    """
    columns = ["area", "indicator", "month", "before", "after", "window", "p", "reason"]
    if data.empty:
        return pd.DataFrame({c: [] for c in columns})
    keyed = data.assign(area=data["area"].fillna(""), period=(data["month"] // step).astype(int))
    first = int(keyed["period"].min())
    table = keyed.pivot_table(index=["area", "indicator"], columns="period", values="value", aggfunc="first",
                              dropna=False)
    table = table.reindex(columns=range(first, int(keyed["period"].max()) + 1))
    found = screen(table.to_numpy(dtype=float, na_value=np.nan), 12 // step)
    if found.empty:
        return pd.DataFrame({c: [] for c in columns})
    keys = table.index[found["series"].to_numpy()]
    # Quarters are calendar quarters (financial quarters start in April), so a period's first month is period * 3.
    month = (found["period"].to_numpy() + first) * step
    out = pd.DataFrame({"area": keys.get_level_values(0), "indicator": keys.get_level_values(1),
                        "month": month.astype(int), "before": found["before"], "after": found["after"],
                        "window": found["window"].astype(int) * step, "p": found["p"]})
    unit = "a month" if step == 1 else "a quarter"
    out["reason"] = [_reason(b, a, w, m, unit) for b, a, w, m in zip(out["before"], out["after"], out["window"],
                                                                      out["month"])]
    out["area"] = out["area"].replace("", None)
    return out[columns]


def _reason(before: float, after: float, window: int, month: int, unit: str) -> str:
    change = f"{after / before - 1:+.0%}" if before > 0 else "from none"
    return (f"level shift found by xl-pib ingest: {before:,.1f} {unit} in the {window} months before "
            f"{months.iso(month)}, {after:,.1f} {unit} in the {window} months from it ({change}); "
            f"check whether recording changed")


def spans(data: pd.DataFrame) -> pd.DataFrame:
    """``area``, ``indicator``, ``first``, ``last``: the months with a value of each series."""
    valued = data.dropna(subset=["value"]).assign(area=lambda d: d["area"].fillna(""))
    grouped = valued.groupby(["area", "indicator"], sort=False)["month"].agg(["min", "max"]).reset_index()
    return pd.DataFrame({"area": grouped["area"].replace("", None), "indicator": grouped["indicator"],
                         "first": grouped["min"], "last": grouped["max"]})


def sheet_rows(rows: pd.DataFrame, with_area: bool) -> list[list]:
    """The ``Breaks`` sheet: Indicator, Month, Reason, Status (``suggested``), and Area with several areas."""
    header = ["Indicator", "Month", "Reason", "Status"] + (["Area"] if with_area else [])
    ordered = rows.sort_values(["indicator", "month"], kind="stable")
    return [header] + [[i, months.to_date(int(m)), r, SUGGESTED] + ([a] if with_area else [])
                       for a, i, m, r in ordered[["area", "indicator", "month", "reason"]].itertuples(index=False)]


def suggest(ingested) -> None:
    """Screen an ingest's counts: its ``breaks`` (the shifts found), the report's lines, and a ``Breaks`` sheet
    with the shifts and the national recording changes that cut through its series."""
    from .recording_changes import applicable

    data, report = ingested.data, ingested.report
    found = find(data, ingested.period_months)
    national = applicable(spans(data))
    ingested.breaks = found[["area", "indicator", "month", "reason"]].reset_index(drop=True)
    if found.empty and national.empty:
        report.note("breaks in the series: none found (level shifts screened by the rule in docs/ingest.md, "
                    "national recording changes by the register)")
        return
    several = ingested.several_areas
    lines = []
    for row in found.itertuples(index=False):
        where = f"{row.area} " if several and isinstance(row.area, str) else ""
        lines.append(f"{where}{row.indicator} from {months.iso(row.month)}: {row.reason} "
                     f"[Breaks row: {row.indicator} | {months.iso(row.month)} | {SUGGESTED}"
                     + (f" | {row.area}]" if where else "]"))
    for (indicator, month, reason), group in national.groupby(["indicator", "month", "reason"], sort=True):
        areas = group["area"].dropna()
        where = f" ({len(areas)} areas)" if several and len(areas) else ""
        lines.append(f"{indicator} from {months.iso(month)}{where}: {reason} "
                     f"[Breaks row: {indicator} | {months.iso(month)} | {SUGGESTED}]")
    shifts = f"{len(found)} level shift{'s' if len(found) != 1 else ''} found"
    changes = f"{len(national)} national recording change{'s' if len(national) != 1 else ''}"
    report.warn(f"breaks in the series ({shifts}, {changes}); each is a Breaks row marked '{SUGGESTED}': "
                f"comparisons across it are not like for like", lines)
    rows = pd.concat([ingested.breaks, national], ignore_index=True)
    ingested.sheets["Breaks"] = sheet_rows(rows, ingested.several_areas)
