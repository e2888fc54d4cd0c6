"""Validation of the choices measures accept, done once, up front.

Choices are matched case-insensitively and ignoring surrounding spaces, as
analysts type them into cells.
"""

from __future__ import annotations

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


def choices(name: str, values, options: tuple[str, ...], default: str | None = None) -> np.ndarray:
    """Vectorised :func:`choice`: an array of normalised choices.

    Validates each distinct value once, so a 10,000-row column costs one
    pass of numpy string operations, not 10,000 Python calls.
    """
    if isinstance(values, str) or values is None:
        return np.array(choice(name, values, options, default), dtype=object)
    arr = np.asarray(values, dtype=object)
    text = np.where(_blank_mask(arr), "", arr).astype(str)
    norm = np.char.lower(np.char.strip(text))
    mapping = {u: choice(name, u, options, default) for u in np.unique(norm)} if norm.size else {}
    if not mapping:
        return norm.astype(object)
    keys = np.array(list(mapping), dtype=norm.dtype)
    vals = np.array(list(mapping.values()), dtype=object)
    return vals[np.searchsorted(keys, norm)]


def _blank_mask(arr: np.ndarray) -> np.ndarray:
    """None or NaN cells, found without a Python loop over every cell."""
    if arr.dtype != object:
        return np.zeros(arr.shape, dtype=bool)
    return np.equal(arr, None) | np.not_equal(arr, arr)


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


def positive_int(name: str, value, default: int, minimum: int = 1) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise OptionError(f"{name} must be a whole number; got {value!r}") from None
    if number != int(number) or number < minimum:
        raise OptionError(f"{name} must be a whole number of at least {minimum}; got {value!r}")
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
