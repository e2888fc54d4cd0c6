"""Excel number formats, declared once for every sheet that shows a figure."""

from __future__ import annotations

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
_MEASURE_FORMATS = {"percentage": PERCENT, "rate": RATE, "count": COUNT}


def for_measure(number_format: str | None, measure: str) -> str | None:
    """The format to use for one indicator's cell."""
    if number_format == BY_MEASURE:
        return _MEASURE_FORMATS.get(measure, COUNT)
    return number_format


def not_significant(number_format: str) -> str:
    """The format marking a change that is not significant: its value followed by "(ns)" in every section."""
    return ";".join(f'{part}" (ns)"' for part in number_format.split(";"))
