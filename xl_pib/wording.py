"""The English the bulletin's sentences need: "a" or "an" before a number, "has" or "have" after a name,
and a figure printed in its measure's units.

Every sentence the bulletin prints is built from these (headlines in
:mod:`xl_pib.bulletin.text`, narratives in :mod:`xl_pib.measures.narrative`), and
the live workbook's headline formula follows :func:`article`'s rule in Excel's
own functions (:mod:`xl_pib.bulletin.live`). Each works on whole arrays.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

# A number read aloud starts with a vowel sound when it starts with "eight" (8, 80-89, 800-899, 8,000 ...)
# or, in its leading group of thousands, with "eleven" or "eighteen" (11, 18, 11,000, 18,500): "an 11.2%
# reduction", "an 8.0% increase", "a 1.3% increase", "a 110% increase".
AN_START = "8"
AN_LEADS = ("11", "18")


def articles(numbers) -> np.ndarray:
    """"a" or "an" before each printed number ("11.2", "8.0", "1,350"), by how it is read aloud."""
    text = np.char.lstrip(np.asarray(numbers, dtype=str), "+-")
    whole = np.char.replace(np.char.partition(text, ".")[..., 0], ",", "")
    leading = np.char.str_len(whole) % 3 == 2  # "11" of 11,000: the leading group has two digits
    an = np.char.startswith(whole, AN_START)
    for lead in AN_LEADS:
        an |= leading & np.char.startswith(whole, lead)
    return np.where(an, "an", "a").astype(object)


def article(number: str) -> str:
    """:func:`articles` for one printed number."""
    return str(articles([number])[0])


def plural(names) -> np.ndarray:
    """Names that read as plural nouns: their last word ends in -s but not -ss, -us or -is.

    "All Crime", "Burglary", "Criminal Damage and Arson" and "Business Robbery" are singular ("All
    Crime has fallen"); "Violence and Sexual Offences" and "Police Recorded ASB Incidents" are plural
    ("... have fallen"). A name is a label the analyst types, so the rule reads its last word only.
    """
    text = np.char.lower(np.char.strip(np.asarray(names, dtype=str)))
    last = np.char.rpartition(np.char.rstrip(text, " .)"), " ")[..., 2]
    ends = np.char.endswith
    return ends(last, "s") & ~ends(last, "ss") & ~ends(last, "us") & ~ends(last, "is")


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def figure(value, measure: str, per=None) -> str:
    """A baseline, target or current figure as the bulletin prints it: "913", "6.5 per 100,000", "23.0%"."""
    if _missing(value):
        return "N/A"
    if measure == "percentage":
        return f"{value:.1%}"
    if measure == "rate":
        text = f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:,.1f}"
        return f"{text} per {per:,.0f}" if not _missing(per) else text
    return f"{value:,.0f}"


def figures(values, measures, pers) -> np.ndarray:
    """:func:`figure` for many indicators: each distinct (value, measure, per) is printed once."""
    v, m, p = np.broadcast_arrays(np.asarray(values, dtype=float), np.asarray(measures, dtype=object),
                                  np.asarray(pers, dtype=float))
    keys = pd.MultiIndex.from_arrays([v.ravel(), m.ravel(), p.ravel()])
    codes, distinct = pd.factorize(keys)
    printed = np.array([figure(value, measure, per) for value, measure, per in distinct] + [""], dtype=object)
    return printed[codes].reshape(v.shape)
