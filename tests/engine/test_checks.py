"""The consistency checks (issue 21): each one, on the demo with one cell changed, names exactly that cell with
both figures; the untouched demo gives no warning; the leftover-target trap of the issue is caught."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from xl_pib import months
from xl_pib.assess import assess
from xl_pib.checks import CHECKS, USUAL_LAG, label_ends, period_label
from xl_pib.demo import demo_sheets
from xl_pib.demo.edits import Edit, apply
from xl_pib.inputs import parse_sheets

ROOT = Path(__file__).resolve().parents[2]

# For each check: text its warning must carry for its example (the cell's figure and the one it contradicts).
BOTH_FIGURES = {
    "Target value": ("Target value 1,250 is used", "Baseline 1,290 gives 1,238"),
    "Typed baseline": ("Baseline 950 is typed", "the Data give 913 for the 12 months to Mar 2008"),
    "Baseline period": ("'2008/09' ends in Mar 2009", "Baseline end is Mar 2008"),
    "MSG own row": ("no row for Kettering", "'Ketering' is the nearest"),
    "MSG own count": ("Count for Kettering is 1,300", "the Data give 1,103 for the 12 months to Nov 2009"),
    "Another area named": ("names Wellingborough", "the partnership is Kettering"),
    "Target dates passed": ("Latest month is Jun 2011", "the latest is Mar 2011"),
    "Data behind": ("NI19's latest month is Jun 2009", "run to Nov 2009, 5 months later"),
    "Outcome without ratings": ("(ALL_CRIME) are all rated N/A", "no RAG override"),
}


def assessed(sheets):
    return assess(parse_sheets(sheets))


def test_the_untouched_demo_gives_no_warning():
    assessment = assessed(demo_sheets())
    assert assessment.checks == () and assessment.warnings == ()


def test_every_check_has_a_test_case():
    assert sorted(BOTH_FIGURES) == sorted(check.name for check in CHECKS)


@pytest.mark.parametrize("check", CHECKS, ids=[c.name for c in CHECKS])
def test_one_changed_cell_gives_one_warning_naming_that_cell(check):
    sheets, (row, column) = apply(check.example)
    found = assessed(sheets).checks
    assert [(f.check, f.sheet, f.row, f.column) for f in found] == [(check.name, check.example.sheet, row, column)]
    line = found[0].line
    assert line.startswith(f"{check.example.sheet} row {row}, column '{column}': ")
    assert all(text in line for text in BOTH_FIGURES[check.name]), line
    assert "; likely fix: " in line


def test_checks_are_the_last_warnings_and_every_face_prints_their_lines():
    sheets, _ = apply(next(c for c in CHECKS if c.name == "MSG own row").example)
    assessment = assessed(sheets)
    assert len(assessment.warnings) == 2  # the MSG figures' N/A reason, then the check
    assert assessment.warnings[-1] == assessment.checks[0].line
    assert "MSG distance needs" in assessment.warnings[0]


def _trap(keep_note: bool, partnership: str | None = None):
    """The issue's trial: the demo adapted by hand, its own Assault with Injury data (a 2008/09 baseline of 524)
    typed in, the published Target value 518 of Kettering's plan left over."""
    sheets = demo_sheets()
    data = sheets["Data"]
    header = data[0]
    month, indicator, value = (header.index(h) for h in ("Month", "Indicator", "Value"))
    year = [r for r in data[1:] if r[indicator] == "AWI" and "2008-04" <= r[month] <= "2009-03"]
    assert sum(r[value] for r in year) == 558
    # 34 crimes fewer over the baseline year, 524, in months before the current 12 (so the MSG row still agrees).
    for k, r in enumerate(year[:8]):
        r[value] -= 5 if k < 2 else 4
    targets = sheets["Targets"]
    note = targets[0].index("Target note")
    awi = next(r for r in targets[1:] if r[0] == "AWI")
    if not keep_note:
        awi[note] = None
    if partnership:
        settings = sheets["Settings"]
        next(r for r in settings[1:] if r[0] == "Partnership")[1] = partnership
    return sheets, targets.index(awi) + 1


def test_the_leftover_target_trap_of_the_issue_is_named():
    sheets, row = _trap(keep_note=False)
    assessment = assessed(sheets)
    assert assessment.figures.target[list(assessment.figures.indicator).index("AWI")] == 518  # used, as before
    (finding,) = assessment.checks
    assert (finding.sheet, finding.row, finding.column) == ("Targets", row, "Target value")
    assert "Target value 518 is used, but the 8.0% reduction from the Baseline 524 gives 482" in finding.line
    assert "clear the Target value to use 482" in finding.line
    # The page that explains the checks shows this very warning.
    assert f"warning: {finding.line}" in (ROOT / "docs" / "checks.md").read_text()


def test_a_leftover_target_note_is_named_as_another_areas():
    """Left with its Target note (which silences the target check), the leftover row is still named: the note
    speaks of Kettering, which is not the partnership now."""
    sheets, row = _trap(keep_note=True, partnership="Anytown")
    found = assessed(sheets).checks
    notes = [f for f in found if (f.row, f.column) == (row, "Target note")]
    assert len(notes) == 1 and notes[0].check == "Another area named" and "names Kettering" in notes[0].line
    assert not [f for f in found if f.check == "Target value"]
    # The rest of the demo left for Anytown is named too: its MSG rows are Kettering's, its title says Kettering.
    assert {f.check for f in found} >= {"MSG own row", "Another area named"}
    assert any(f.sheet == "Settings" and "names Kettering" in f.line for f in found)


def test_a_target_note_silences_its_row_only():
    sheets = demo_sheets()
    targets = sheets["Targets"]
    note = targets[0].index("Target note")
    awi = next(r for r in targets[1:] if r[0] == "AWI")
    awi[note] = None
    (finding,) = assessed(sheets).checks
    assert finding.row == targets.index(awi) + 1 and "518 is used" in finding.line and "gives 513" in finding.line


def test_printed_rounding_is_not_a_difference():
    """NI49_2's maintenance target of 0.6 against a typed baseline of 0.59 prints differently, so it is named
    without its note; a Target value equal to the computed one once printed never is."""
    sheets = demo_sheets()
    targets = sheets["Targets"]
    header = targets[0]
    sac = next(r for r in targets[1:] if r[0] == "SAC")
    sac[header.index("Target value")] = 1238.4  # prints as 1,238, the computed target
    assert assessed(sheets).checks == ()
    ni49 = next(r for r in targets[1:] if r[0] == "NI49_2")
    ni49[header.index("Target note")] = None
    found = assessed(sheets).checks
    assert {(f.check, f.row) for f in found} == {("Target value", targets.index(ni49) + 1),
                                                 ("Typed baseline", targets.index(ni49) + 1)}


@pytest.mark.parametrize("label, end, agrees", [
    ("2007/08", "2008-03", True), ("2007/08", "2009-03", False), ("2007/8", "2008-03", True),
    ("2007/08 LGUSS", "2008-03", True), ("2008-09", "2009-03", True), ("2008-09", "2008-09", True),
    ("2008-09", "2008-12", False), ("Oct 2007 - Sep 2008", "2008-09", True), ("Oct 2007 - Sep 2008", "2008-03", False),
    ("12-month mean 2004-2006", "2006-12", True), ("12 months to Mar 2008", "2008-03", True),
    ("calendar year 2008", "2008-12", True), ("2007/2008", "2008-03", True), ("countywide", "2001-01", True),
    ("", "2008-03", True),
])
def test_baseline_period_labels(label, end, agrees):
    ends = label_ends(label)
    assert (not ends or months.parse(end) in ends) == agrees, sorted(months.iso(m) for m in ends)


def test_the_suggested_label_is_the_financial_year_or_the_twelve_months():
    assert period_label(months.parse("2009-03")) == "2008/09"
    assert period_label(months.parse("2009-06")) == "12 months to Jun 2009"
    assert months.parse("2009-03") in label_ends(period_label(months.parse("2009-03")))
    assert months.parse("2009-06") in label_ends(period_label(months.parse("2009-06")))


def test_a_place_is_matched_as_whole_words_in_any_case():
    sheets = demo_sheets()
    targets = sheets["Targets"]
    commentary = targets[0].index("Commentary")
    row = next(r for r in targets[1:] if r[0] == "SCHOOL")
    row[commentary] = "Victims aged 16 and under (as in KENT and the rest of the group); Kentish Town is no place here."
    (finding,) = assessed(sheets).checks
    assert finding.column == "Commentary" and "names KENT," in finding.line


def test_the_county_of_a_county_target_and_the_partnership_are_not_another_area():
    """NI16's Area names Northamptonshire, so text naming it is the partnership's own; so is 'Kettering' in a
    title when the partnership is 'Kettering CDRP'."""
    sheets = demo_sheets()
    settings = sheets["Settings"]
    next(r for r in settings[1:] if r[0] == "Partnership")[1] = "Kettering CDRP"
    targets = sheets["Targets"]
    commentary = targets[0].index("Commentary")
    next(r for r in targets[1:] if r[0] == "NI19")[commentary] = "Northamptonshire's youth offending cohort."
    msg = sheets["MSG"]
    for r in msg[1:]:
        if r[1] == "Kettering":
            r[1] = "Kettering CDRP"
    assert assessed(sheets).checks == ()


def test_a_lag_within_the_usual_lag_is_not_named():
    """NI19 is four months behind in the demo, as the seed bulletin says its data usually are."""
    assessment = assessed(demo_sheets())
    f = assessment.figures
    latest = max(f.assessed_month)
    assert latest - f.assessed_month[list(f.indicator).index("NI19")] == USUAL_LAG
    assert assessment.checks == ()


def test_an_outcome_with_a_rag_override_is_rated_by_the_analyst():
    edit = next(c for c in CHECKS if c.name == "Outcome without ratings").example
    sheets, _ = apply(Edit(edit.sheet, edit.row, "RAG override", "G", "rated by the analyst"), apply(edit)[0])
    assert assessed(sheets).checks == ()


def test_every_sheet_named_as_the_workbook_spells_it():
    sheets, (row, _) = apply(next(c for c in CHECKS if c.name == "Typed baseline").example)
    sheets = {name.upper(): rows for name, rows in copy.deepcopy(sheets).items()}
    (finding,) = assessed(sheets).checks
    assert finding.line.startswith(f"TARGETS row {row}, column 'Baseline': ")


def test_the_checks_page_lists_every_check():
    page = (ROOT / "docs" / "checks.md").read_text()
    assert "<!-- generate: checks -->" in page
    text = (ROOT / "xl_pib" / "inputs" / "schema.py").read_text()
    assert re.search(r"Target note.*checks\]\(checks\.md\)", text, flags=re.S)
