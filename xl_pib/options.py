"""Validation of the choices measures accept, done once, up front.

Choices are matched case-insensitively and ignoring surrounding spaces, as
analysts type them into cells.
"""

from __future__ import annotations

import math

import numpy as np

from .errors import OptionError

MEASURES = ("count", "rate", "percentage")
DIRECTIONS = ("down", "up")
TARGET_TYPES = ("reduction_pct", "increase_pct", "level", "maintenance", "none")
EXPECTED_METHODS = ("xmr", "poisson", "trend")
OUTCOME_RULES = ("worst", "majority")


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


def confidence(value, default: float = 0.95) -> float:
    """A confidence level in (0, 1); 95 and "95%" are read as 0.95."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    text = str(value).strip()
    try:
        level = float(text.rstrip("%"))
    except ValueError:
        raise OptionError(f"confidence must be a number such as 0.95; got {value!r}") from None
    if text.endswith("%") or level >= 1:
        level /= 100
    if not 0 < level < 1:
        raise OptionError(f"confidence must be between 0 and 1 (e.g. 0.95); got {value!r}")
    return level


# The longest trend window accepted (months): the engine holds series × window arrays, and a
# typing slip (24000 for 24) must be refused, not allocated.
MAX_WINDOW = 600


def positive_int(name: str, value, default: int, minimum: int = 1, maximum: int = MAX_WINDOW) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise OptionError(f"{name} must be a whole number; got {value!r}") from None
    if not math.isfinite(number) or number != int(number) or not minimum <= number <= maximum:
        raise OptionError(f"{name} must be a whole number from {minimum} to {maximum}; got {value!r}")
    return int(number)


def fraction(name: str, value, default: float) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise OptionError(f"{name} must be a number such as {default}; got {value!r}") from None
    if not 0 <= number < 1:
        raise OptionError(f"{name} must be at least 0 and below 1; got {value!r}")
    return number
