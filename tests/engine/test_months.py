"""The one month grammar (xl_pib.months.parse) that every face reads months with (issue 13)."""

from __future__ import annotations

import datetime as dt

import pytest

from xl_pib import months


@pytest.mark.parametrize("text,expected", [
    ("2007-04", "2007-04"), ("04/2007", "2007-04"), ("4/2007", "2007-04"), ("Apr-07", "2007-04"),
    ("April 2007", "2007-04"), ("apr 2007", "2007-04"), ("Sept-09", "2009-09"), ("Dec-69", "2069-12"),
    ("Jan-70", "1970-01"), ("15/04/2007", "2007-04"), ("2007-04-01", "2007-04"),
    (dt.datetime(2007, 4, 1), "2007-04"), (dt.date(2007, 4, 30), "2007-04"), (39173.0, "2007-04"),
])
def test_month_spellings(text, expected):
    assert months.iso(months.parse(text)) == expected


@pytest.mark.parametrize("text", ["Apx-07", "13/2007", "2007", "Aprils 2007", "", "Ma-07"])
def test_not_months(text):
    with pytest.raises(months.NotAMonth):
        months.parse(text)


@pytest.mark.parametrize("text", ["March 2010", "03/2010", "Mar-10", "Mar 2010", "2010-03", "2010-03-01"])
def test_every_form_the_docs_list_reads_as_march_2010(text):
    assert months.iso(months.parse(text)) == "2010-03"


def test_an_unreadable_month_echoes_what_was_typed_and_lists_the_forms():
    with pytest.raises(months.NotAMonth) as caught:
        months.parse("Marhc 2010")
    assert str(caught.value) == f"'Marhc 2010' is not a month: write it as {months.ACCEPTED}"


@pytest.mark.parametrize("text", ["1899-12", "2200-01"])
def test_months_outside_the_supported_years_are_refused(text):
    with pytest.raises(months.NotAMonth, match="between 1900-01 and 2199-12"):
        months.parse(text)
