"""Excel number formats, declared once for every sheet that shows a figure."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

PERCENT = "0.0%"
SIGNED_PERCENT = "+0.0%;-0.0%;0.0%"
COUNT = "#,##0"
RATE = "#,##0.0#"
DETAIL = "#,##0.0###"   # Workings: enough places to check a figure by hand
WHOLE = "0"
MONTH = "mmm yyyy"
INPUT_MONTH = "yyyy-mm"  # months on the input sheets, as they are typed

# A figure in its measure's own units (baseline, target, current): its format depends on the measure.
BY_MEASURE = "by measure"
# The same, with one more place: a limit or a threshold, which must not print like the figure it is compared
# with when it differs from it (358 is above 357.6, not above 358).
BY_MEASURE_FINE = "by measure, fine"
# A month's own figure (a rate indicator's months are counts of events: xl_pib.measures.series.monthly_kind).
BY_MONTHLY_UNITS = "by monthly units"
BY_MONTHLY_UNITS_FINE = "by monthly units, fine"
_MEASURE_FORMATS = {
    BY_MEASURE: {"percentage": PERCENT, "rate": RATE, "count": COUNT},
    BY_MEASURE_FINE: {"percentage": "0.00%", "rate": "#,##0.00", "count": "#,##0.0"},
    BY_MONTHLY_UNITS: {"percentage": PERCENT, "rate": COUNT, "count": COUNT},
    BY_MONTHLY_UNITS_FINE: {"percentage": "0.00%", "rate": "#,##0.0", "count": "#,##0.0"},
}


def for_measure(number_format: str | None, measure: str) -> str | None:
    """The format to use for one indicator's cell."""
    family = _MEASURE_FORMATS.get(number_format)
    if family is not None:
        return family.get(measure, family["count"])
    return number_format


def by_measure(number_format: str | None) -> bool:
    """A format that depends on the indicator's measure."""
    return number_format in _MEASURE_FORMATS


def not_significant(number_format: str) -> str:
    """The format marking a change that is not significant: its value followed by "(ns)" in every section."""
    return ";".join(f'{part}" (ns)"' for part in number_format.split(";"))


# --- figures as the text of a sentence, as their cells show them ----------------------------------

# One section of the number formats the bulletin uses: an optional sign, digits with or without thousands
# separators, places that always show (0) and places that show when needed (#), and a percent sign.
_SECTION = re.compile(r'^(?P<sign>[+-]?)(?P<whole>[#,0]*0)(?:\.(?P<fixed>0*)(?P<optional>#*))?(?P<percent>%?)$')


def number_text(value: float, number_format: str) -> str:
    """A number as Excel shows it in ``number_format`` (the formats of this module: sections ``pos;neg;zero``,
    thousands separators, fixed and optional places, percent), rounded half away from zero as Excel does."""
    sections = number_format.split(";")
    section = sections[0]
    if len(sections) > 2 and value == 0:
        section = sections[2]
    elif len(sections) > 1 and value < 0:
        section, value = sections[1], -value
    parts = _SECTION.match(section)
    if parts is None:
        raise ValueError(f"number_text: the format {number_format!r} is not one the bulletin uses")
    fixed, optional = len(parts["fixed"] or ""), len(parts["optional"] or "")
    scaled = Decimal(repr(float(value))) * (100 if parts["percent"] else 1)
    rounded = scaled.quantize(Decimal(1).scaleb(-(fixed + optional)), rounding=ROUND_HALF_UP)
    text = f"{rounded:{',' if ',' in parts['whole'] else ''}.{fixed + optional}f}"
    if optional:
        keep = len(text) - optional
        text = text[:keep] + text[keep:].rstrip("0")
        text = text.rstrip(".")
    if text.lstrip("-").strip("0.,") == "" and text.startswith("-"):
        text = text[1:]  # -0.0 shows as 0.0
    return parts["sign"] + text + parts["percent"]


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or \
        (isinstance(value, str) and value.strip() in ("", "N/A"))


def as_text(values, number_format: str | None, measures=None) -> tuple[np.ndarray, np.ndarray]:
    """(text, known) of a column of figures: each as its cell shows it in ``number_format`` (per indicator's
    measure for the by-measure formats; a label as it is; a month index as "Nov 2009"), and whether it has a
    value at all (blank, NaN and N/A have none). Formatted once per distinct value, not once per indicator."""
    from . import months

    column = pd.Series(np.asarray(values, dtype=object).ravel())
    # "" stands for a label's format (None) so that factorize sees one value per pair.
    if by_measure(number_format):
        measure_formats = {m: for_measure(number_format, m) for m in dict.fromkeys(measures)}
        formats = pd.Series(measures, dtype=object).map(measure_formats)
    else:
        formats = pd.Series([number_format or ""] * len(column), dtype=object)
    known = ~column.map(_blank).astype(bool)
    # Each distinct (value, format) pair once: the two factorized apart and their codes combined (a MultiIndex
    # of the pairs cost ~7 ms a column, most of an explanation's time).
    value_codes, values_seen = pd.factorize(column.where(known, ""))
    format_codes, formats_seen = pd.factorize(formats)
    pair_keys, codes = np.unique(value_codes * len(formats_seen) + format_codes, return_inverse=True)
    uniques = [(values_seen[k // len(formats_seen)], formats_seen[k % len(formats_seen)]) for k in pair_keys.tolist()]

    def shown(pair) -> str:
        value, fmt = pair
        if _blank(value):
            return ""
        if not fmt or isinstance(value, str):
            return str(value)
        if fmt == MONTH:
            return months.label(value)
        return number_text(float(value), fmt)

    table = np.array([shown(pair) for pair in uniques] + [""], dtype=object)
    return table[codes], known.to_numpy()
