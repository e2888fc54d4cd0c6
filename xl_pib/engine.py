"""The engine's one evaluator: the figure registry's steps over whole arrays, each computed once.

:class:`Evaluation` resolves a figure by running its :class:`~xl_pib.figures.Step`
on the figures, inputs and settings it reads, remembering every result, so
a figure needed by several others is computed once. Every series of every
partnership in the call is one row of the arrays, so a bulletin (or a batch
of 350 bulletins) costs one pass of each engine function.

Known values may be handed in: ``=PIB_PERFORMANCE_TABLE`` gives the figures
of an indicator's Workings row and asks only for the judgements, and the
headless build gives the inputs and asks for everything, through the same
steps.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import numpy as np

from . import months
from .figures import BY_KEY, INPUTS, MONTHLY, PER_INDICATOR, REGISTRY, SPEC, Figures
from .settings import DEFAULT


_BASELINE_END, _OWN_AREA = "baseline_end", "own_area"  # inputs the reasons name (see figures.INPUTS)


class Evaluation:
    """Figures computed on demand from ``known`` values and ``settings`` (a Settings or any object with
    its field names as attributes)."""

    def __init__(self, known: Mapping[str, Any], settings):
        self.memo: dict[str, Any] = dict(known)
        self.settings = settings
        self._computing: set[str] = set()

    def value(self, name: str):
        if name in self.memo:
            return self.memo[name]
        spec = BY_KEY.get(name)
        if spec is not None and spec.compute is not None:
            return self._compute(name, spec.compute)
        if spec is not None or name in INPUTS:
            return None  # an input the caller did not give (no denominators, no override, no MSG)
        if hasattr(self.settings, name):
            return getattr(self.settings, name)
        raise KeyError(f"the engine has no figure, input or setting named {name!r}")

    def run(self, step):
        return step.fn(**{arg: self.value(name) for arg, name in step.args.items()}, **step.fixed)

    def _compute(self, name: str, step):
        if name in self._computing:
            raise RuntimeError(f"figure {name!r} depends on itself")
        self._computing.add(name)
        try:
            self.memo[name] = self.run(step)
        finally:
            self._computing.discard(name)
        return self.memo[name]

    def figures(self, wanted: Iterable[str] | None = None) -> Figures:
        """The typed figures: ``wanted`` keys (default: every per-indicator figure and chart series)."""
        keys = [s.key for s in REGISTRY if s.kind in (PER_INDICATOR, MONTHLY)] if wanted is None else list(wanted)
        return Figures(**{key: self.value(key) for key in keys})

    def reasons(self, count: int) -> list[list[str]]:
        """Why figures show N/A for lack of data, per indicator ("Trend sufficient needs 24 months; 9 available")."""
        available = self.value(SPEC.months_available.key)
        out: list[list[str]] = [[] for _ in range(count)]
        for spec in REGISTRY:
            needs = spec.months_needed(self.settings)
            if needs is None:
                continue
            short = np.asarray(available) < needs
            if spec.needed_when is not None:
                short &= np.asarray(self.run(spec.needed_when), dtype=bool)
            for i in np.flatnonzero(short):
                out[i].append(f"{spec.reason} needs {needs} months; {int(available[i])} available")
        for spec in REGISTRY:
            self._explain(spec.why_missing, out, count)
        return out

    def advice(self, count: int) -> list[list[str]]:
        """Warnings per indicator that are not reasons for N/A (a sustained shift that suggests a rebase)."""
        out: list[list[str]] = [[] for _ in range(count)]
        for spec in REGISTRY:
            self._explain(spec.advice, out, count)
        return out

    def _explain(self, whys, out: list[list[str]], count: int) -> None:
        for why in whys:
            found = self.value(why.when) if isinstance(why.when, str) else self.run(why.when)
            if why.text is None:  # the step gives each indicator's own reason ("" for none)
                texts = np.broadcast_to(np.asarray(found, dtype=object), (count,))
                for i in np.flatnonzero(texts != ""):
                    out[i].append(why.prefix + str(texts[i]))
                continue
            for i in np.flatnonzero(np.broadcast_to(np.asarray(found, dtype=bool), (count,))):
                out[i].append(why.prefix + why.text.format(**self._reason_fields(i)))

    def _reason_fields(self, i: int) -> dict[str, str]:
        end, area = self.value(_BASELINE_END), self.value(_OWN_AREA)
        fields = {name: getattr(self.settings, name) for name in vars(DEFAULT) if hasattr(self.settings, name)}
        reason = self.value(SPEC.break_reason.key)
        return fields | {"area": "" if area is None else area[i],
                         "baseline_end": months.iso(end[i]) if end is not None and end[i] == end[i] else "",
                         "assessed": self._month_label(SPEC.assessed_month.key, i),
                         SPEC.break_month.key: self._month_label(SPEC.break_month.key, i),
                         SPEC.break_reason.key: "" if reason is None else reason[i],
                         SPEC.suggested_rebase.key: self._month_label(SPEC.suggested_rebase.key, i)}

    def _month_label(self, key: str, i: int) -> str:
        month = self.value(key)
        return months.label(month[i]) if month is not None and month[i] == month[i] else ""


def evaluate(known: Mapping[str, Any], settings, wanted: Iterable[str] | None = None) -> Figures:
    """The ``wanted`` figures (default: all) from ``known`` inputs and figures."""
    return Evaluation(known, settings).figures(wanted)
