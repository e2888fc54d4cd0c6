"""The Settings sheet as the parser reads it: the Bulletin month setting (issue 13, deliverable 4), months in
any form of the one grammar, and blank settings that stay blank."""

from __future__ import annotations

import copy

import pytest

from xl_pib import months
from xl_pib.assess import assess
from xl_pib.bulletin import appendices, section, summary, text
from xl_pib.errors import InputError
from xl_pib.inputs import parse_sheets


def _with_setting(sheets, label, value):
    out = copy.deepcopy(sheets)
    rows = out["Settings"]
    for row in rows[1:]:
        if str(row[0]).strip().lower() == label.lower():
            row[1] = value
            return out
    rows.append([label, value])
    return out


@pytest.fixture(scope="module")
def sheets(demo_sheets):
    return demo_sheets


def test_the_bulletin_is_headed_the_month_after_the_data_by_default(sheets):
    assessment = assess(parse_sheets(sheets))
    settings = assessment.inputs.settings
    assert settings.bulletin_month == "" and months.label(text.bulletin_month(settings)) == "Dec 2009"
    assert section.subtitle(settings).endswith("- Dec 2009")
    assert "BULLETIN - Dec 2009" in summary.grid(assessment)[1][0]
    said = next(c[2] for c in appendices.cells(assessment) if c[2].startswith("Figures run to"))
    assert "Nov 2009" in said and "headed Dec 2009, the month after" in said


@pytest.mark.parametrize("typed", ["January 2010", "01/2010", "2010-01", "Jan-10"])
def test_a_bulletin_month_heads_the_bulletin(sheets, typed):
    assessment = assess(parse_sheets(_with_setting(sheets, "Bulletin month", typed)))
    settings = assessment.inputs.settings
    assert section.subtitle(settings).endswith("- Jan 2010")
    assert "BULLETIN - Jan 2010" in summary.grid(assessment)[1][0]
    said = next(c[2] for c in appendices.cells(assessment) if c[2].startswith("Figures run to"))
    assert "headed Jan 2010, the month it is issued" in said


def test_an_unreadable_month_echoes_what_was_typed(sheets):
    with pytest.raises(InputError) as caught:
        parse_sheets(_with_setting(sheets, "Bulletin month", "Janury 2010"))
    message = str(caught.value)
    assert "Settings row" in message and "'Value'" in message and "'Janury 2010'" in message
    assert months.ACCEPTED in message


@pytest.mark.parametrize("typed", ["March 2010", "03/2010", "Mar 2010", "2010-03"])
def test_latest_month_in_any_form(sheets, typed):
    assert parse_sheets(_with_setting(sheets, "Latest month", typed)).settings.latest_month == \
        months.parse("2010-03")


def test_blank_settings_stay_blank_when_every_value_is_text(sheets):
    """pandas 3 reads a column of text as its string dtype, whose blanks are NaN: a blank Title must still be
    blank (not "nan") and a blank Bulletin month its default."""
    rows = [["Setting", "Value"], ["Partnership", "Anytown CSP"], ["Latest month", "03/2025"],
            ["Title", ""], ["Bulletin month", None], ["Expected level method", "xmr"]]
    settings = parse_sheets({**copy.deepcopy(sheets), "Settings": rows}).settings
    assert settings.title == "" and settings.bulletin_month == "" and settings.author == ""
