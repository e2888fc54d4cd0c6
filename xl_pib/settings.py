"""The bulletin's settings, declared once: label, default, validator and help.

Each field of :class:`Settings` is one row of the input workbook's Settings
sheet. Its declaration (:func:`setting`) is the only place its label, its
default, the rule its value must follow and its help text are written; the
input parser, the model, the live workbook's formulas, the =PIB_ functions'
optional arguments and the documentation all read it from here:

- ``Settings.specs()`` lists the declarations in sheet order;
- :data:`DEFAULT` holds every default by field name (``DEFAULT.trend_window``),
  for the engine's and the Excel functions' optional arguments.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from types import SimpleNamespace
from typing import Any, Callable

from . import formats, options
from .errors import OptionError

REQUIRED = MISSING


@dataclass(frozen=True)
class SettingSpec:
    """One setting: how the Settings sheet names it and what its Value cell must hold."""

    name: str                         # field of Settings (snake_case)
    label: str                        # as typed in the Setting column, matched case-insensitively
    default: Any                      # REQUIRED for a setting the workbook must give
    parse: Callable[[str, Any], Any]  # (label, cell value) -> value; raises OptionError
    help: str                         # one line for analysts (docs, the live workbook's notes)
    noise_aware_default: Any = None   # a different default under noise-aware judgements (the Trend window)

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def key(self) -> str:
        """The label as the parser matches it (lower case)."""
        return self.label.lower()

    def read(self, value):
        """The cell's value validated; a blank cell means the default (None where the default depends on
        the judgements: Settings resolves it)."""
        if value is None or (isinstance(value, float) and value != value) or \
                (isinstance(value, str) and not value.strip()):
            return None if self.required or self.noise_aware_default is not None else self.default
        return self.parse(self.label, value)

    def default_for(self, judgements: str):
        return self.noise_aware_default if judgements == options.NOISE_AWARE and \
            self.noise_aware_default is not None else self.default


def setting(label: str, default, parse: Callable[[str, Any], Any], help: str, noise_aware_default=None):
    """A Settings field with its declaration as metadata (the dataclass default is the setting's default;
    None, resolved by the judgements, where it has a ``noise_aware_default``)."""
    spec = dict(label=label, default=default, parse=parse, help=help, noise_aware_default=noise_aware_default)
    if default is REQUIRED:
        return field(metadata={"setting": spec})
    return field(default=None if noise_aware_default is not None else default, metadata={"setting": spec})


def _text(label: str, value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _month(label: str, value) -> int:
    from . import months

    return months.parse(value)


# How the workbooks xl-pib writes show a setting's Value cell (xl_pib.inputs.guides), beside ``.allowed``.
_month.number_format = formats.INPUT_MONTH


def _choice(*allowed: str):
    def parse(label: str, value) -> str:
        return options.choice(label, value, allowed)
    parse.allowed = allowed
    return parse


def _whole(minimum: int, maximum: int):
    def parse(label: str, value) -> int:
        return options.whole_number(label, value, minimum, maximum)
    return parse


def _spc_points(label: str, value) -> int:
    """0 (every month) or a whole number of months from options.SPC_MIN_BASELINE: NHSRplotthedots refuses to
    fix limits on fewer."""
    points = options.whole_number(label, value, 0, options.MAX_WINDOW)
    if 0 < points < options.SPC_MIN_BASELINE:
        raise OptionError(f"{label} must be 0 (all months) or a whole number from {options.SPC_MIN_BASELINE} to "
                          f"{options.MAX_WINDOW}; got {value!r}")
    return points


def _fraction(label: str, value) -> float:
    return options.fraction(label, value)


def _confidence(label: str, value) -> float:
    return options.confidence(value)


_fraction.number_format = _confidence.number_format = formats.PERCENT


@dataclass(frozen=True)
class Settings:
    """A bulletin's settings, validated."""

    partnership: str = setting("Partnership", REQUIRED, _text,
                               "the partnership's name; also its own row in the MSG sheet")
    latest_month: int = setting("Latest month", REQUIRED, _month,
                                "the last complete month of data; later Data rows are ignored")
    bulletin_month: int | str = setting("Bulletin month", "", _month,
                                        "the month the bulletin is headed with (blank: the month after Latest month, "
                                        "as a bulletin is issued the month after its data)")
    title: str = setting("Title", "", _text, "the bulletin's title (blank: '<Partnership> - Performance "
                                             "Improvement Bulletin')")
    report_reference: str = setting("Report reference", "", _text, "printed in the footer and on the Metadata page")
    author: str = setting("Author", "", _text, "printed on the Metadata page")
    commissioner: str = setting("Commissioner", "", _text, "printed on the Executive Summary and Metadata page")
    publisher: str = setting("Publisher", "", _text, "printed on the Metadata page")
    security_marking: str = setting("Security marking", "", _text, "printed in the footer and on the Metadata page")
    band_fraction: float = setting("Band fraction", 0.1, _fraction,
                                   "starting width of the trajectory limits, as a share of the change the target requires "
                                   "(0.1 is 10%; at least 0 and below 1)")
    expected_method: str = setting("Expected level method", "xmr", _choice(*options.EXPECTED_METHODS),
                                   "how the past month's expected band is set: xmr (XmR limits of the previous 12 months), "
                                   "poisson (counts only) or trend")
    trend_window: int = setting("Trend window", 24, _whole(12, options.MAX_WINDOW),
                                "months the long-term trend is fitted to (a whole number from 12 to 600); blank: 24 "
                                "for classic judgements, 36 for noise-aware ones (three of each calendar month)",
                                noise_aware_default=36)
    confidence: float = setting("Confidence", 0.95, _confidence,
                                "confidence level for the MSG position, the survey intervals and significance: a fraction "
                                "strictly between 0 and 1 (0.95; '95%' typed as text is read as 0.95)")
    outcome_rule: str = setting("Outcome RAG rule", "worst", _choice(*options.OUTCOME_RULES),
                                "how an outcome's RAG comes from its indicators': worst (R before A before G) or majority "
                                    "(the most common, ties to the worse)")
    judgements: str = setting("Judgements", options.NOISE_AWARE, _choice(*options.JUDGEMENTS),
                              "the methods the judgements use: noise-aware (a position off the trajectory only when "
                              "the figure's whole confidence interval is; overdispersed MSG funnels; no RAG on "
                              "small numbers) or classic (the 2009 bulletin's methods, exactly)")
    minimum_events: int = setting("Minimum events", 10, _whole(0, 10**6),
                                  "noise-aware only: an indicator with fewer events than this in its 12 months gets "
                                  "no RAG (too few to judge); its figures are still shown")

    seasonal: str = setting("Seasonal", "auto", _choice(*options.SEASONAL),
                            "noise-aware only: month-of-year effects in the trend model and the SPC chart: auto "
                            "(with 36 months or more in the trend window), on, or none")
    spc_baseline: int = setting("SPC baseline", 20, _spc_points,
                                "noise-aware only: the SPC chart's mean and limits are fixed on its first this-many "
                                "months (or of each period after a break); 0 for all months (at least 12 otherwise)")

    def __post_init__(self):
        for spec in _SPECS_WITH_JUDGED_DEFAULTS:
            if getattr(self, spec.name) is None:
                object.__setattr__(self, spec.name, spec.default_for(self.judgements))

    @staticmethod
    def specs() -> tuple[SettingSpec, ...]:
        """Every setting's declaration, in the order of the Settings sheet."""
        return _SPECS

    @staticmethod
    def spec(name: str) -> SettingSpec:
        return _BY_NAME[name]


_SPECS = tuple(SettingSpec(name=f.name, **f.metadata["setting"]) for f in fields(Settings))
_BY_NAME = {s.name: s for s in _SPECS}
_SPECS_WITH_JUDGED_DEFAULTS = tuple(s for s in _SPECS if s.noise_aware_default is not None)
SPEC = SimpleNamespace(**_BY_NAME)
DEFAULT = SimpleNamespace(**{s.name: s.default for s in _SPECS if not s.required})

__all__ = ["Settings", "SettingSpec", "SPEC", "DEFAULT", "REQUIRED"]
