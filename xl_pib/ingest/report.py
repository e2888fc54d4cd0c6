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

    def text(self) -> str:
        return "\n".join([self.title, *self.lines])
