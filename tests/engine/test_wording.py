"""Board-ready English (issue 13, deliverable 4): "An 11.2% reduction has been recorded", "All Crime has
fallen", figures printed in their measure's units (xl_pib.wording, xl_pib.bulletin.text.headline)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from xl_pib import wording
from xl_pib.bulletin import text

# Numbers as printed, and the article an English speaker puts before them (read aloud).
ARTICLES = {
    "8.0": "an", "8": "an", "11.2": "an", "18.3": "an", "80.0": "an", "85.4": "an", "89.9": "an", "800": "an",
    "8,500": "an", "11,000": "an", "18,250": "an", "11.0": "an",
    "1.3": "a", "4.6": "a", "10.5": "a", "12.0": "a", "19.9": "a", "110.0": "a", "180": "a", "0.5": "a",
    "1,100": "a", "1,800": "a", "100": "a", "81,000": "an", "111,000": "a", "-11.2": "an", "+8.0": "an",
}


@pytest.mark.parametrize("number,expected", ARTICLES.items())
def test_a_or_an_as_the_number_is_read(number, expected):
    assert wording.article(number) == expected


def test_articles_are_vectorised():
    got = wording.articles(np.array(list(ARTICLES), dtype=object))
    assert got.tolist() == list(ARTICLES.values())


NAMES = {
    "All Crime": False, "All crime": False, "Burglary": False, "Criminal Damage and Arson": False,
    "Anti-social Behaviour": False, "Business": False, "Serious Acquisitive Crime": False, "Bus": False,
    "Violence and Sexual Offences": True, "Police Recorded Anti-Social Behaviour Incidents": True,
    "ASB incidents": True, "Repeat Domestic Burglaries": True, "Secondary fires in refuse containers": True,
    "Analysis": False,
}


@pytest.mark.parametrize("name,is_plural", NAMES.items())
def test_plural_names_take_have(name, is_plural):
    assert bool(wording.plural([name])[0]) is is_plural


# (change, measure) -> the headline; the seed printed "A -11.2% reduction" and "A 4.6% increase".
HEADLINES = [
    (-0.112, "count", "An 11.2% reduction has been recorded from the baseline"),
    (-0.152, "count", "A 15.2% reduction has been recorded from the baseline"),
    (0.046, "rate", "A 4.6% increase has been recorded from the baseline"),
    (0.061, "percentage", "A 6.1 percentage point increase has been recorded from the baseline"),
    (-0.08, "percentage", "An 8.0 percentage point reduction has been recorded from the baseline"),
    (0.182, "count", "An 18.2% increase has been recorded from the baseline"),
    (-0.853, "count", "An 85.3% reduction has been recorded from the baseline"),
    (0.0, "count", "No change has been recorded from the baseline"),
    (-0.0004, "count", "No change has been recorded from the baseline"),
    (0.0006, "count", "A 0.1% increase has been recorded from the baseline"),
]


@pytest.mark.parametrize("change,measure,expected", HEADLINES)
def test_headlines_in_correct_english(change, measure, expected):
    assert text.headline(change, measure) == expected


def test_the_headline_keeps_the_seed_figure():
    """The seed's figures are unchanged: only the sign and the article go (tests/engine/test_demo_seed.py
    checks the figures themselves)."""
    for change in (-0.112, -0.159, 0.013, -0.04):
        printed = f"{abs(change) * 100:.1f}%"
        assert printed in text.headline(change, "count")
        assert "-" not in text.headline(change, "count")


def test_no_headline_without_a_change():
    assert text.headline(math.nan, "count") == "" and text.headline(None, "count") == ""


def test_figures_print_as_the_bulletin_does():
    got = wording.figures([12604, 0.231, 6.53, 249.4, math.nan], ["count", "percentage", "rate", "rate", "count"],
                          [100000] * 5)
    assert got.tolist() == ["12,604", "23.1%", "6.53 per 100,000", "249.4 per 100,000", "N/A"]
    assert wording.figure(12604, "count") == "12,604"
