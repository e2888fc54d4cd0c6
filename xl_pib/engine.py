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

    def _reason_parts(self, count: int) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """(figure key, indicators it applies to, its text per indicator) of every reason a figure is N/A for
        lack of data, in the order the reasons are listed: the months each figure needs, then the rest."""
        available = np.asarray(self.value(SPEC.months_available.key))
        parts = []
        for spec in REGISTRY:
            needs = spec.months_needed(self.settings)
            if needs is None:
                continue
            short = available < needs
            if spec.needed_when is not None:
                short &= np.asarray(self.run(spec.needed_when), dtype=bool)
            if short.any():
                shown = np.char.mod("%d", available).astype(object)
                parts.append((spec.key, short, f"{spec.reason} needs {needs} months; " + shown + " available"))
        fields = self._reason_fields(count)
        for spec in REGISTRY:
            parts += self._why_parts(spec.key, spec.why_missing, count, fields)
        return parts

    def _why_parts(self, key: str, whys, count: int, fields) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """(key, indicators, text per indicator) of each :class:`~xl_pib.figures.Why` of ``whys``: its text
        with the reason fields filled in, or (text None) the step's own reason per indicator ("" for none)."""
        from .explain import render

        parts = []
        for why in whys:
            found = self.value(why.when) if isinstance(why.when, str) else self.run(why.when)
            if why.text is None:
                texts = np.broadcast_to(np.asarray(found, dtype=object), (count,))
                mask = texts != ""
                if mask.any():
                    parts.append((key, mask, why.prefix + texts.astype(str).astype(object)))
                continue
            mask = np.broadcast_to(np.asarray(found, dtype=bool), (count,))
            if mask.any():
                text, _ = render(why.text, lambda name, _why: (fields[name], np.ones(count, dtype=bool)), count)
                parts.append((key, mask, why.prefix + text))
        return parts

    @staticmethod
    def _listed(parts, count: int) -> list[list[str]]:
        out: list[list[str]] = [[] for _ in range(count)]
        for _, mask, text in parts:
            for i in np.flatnonzero(mask):
                out[i].append(text[i])
        return out

    def reasons(self, count: int) -> list[list[str]]:
        """Why figures show N/A for lack of data, per indicator ("Trend sufficient needs 24 months; 9 available")."""
        return self._listed(self._reason_parts(count), count)

    def advice(self, count: int) -> list[list[str]]:
        """Warnings per indicator that are not reasons for N/A (a sustained shift that suggests a rebase)."""
        fields = self._reason_fields(count)
        parts = [part for spec in REGISTRY for part in self._why_parts(spec.key, spec.advice, count, fields)]
        return self._listed(parts, count)

    def reasons_by_figure(self, count: int) -> dict[str, np.ndarray]:
        """The same reasons by the figure they are about: key -> its reasons per indicator joined with "; "
        ("" where it has none)."""
        from .explain import join

        by_key: dict[str, list[np.ndarray]] = {}
        for key, mask, text in self._reason_parts(count):
            by_key.setdefault(key, []).append(np.where(mask, text, ""))
        return {key: join(parts, "; ", count) for key, parts in by_key.items()}

    def explanations(self, count: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Every judgement's explanation per indicator, and the Why column (see :mod:`xl_pib.explain`)."""
        from .explain import explain

        return explain(self, count, self.reasons_by_figure(count))

    def _reason_fields(self, count: int) -> dict[str, np.ndarray]:
        """What a reason's text may name, per indicator: {area}, {baseline_end}, {assessed}, {break_month},
        {break_reason}, {suggested_rebase} and any setting."""
        end, area = self.value(_BASELINE_END), self.value(_OWN_AREA)
        column = lambda values: np.broadcast_to(np.asarray(values, dtype=object), (count,))  # noqa: E731
        fields = {name: column(str(getattr(self.settings, name))) for name in vars(DEFAULT)
                  if hasattr(self.settings, name)}
        blank = column("")
        iso = blank
        if end is not None:
            end = np.broadcast_to(np.asarray(end, dtype=float), (count,))
            whole = np.where(np.isnan(end), 0, end).astype("int64")
            text = np.char.mod("%04d", whole // 12).astype(object) + "-" + np.char.mod("%02d", whole % 12 + 1)
            iso = np.where(np.isnan(end), "", text).astype(object)
        reason = self.value(SPEC.break_reason.key)
        return fields | {"area": blank if area is None else column(area), "baseline_end": iso,
                         "assessed": self._month_labels(SPEC.assessed_month.key, count),
                         SPEC.break_month.key: self._month_labels(SPEC.break_month.key, count),
                         SPEC.break_reason.key: blank if reason is None else column(reason).astype(str),
                         SPEC.suggested_rebase.key: self._month_labels(SPEC.suggested_rebase.key, count)}

    def _month_labels(self, key: str, count: int) -> np.ndarray:
        """A month figure as "Nov 2009" per indicator ("" where it is missing)."""
        month = self.value(key)
        if month is None:
            return np.full(count, "", dtype=object)
        return months.labels(np.broadcast_to(np.asarray(month, dtype=float), (count,)))


def evaluate(known: Mapping[str, Any], settings, wanted: Iterable[str] | None = None) -> Figures:
    """The ``wanted`` figures (default: all) from ``known`` inputs and figures."""
    return Evaluation(known, settings).figures(wanted)
