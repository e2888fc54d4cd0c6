"""The ingest report's totals (issue 21): per indicator, never summed across indicators that overlap."""

from __future__ import annotations

import pandas as pd

from xl_pib import months
from xl_pib.cli import main
from xl_pib.ingest.report import LOW_MEDIAN, Report


def test_counts_are_totalled_per_indicator_with_no_sum_across_them(tmp_path, capsys):
    source = tmp_path / "counts.csv"
    source.write_text("Month,All Crime,Vehicle crime,ASB\n2007-04,100,10,50\n2007-05,110,12,40\n"
                      "2007-06,90,9,30\n2007-07,95,11,10\n", encoding="utf-8")
    assert main(["ingest", "counts", str(source), "-o", str(tmp_path / "out.csv")]) == 0
    out = capsys.readouterr().out
    assert "  ALL_CRIME: 4 months, 2007-04 to 2007-07, 395\n" in out
    assert "  VEH: 4 months, 2007-04 to 2007-07, 42\n" in out
    assert "  ASB: 4 months, 2007-04 to 2007-07, 130\n" in out
    for month_sum in ("160", "162", "129", "116", "567"):  # All Crime + Vehicle crime + ASB, per month or in all
        assert month_sum not in out
    assert "sum of values" not in out
    # ASB's July is under half its own median (35), which is at least LOW_MEDIAN: flagged; VEH's months never are.
    assert "suspiciously low months (< 50% of the series' own median" in out and "  ASB 2007-07: 10 (median 35)" in out


def test_low_months_are_judged_per_series_and_only_where_a_median_is_not_noise():
    data = pd.DataFrame({"month": [months.parse(f"2020-{m:02d}") for m in range(1, 7)] * 2,
                         "indicator": ["RARE"] * 6 + ["BIG"] * 6, "area": None,
                         "value": [2, 1, 3, 0, 2, 2] + [400, 410, 390, 150, 405, 395]})
    report = Report("t")
    report.per_indicator("counted per indicator", data, months.iso)
    text = report.text()
    assert "RARE: 6 months, 2020-01 to 2020-06, 10" in text and "BIG: 6 months, 2020-01 to 2020-06, 2,150" in text
    low = text.split("suspiciously low months")[1]
    assert "BIG 2020-04: 150 (median 398)" in low and "RARE" not in low  # RARE's median 2 < LOW_MEDIAN
    assert LOW_MEDIAN == 20


def test_several_areas_are_totalled_per_area_or_over_them():
    data = pd.DataFrame({"month": [1, 2, 1, 2], "indicator": ["VEH"] * 4, "area": ["A", "A", "B", "B"],
                         "value": [10, 11, 20, 21]})
    by_area, overall = Report("t"), Report("t")
    by_area.per_indicator("counted", data, str)
    overall.per_indicator("counted", data, str, by_area=False)
    assert "VEH A: 2 months, 1 to 2, 21" in by_area.text() and "VEH B: 2 months, 1 to 2, 41" in by_area.text()
    assert "VEH: 2 months, 1 to 2, 62" in overall.text()
