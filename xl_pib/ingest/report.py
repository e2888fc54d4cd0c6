"""The report every ingest prints: what was read, what could not be placed, and what looks wrong.

Nothing an ingest leaves out is silent: rows without an area, crime types or
offence codes outside the mapping, and indicators the mapping says cannot be
built are all counted here. Months (or quarters) with fewer than half the
median number of rows are flagged, because that usually means a missing file.
What would mislead a bulletin if it passed unnoticed (a missing force-month, a
break in a series, a lookup of the wrong census) is a named warning: its
heading starts with ``warning:``, and :attr:`Report.warnings` keeps the headings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

LOW_SHARE = 0.5
# An indicator's month is flagged as low only when its median month has at least this many: below it, a month
# under half the median is ordinary noise (a Poisson count of mean 20 is under 10 about one month in 200).
LOW_MEDIAN = 20


@dataclass
class Report:
    title: str
    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def section(self, heading: str, items: list[str] | None = None) -> None:
        self.lines.append(heading)
        self.lines.extend(f"  {item}" for item in (items or []))

    def note(self, text: str) -> None:
        self.lines.append(text)

    def warn(self, heading: str, items: list[str] | None = None) -> None:
        """A named warning: 'warning: heading', then its items indented."""
        self.warnings.append(heading)
        self.section(f"warning: {heading}", items)

    def counted(self, heading: str, counts: pd.Series, empty: str = "none", unit: str = "rows") -> None:
        """A heading and one '  name: n' line per entry (largest first), or 'heading: none'."""
        counts = counts[counts > 0]
        if counts.empty:
            self.lines.append(f"{heading}: {empty}")
            return
        ordered = counts.sort_values(ascending=False, kind="stable")
        self.section(f"{heading} ({int(counts.sum()):,} {unit}):", [f"{k}: {int(v):,}" for k, v in ordered.items()])

    def per_period(self, heading: str, counts: pd.Series, label, unit: str = "rows") -> None:
        """Rows per month (or quarter) in period order, and those below half the median flagged."""
        if counts.empty:
            self.lines.append(f"{heading}: none")
            return
        self.section(f"{heading}:", [f"{label(k)}: {int(v):,}" for k, v in counts.sort_index().items()])
        median = float(counts.median())
        low = counts[counts < LOW_SHARE * median]
        if low.empty:
            self.lines.append(f"suspiciously low periods (< 50% of the median {median:,.0f} {unit}): none")
        else:
            self.section(f"suspiciously low periods (< 50% of the median {median:,.0f} {unit}; a file may be missing):",
                         [f"{label(k)}: {int(v):,}" for k, v in low.sort_index().items()])

    def per_indicator(self, heading: str, data: pd.DataFrame, label, unit: str = "months",
                      by_area: bool = True) -> None:
        """Each indicator's periods with a value, first to last, and the total of its values (per area too when
        ``by_area`` and there are several), with the periods below half the series' own median flagged. Totals
        are never summed across indicators: they overlap (All Crime holds Vehicle Crime; ASB incidents are not
        crimes), so such a sum means nothing."""
        # Plain floats: a nullable column's comparisons give masks with NA in them.
        valued = data.dropna(subset=["value"]).assign(area=lambda d: d["area"].fillna("").astype(str),
                                                      value=lambda d: d["value"].astype(float))
        if valued.empty:
            self.lines.append(f"{heading}: none")
            return
        key = ["indicator", "area"] if by_area and valued["area"].nunique(dropna=True) > 1 else ["indicator"]
        if key == ["indicator"]:
            valued = valued.groupby(["indicator", "month"], sort=False, as_index=False)["value"].sum()
            valued["area"] = ""
        groups = valued.groupby(key, sort=False)
        table = groups.agg(n=("value", "size"), first=("month", "min"), last=("month", "max"),
                           total=("value", "sum"))
        names = [" ".join(filter(None, map(str, k))) if isinstance(k, tuple) else str(k) for k in table.index]
        self.section(f"{heading} ({unit} with a value, first to last, total; indicators overlap, so they are "
                     f"never added together):",
                     [f"{name}: {int(r.n):,} {unit}, {label(r.first)} to {label(r.last)}, {r.total:,.0f}"
                      for name, r in zip(names, table.itertuples())])
        median = groups["value"].transform("median")
        low = valued.assign(median=median)[(valued["value"] < LOW_SHARE * median) & (median >= LOW_MEDIAN)]
        rule = f"< 50% of the series' own median, where that is at least {LOW_MEDIAN}"
        if low.empty:
            self.lines.append(f"suspiciously low {unit} ({rule}): none")
            return
        self.section(f"suspiciously low {unit} ({rule}; a file or a month may be missing):",
                     [f"{' '.join(filter(None, [r.indicator, r.area]))} {label(r.month)}: {r.value:,.0f} "
                      f"(median {r.median:,.0f})" for r in low.itertuples()])

    def text(self) -> str:
        return "\n".join([self.title, *self.lines])
