"""What every argument and input cell may hold, checked once, up front, the same way for every face.

Two kinds of check live here, each worded once:

- *choices* (a measure, a direction, a method): matched case-insensitively and
  ignoring surrounding spaces, as analysts type them into cells;
- *rules* for numbers (:class:`Rule`): a count is 0 or more, a population above
  0, a confidence level between 0 and 1, and so on. The input parser uses a
  rule's mask to name the sheet, row and column of the first bad cell; the
  =PIB_ functions use :func:`check`, which names the argument. Both say what
  was expected in the same words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import OptionError

MEASURES = ("count", "rate", "percentage")
DIRECTIONS = ("down", "up")
TARGET_TYPES = ("reduction_pct", "increase_pct", "level", "maintenance", "none")
EXPECTED_METHODS = ("xmr", "poisson", "trend")
OUTCOME_RULES = ("worst", "majority")
# The sets of judgement methods (issue 14): the 2009 bulletin's own, or one that tells signal from noise.
CLASSIC, NOISE_AWARE = "classic", "noise-aware"
JUDGEMENTS = (CLASSIC, NOISE_AWARE)
# How the most similar group's funnel is drawn: Poisson limits (PHE) or overdispersed (Spiegelhalter 2005).
MSG_METHODS = ("poisson", "overdispersed")
# Month-of-year effects in the projection model (xl_pib.measures.projection): auto (when the window has at
# least 36 months), on, or none.
SEASONAL = ("auto", "on", "none")
# What a Breaks row restarts: everything (a break in recording: the series is not like for like across it), or
# the SPC chart alone (a real change in performance, the Making Data Count rebase).
BREAK_ALL, BREAK_CHART = "all", "chart"
BREAK_KINDS = (BREAK_ALL, BREAK_CHART)

# The longest trend window accepted (months): the engine holds series × window arrays, and a
# typing slip (24000 for 24) must be refused, not allocated. Month counts (m, N) share the bound.
MAX_WINDOW = 600
# The fewest points an SPC chart's limits may be fixed on (NHSRplotthedots' fix_after_n_points).
SPC_MIN_BASELINE = 12


# --- choices ---------------------------------------------------------------------------


def choice(name: str, value, choices: tuple[str, ...], default: str | None = None) -> str:
    """Return ``value`` normalised to one of ``choices``; blank means ``default``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is None:
            raise OptionError(f"{name} is required: one of {', '.join(choices)}")
        return default
    if isinstance(value, np.generic):
        value = value.item()
    text = str(value).strip().lower()
    if text not in choices:
        raise OptionError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return text


def normalise(values) -> np.ndarray:
    """Cells as stripped, lower-case text ("" for blanks), for any shape.

    Label columns repeat a handful of values, so each distinct value is
    normalised once (pandas.factorize hashes the column in C): a 10,000-row
    range costs a few dozen string operations, not 10,000.
    """
    import pandas as pd

    arr = np.asarray(values, dtype=object)
    if arr.ndim == 0:  # one cell: no hashing machinery
        value = arr.item()
        return np.array("" if value is None or (isinstance(value, float) and value != value)
                        else str(value).strip().lower(), dtype=object)
    codes, uniques = pd.factorize(arr.ravel(), use_na_sentinel=True)
    texts = [("" if isinstance(u, float) and u != u else str(u)).strip().lower() for u in uniques]
    table = np.array(texts + [""], dtype=object)  # the last slot is the NA sentinel, -1
    return table[codes].reshape(arr.shape)


def choices(name: str, values, options: tuple[str, ...], default: str | None = None) -> np.ndarray:
    """Vectorised :func:`choice`: an array of normalised choices (each distinct value checked once)."""
    if isinstance(values, np.ndarray) and values.ndim == 0:
        values = values.item()  # one cell from a face: the scalar path, not the array machinery
    if isinstance(values, str) or values is None:
        return np.array(choice(name, values, options, default), dtype=object)
    norm = normalise(values)
    out = norm.copy()
    for value in set(norm.ravel().tolist()):
        out[norm == value] = choice(name, value, options, default)
    return out


# --- rules for numbers ------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A condition a number must meet. ``what`` completes "expected ..." in every face's message.

    Every rule asks for a finite number; ``low``/``high`` bound it (``open`` bounds exclude the bound
    itself) and ``whole`` asks for a whole number. Blank cells (NaN) are never invalid: they are missing.
    """

    what: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    whole: bool = False

    def bad(self, values) -> np.ndarray:
        """Mask of the values that break the rule (array path: the parser's columns, =PIB_ ranges)."""
        v = np.asarray(values, dtype=float)
        with np.errstate(invalid="ignore"):
            out = ~np.isfinite(v)
            if self.low is not None:
                out |= (v <= self.low) if self.low_open else (v < self.low)
            if self.high is not None:
                out |= (v >= self.high) if self.high_open else (v > self.high)
            if self.whole:
                out |= v % 1 != 0
        return out & ~np.isnan(v)

    def bad_value(self, x: float) -> bool:
        """:meth:`bad` for one number, in plain Python (a scalar =PIB_ call must stay cheap)."""
        if x != x:
            return False
        if x in (math.inf, -math.inf):
            return True
        if self.low is not None and (x <= self.low if self.low_open else x < self.low):
            return True
        if self.high is not None and (x >= self.high if self.high_open else x > self.high):
            return True
        return self.whole and x % 1 != 0


NON_NEGATIVE = Rule("a number of 0 or more", low=0)
COUNT = Rule("a whole number of 0 or more (a count of events)", low=0, whole=True)
POSITIVE = Rule("a number above 0", low=0, low_open=True)
POPULATION = Rule("a population above 0", low=0, low_open=True)
PER = Rule("a number above 0, such as 100000 (a rate per 100,000)", low=0, low_open=True)
FRACTION = Rule("a fraction between 0 and 1 (23% is 0.23)", low=0, high=1)
SHARE = Rule("the reduction or increase as a fraction of at least 0 and below 1 (a 4% reduction is 0.04)",
             low=0, high=1, high_open=True)
BAND = Rule("a fraction of at least 0 and below 1, such as 0.1", low=0, high=1, high_open=True)
MONTHS = Rule(f"a whole number of months from -{MAX_WINDOW} to {MAX_WINDOW}", low=-MAX_WINDOW, high=MAX_WINDOW,
              whole=True)
MONTHS_TOTAL = Rule(f"a whole number of months from 0 to {MAX_WINDOW}", low=0, high=MAX_WINDOW, whole=True)
FINITE = Rule("a finite number")
REBASE = Rule("0 or 1 (1 at the first month of a new period)", low=0, high=1, whole=True)
POISSON_COUNT = Rule("a whole number of 0 or more: the poisson band is for counts (use xmr or trend for "
                     "percentages and rates)", low=0, whole=True)


def _shown(value) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return repr(int(value))
    return repr(value)


def check(name: str, values, *rules: Rule):
    """``values`` unchanged, or :class:`OptionError` naming ``name`` and the first value that breaks a rule."""
    if type(values) is float or type(values) is int or isinstance(values, np.floating):
        x = float(values)
        for rule in rules:
            if rule.bad_value(x):
                raise OptionError(f"{name}: expected {rule.what}; got {_shown(x)}")
        return values
    for rule in rules:
        bad = rule.bad(values)
        if bad.any():
            first = np.asarray(values, dtype=float)[bad].flat[0].item()
            raise OptionError(f"{name}: expected {rule.what}; got {_shown(first)}")
    return values


def check_not_above(name: str, values, limit_name: str, limits) -> None:
    """Each value at most its limit (a numerator within its denominator)."""
    v, lim = np.broadcast_arrays(np.asarray(values, dtype=float), np.asarray(limits, dtype=float))
    with np.errstate(invalid="ignore"):
        over = v > lim
    if over.any():
        i = np.flatnonzero(over.ravel())[0]
        raise OptionError(f"{name}: expected no more than {limit_name}; got {_shown(v.ravel()[i].item())} "
                          f"out of {_shown(lim.ravel()[i].item())}")


# --- single options (settings and optional arguments) -----------------------------------------


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or \
        (isinstance(value, float) and value != value)


def _number(name: str, value, example: str) -> float:
    if isinstance(value, bool):
        raise OptionError(f"{name} must be a number such as {example}; got {value!r}")
    try:
        text = str(value).strip()
        return float(text[:-1]) / 100 if isinstance(value, str) and text.endswith("%") else float(value)
    except (TypeError, ValueError, OverflowError):
        raise OptionError(f"{name} must be a number such as {example}; got {value!r}") from None


def confidence(value, default: float | None = None, name: str = "confidence") -> float:
    """A confidence level strictly between 0 and 1; "95%" (text with a percent sign) is 0.95.

    1 and 1.5 are errors, not 1% and 1.5%: a level must be written as a fraction.
    """
    if _blank(value):
        if default is None:
            raise OptionError(f"{name} is required: a confidence level such as 0.95")
        return default
    level = _number(name, value, "0.95")
    if not (math.isfinite(level) and 0 < level < 1):
        raise OptionError(f"{name} must be between 0 and 1, such as 0.95 for 95%; got {value!r}")
    return level


def whole_number(name: str, value, minimum: int, maximum: int = MAX_WINDOW) -> int:
    """A whole number from ``minimum`` to ``maximum`` (12.0 is 12; 12.5 and inf are errors)."""
    number = _number(name, value, str(minimum))
    if not math.isfinite(number) or number != int(number) or not minimum <= number <= maximum:
        raise OptionError(f"{name} must be a whole number from {minimum} to {maximum}; got {value!r}")
    return int(number)


def fraction(name: str, value) -> float:
    """A fraction of at least 0 and below 1 (the band fraction)."""
    number = _number(name, value, "0.1")
    if not (math.isfinite(number) and 0 <= number < 1):
        raise OptionError(f"{name} must be at least 0 and below 1; got {value!r}")
    return number
