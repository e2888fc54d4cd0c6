"""The live workbook under noise-aware judgements, with a Breaks sheet: calculated by a real formula engine
(`formulas`), every Performance Table and Workings value equals the headless build's (issue 15's trend model
and SPC chart, issue 16's breaks honoured in Excel as in the build)."""

from __future__ import annotations

import copy

import pytest

formulas = pytest.importorskip("formulas")

from test_workbook_formulas import (Evaluated, function_registry, mismatches,  # noqa: E402,F401
                                    performance_cells, workings_cells)  # function_registry: the same fixture

from xl_pib import labels  # noqa: E402
from xl_pib.assess import assess  # noqa: E402
from xl_pib.bulletin import build_workbook  # noqa: E402
from xl_pib.figures import SPEC  # noqa: E402
from xl_pib.inputs import parse_sheets  # noqa: E402
from xl_pib.template import build_template  # noqa: E402

BREAKS = [["Indicator", "Month", "Reason", "Rebase"],
          ["VEH", "2008-10", "Home Office Counting Rules change", None],
          ["CD", "2009-02", "New neighbourhood policing model", "chart"],
          ["VEH", "2009-06", "Another area's change", None, ],
          ["DB", "2009-03", "Another partnership's break", None]]


def noise_aware_sheets(demo_sheets):
    sheets = copy.deepcopy(demo_sheets)
    for row in sheets["Settings"]:
        if row[0] == "Judgements":
            row[1] = "noise-aware"
    rows = [list(r) + [None] for r in BREAKS]
    rows[0][-1] = "Area"
    rows[3][-1] = "Corby"        # another area: left out
    rows[4][-1] = " kettering"  # the partnership, in another case: honoured
    sheets["Breaks"] = rows
    return sheets


@pytest.fixture(scope="module")
def book(demo_sheets, tmp_path_factory):
    assessment = assess(parse_sheets(noise_aware_sheets(demo_sheets)))
    path = build_template(assessment, tmp_path_factory.mktemp("noise_aware") / "pib_bulletin.xlsm")
    static, layout = build_workbook(assessment, live=False)
    return assessment, Evaluated(path), static, layout


def test_the_noise_aware_demo_has_breaks_and_model_verdicts(book):
    assessment, _, _, _ = book
    f = assessment.figures
    ids = list(assessment.inputs.targets["indicator"])
    veh, cd, db = ids.index("VEH"), ids.index("CD"), ids.index("DB")
    assert labels.TOO_CLOSE in set(f.trend_sufficient)
    assert f.change_from_baseline[veh] != f.change_from_baseline[veh]  # N/A: spans the break
    assert f.break_month[db] == f.break_month[db] and f.break_month[cd] != f.break_month[cd]  # chart-only rebase
    assert any(r.startswith("Change from baseline: the series breaks in Oct 2008 (Home Office Counting Rules "
                            "change)") for r in assessment.reasons[veh])


def test_performance_tables_equal_the_engine(book):
    _, evaluated, static, layout = book
    bad = mismatches(evaluated, static, performance_cells(layout))
    assert not bad, "\n".join(bad[:20])


def test_workings_equal_the_engine(book):
    assessment, evaluated, static, _ = book
    bad = mismatches(evaluated, static, workings_cells(len(assessment.inputs.targets)))
    assert not bad, "\n".join(bad[:20])


def test_no_function_failed(book):
    _, evaluated, _, _ = book
    assert evaluated.failures == []


def test_the_trend_and_past_month_cells_are_the_models(book):
    """The live table's trend and past month are the noise-aware verdicts, not the classic ones."""
    assessment, evaluated, _, layout = book
    f = assessment.figures
    trend = {b.index: evaluated.value(b.sheet, b.cells[SPEC.trend_sufficient.key]) for b in layout.blocks}
    assert [trend[i] for i in sorted(trend)] == [labels.NA if v != v else v for v in f.trend_sufficient]
    assert labels.TOO_CLOSE in trend.values()
