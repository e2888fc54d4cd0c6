"""Issue 16: every Breaks row is honoured by the bulletin's engine (issue 15's SPC chart restarts at it).

A break in recording (Rebase ``all``, the default) makes the comparisons that span it N/A with the reason,
fits the trend only from it and names it in the narrative; a chart-only break (Rebase ``chart``) restarts the
SPC limits and nothing else; rows for another area are left out; a ``suggested`` row (written by ``ingest
--into``) counts like any other once it is on the sheet."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from xl_pib import labels, months
from xl_pib.assess import assess
from xl_pib.inputs import parse_sheets

HEADER = ["Indicator", "Month", "Reason", "Rebase", "Area", "Status"]
RECORDING = ["VEH", "2008-10", "Home Office Counting Rules change", None, None, None]
CHART_ONLY = ["CD", "2009-02", "New neighbourhood policing model", "chart", None, None]
OTHER_AREA = ["VEH", "2009-06", "Corby's own change", None, "Corby", None]
SUGGESTED = ["DB", "2009-01", "level shift found by xl-pib ingest", None, None, "suggested"]
OFF_AXIS = ["ASB", "1999-01", "before the data begin", None, None, None]

COMPARISONS = ["Change from baseline", "Change from baseline low", "Change from baseline high",
               "Change from baseline significant", "Comparative 12 months", "Comparative 12 months low",
               "Comparative 12 months high", "Comparative 12 months significant"]


def _sheets(demo_sheets, judgements, *breaks):
    sheets = copy.deepcopy(demo_sheets)
    for row in sheets["Settings"]:
        if row[0] == "Judgements":
            row[1] = judgements
    if breaks:
        sheets["Breaks"] = [HEADER, *map(list, breaks)]
    return sheets


def _assess(demo_sheets, judgements, *breaks):
    return assess(parse_sheets(_sheets(demo_sheets, judgements, *breaks)))


@pytest.fixture(scope="module", params=["classic", "noise-aware"])
def pair(request, demo_sheets):
    """(without breaks, with every kind of Breaks row) under one judgement set."""
    return (_assess(demo_sheets, request.param),
            _assess(demo_sheets, request.param, RECORDING, CHART_ONLY, OTHER_AREA, SUGGESTED, OFF_AXIS))


def _row(assessment, indicator):
    return assessment.results.set_index("Indicator").loc[indicator]


def _index(assessment, indicator):
    return list(assessment.inputs.targets["indicator"]).index(indicator)


def _differences(a, b, indicator):
    x, y = _row(a, indicator), _row(b, indicator)
    return {c for c in x.index if str(x[c]) != str(y[c])}


def test_comparisons_across_a_recording_break_are_na_with_the_reason(pair):
    plain, broken = pair
    veh = _row(broken, "VEH")
    assert all(_row(plain, "VEH")[c] != labels.NA for c in COMPARISONS)
    assert all(veh[c] == labels.NA for c in COMPARISONS)
    assert veh["Break month"].isoformat()[:7] == "2008-10"
    reasons = broken.reasons[_index(broken, "VEH")]
    for what in ("Change from baseline", "Comparative 12 months"):
        assert f"{what}: the series breaks in Oct 2008 (Home Office Counting Rules change)" in " ".join(reasons)


def test_the_trend_is_fitted_only_from_the_break_and_says_so(pair):
    plain, broken = pair
    k = _index(broken, "VEH")
    assert _row(plain, "VEH")["Trend sufficient"] != labels.NA
    assert _row(broken, "VEH")["Trend sufficient"] == labels.NA  # 14 months since Oct 2008: too few
    assert any(r.startswith("Trend sufficient needs ") and r.endswith("months from the series' break in Oct 2008")
               for r in broken.reasons[k])


def test_the_narrative_names_the_break_and_its_reason(pair):
    plain, broken = pair
    k = _index(broken, "VEH")
    clause = "Figures are recorded on a new basis from Oct 2008 (Home Office Counting Rules change)"
    assert clause in broken.figures.narrative[k] and clause not in plain.figures.narrative[k]


def test_a_chart_only_break_keeps_every_comparison(pair):
    plain, broken = pair
    changed = _differences(plain, broken, "CD")
    assert not changed & set(COMPARISONS + ["Trend sufficient", "RAG", "Position", "Break month"])
    judgements = broken.inputs.settings.judgements
    # classic has no SPC chart: nothing moves; noise-aware restarts the chart's period, so the month is judged
    # on the 10 months since February 2009 (too few: N/A, with the reason)
    assert changed == (set() if judgements == "classic" else {"Past month"})


def test_another_area_s_row_and_a_month_off_the_axis_change_nothing(demo_sheets):
    plain = _assess(demo_sheets, "noise-aware")
    ignored = _assess(demo_sheets, "noise-aware", OTHER_AREA, OFF_AXIS)
    assert ignored.results.equals(plain.results)
    assert ignored.reasons == plain.reasons


def test_a_row_for_the_partnership_by_name_in_any_case_is_honoured(demo_sheets):
    mine = list(RECORDING)
    mine[4] = "  KETTERING "
    assert _row(_assess(demo_sheets, "classic", mine), "VEH")["Comparative 12 months"] == labels.NA


def test_a_suggested_row_counts_once_it_is_on_the_sheet(pair):
    _, broken = pair
    db = _row(broken, "DB")
    assert db["Break month"].isoformat()[:7] == "2009-01"
    assert db["Comparative 12 months"] == labels.NA and db["RAG"] == labels.NA


def test_an_empty_breaks_sheet_is_no_breaks_sheet(demo_sheets):
    plain = _assess(demo_sheets, "classic")
    sheets = _sheets(demo_sheets, "classic")
    sheets["Breaks"] = [HEADER]
    assert assess(parse_sheets(sheets)).results.equals(plain.results)


def _at(assessment, indicator, month):
    return list(map(months.iso, assessment.month_axis.astype(int))).index(month), _index(assessment, indicator)


@pytest.mark.parametrize("row, first", [(CHART_ONLY, "2009-02"), (RECORDING, "2008-10")])
def test_the_spc_limits_restart_at_every_break(demo_sheets, row, first):
    plain = _assess(demo_sheets, "noise-aware")
    broken = _assess(demo_sheets, "noise-aware", row)
    col, k = _at(broken, row[0], first)
    f, g = broken.figures, plain.figures
    for figure in ("spc_mean", "spc_upper", "spc_lower"):
        before, after = getattr(f, figure)[k, col - 1], getattr(f, figure)[k, col]
        assert before != pytest.approx(after)                       # a new period from the break
        assert getattr(g, figure)[k, col - 1] == pytest.approx(getattr(g, figure)[k, col])  # one period without
        assert getattr(f, figure)[k, col - 1] == pytest.approx(getattr(g, figure)[k, col - 1])  # same before
    assert f.break_markers[k, col] == 1 and np.isnan(np.delete(f.break_markers[k], col)).all()


def test_a_sustained_shift_is_only_suggested_never_rebased(demo_sheets):
    aware = _assess(demo_sheets, "noise-aware")
    k = _index(aware, "ASB")
    suggested = _row(aware, "ASB")["Suggested rebase"]
    assert suggested != labels.NA
    month = suggested.strftime("%b %Y")
    assert any(w.startswith(f"ASB: the SPC chart suggests a new period from {month}: every month since lies on one "
                            "side of the average") for w in aware.warnings)
    mean = aware.figures.spc_mean[k]
    assert np.unique(mean[~np.isnan(mean)]).size == 1                # one period: nothing was rebased by itself
    # the analyst agrees and adds the row: the chart starts again there and the advice goes away
    agreed = _assess(demo_sheets, "noise-aware",
                     ["ASB", suggested.strftime("%Y-%m"), "new ASB recording practice", "chart", None, None])
    assert not any(w.startswith("ASB: the SPC chart suggests") for w in agreed.warnings)


def test_classic_ignores_the_spc_advice(demo_sheets):
    assert not any("the SPC chart suggests" in w for w in _assess(demo_sheets, "classic").warnings)
