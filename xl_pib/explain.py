"""Every judgement explains itself: the sentences built from the figures' own declarations.

A judged figure declares its explanation in :mod:`xl_pib.figures` (``explain=Explain(...)``): per result,
clauses whose placeholders are other figures' keys. This module turns the declarations into text for every
indicator at once, a column at a time:

- each placeholder is the cited figure shown as its cell shows it (:func:`xl_pib.formats.as_text`: its
  declared number format, per indicator's measure where it depends on it), or another figure's explanation
  (``{position.why}``);
- a clause is left out for an indicator where a figure it cites is missing (blank, NaN, N/A, or not in
  this build), where its ``when`` mask is false or its ``unless`` mask is true;
- a figure that is N/A is explained by the engine's reasons for it and for every figure it is computed
  from (``Evaluation.reasons``), and by its declared N/A clauses where there are none;
- an explanation reads ``<result>: <why>`` ("A: 358 is above the upper limit of 296.4 (trajectory 295.8 at
  month 20 of 36), and the trend is not projected to meet the target: ...");
- the **Why** column joins the explanations no other explanation includes, the RAG first (the order of
  the Performance Table from its last row up), each after its Results column's name.

Text is concatenated as numpy object arrays (one operation per clause and placeholder, over every
indicator), never built one indicator at a time.
"""

from __future__ import annotations

import re
from typing import Callable

import numpy as np

from . import labels
from .formats import PERCENT, as_text, number_text

WHY_COLUMN = "Why"
# {key} or {key.why}
_PLACEHOLDER = re.compile(r"\{([A-Za-z_]\w*)(\.why)?\}")
_WHY = ".why"
# A setting shown as a percentage reads best without a needless place: 95%, 99.8%.
_SETTING_PERCENT = "0.#%"


def placeholders(text: str) -> list[tuple[str, bool]]:
    """(name, is an explanation) of every placeholder of a clause's text, in order."""
    return [(m.group(1), bool(m.group(2))) for m in _PLACEHOLDER.finditer(text)]


def cited_explanations(explain) -> tuple[str, ...]:
    """The figures whose explanation an Explain includes (``{key.why}``), in order of first mention."""
    names = [name for clauses in explain.by.values() for clause in clauses
             for name, why in placeholders(clause if isinstance(clause, str) else clause.text) if why]
    return tuple(dict.fromkeys(names))


def render(text: str, column: Callable[[str, bool], tuple[np.ndarray, np.ndarray]], count: int) \
        -> tuple[np.ndarray, np.ndarray]:
    """(sentences, complete) of a clause for ``count`` indicators: the literal parts and the placeholders'
    columns concatenated, and where every placeholder has a value. ``column(name, why)`` gives a
    placeholder's (text, known) arrays."""
    out = np.full(count, "", dtype=object)
    complete = np.ones(count, dtype=bool)
    end = 0
    for match in _PLACEHOLDER.finditer(text):
        out = out + text[end:match.start()]
        shown, known = column(match.group(1), bool(match.group(2)))
        out, complete = out + shown, complete & known
        end = match.end()
    return out + text[end:], complete


def join(parts: list[np.ndarray], separator: str, count: int) -> np.ndarray:
    """Element-wise join of text columns, skipping empty cells ("" where every part is empty)."""
    out = np.full(count, "", dtype=object)
    for part in parts:
        part = np.asarray(part, dtype=object)
        has = part != ""
        out = np.where(has & (out != ""), out + separator + part, np.where(has, part, out))
    return out.astype(object)


class Sources:
    """What the explanations read: figures, inputs and settings by name, through the engine's evaluation."""

    def __init__(self, evaluation, count: int):
        from .figures import BY_KEY, SPEC

        self.evaluation, self.count = evaluation, count
        self.specs = BY_KEY
        measure = evaluation.value(SPEC.measure.key)
        self.measures = np.broadcast_to(np.asarray(["count"] if measure is None else measure, dtype=object),
                                        (count,))

    def raw(self, name: str):
        """A name's values, or None where it does not exist in this build (a figure not yet declared)."""
        try:
            return self.evaluation.value(name)
        except KeyError:
            return None

    def text(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        value = self.raw(name)
        if value is None:
            return np.full(self.count, "", dtype=object), np.zeros(self.count, dtype=bool)
        spec = self.specs.get(name)
        if spec is not None:
            number_format = spec.number_format
        else:  # a setting: its Value cell's format, a percentage without a needless place
            from .settings import Settings

            fields = {s.name: s for s in Settings.specs()}
            number_format = getattr(fields[name].parse, "number_format", None) if name in fields else None
            if number_format == PERCENT:
                return (np.full(self.count, number_text(float(value), _SETTING_PERCENT), dtype=object),
                        np.ones(self.count, dtype=bool))
        values = np.broadcast_to(np.asarray(value, dtype=object), (self.count,))
        return as_text(values, number_format, self.measures)

    def mask(self, when, any_of: bool = False) -> np.ndarray:
        """A clause's ``when`` or ``unless``: a step, or a figure or setting name; all True when None. A tuple
        of them: all must hold (``any_of``: one must)."""
        if when is None:
            return np.ones(self.count, dtype=bool)
        if isinstance(when, tuple):
            masks = [self.mask(one) for one in when]
            return np.logical_or.reduce(masks) if any_of else np.logical_and.reduce(masks)
        value = self.raw(when) if isinstance(when, str) else self.evaluation.run(when)
        if value is None:
            return np.zeros(self.count, dtype=bool)
        return np.broadcast_to(np.asarray(value, dtype=bool), (self.count,)).copy()


def _closure(key: str, specs) -> list[str]:
    """The figure and every figure it is computed from, nearest first."""
    seen, todo = [], [key]
    while todo:
        name = todo.pop(0)
        if name in seen or name not in specs:
            continue
        seen.append(name)
        spec = specs[name]
        todo += list(spec.compute.reads) if spec.compute is not None else []
    return seen


def _result_text(values, count: int) -> np.ndarray:
    shown, known = as_text(np.broadcast_to(np.asarray(values, dtype=object), (count,)), None)
    return np.where(known, shown, labels.NA).astype(object)


Column = Callable[[str, bool], tuple[np.ndarray, np.ndarray]]
Mask = Callable[..., np.ndarray]


def clauses_text(clauses, rows: np.ndarray, column: Column, mask: Mask) -> np.ndarray:
    """The clauses that apply to each of ``rows``, concatenated ("" elsewhere)."""
    count = len(rows)
    out = np.full(count, "", dtype=object)
    for clause in clauses:
        active = rows & mask(clause.when) & ~(mask(clause.unless, any_of=True) if clause.unless is not None else False)
        if not active.any():
            continue
        text, complete = render(clause.text, column, count)
        out = np.where(active & complete, out + text, out)
    return out


def by_case(explain, result: np.ndarray, case: np.ndarray, column: Column, mask: Mask,
            reasons: np.ndarray | None = None) -> np.ndarray:
    """An Explain's why for each row: the clauses of its case; where ``result`` is N/A, ``reasons`` (where
    given and not "") or the N/A clauses."""
    count = len(result)
    not_applicable = result == labels.NA
    body = np.full(count, "", dtype=object)
    for value in explain.by:
        rows = (case == value if value != explain.ANY else np.ones(count, dtype=bool)) & ~not_applicable
        if value != labels.NA and rows.any():
            body = np.where(rows, clauses_text(explain.clauses(value), rows, column, mask), body)
    if not_applicable.any():
        reasons = np.full(count, "", dtype=object) if reasons is None else reasons
        fallback = clauses_text(explain.clauses(labels.NA), not_applicable & (reasons == ""), column, mask)
        body = np.where(not_applicable, np.where(reasons != "", reasons, fallback), body)
    return body.astype(object)


def with_result(result: np.ndarray, body: np.ndarray) -> np.ndarray:
    """"<result>: <why>", or the result alone where there is no why."""
    return np.where(body != "", result + ": " + body, result).astype(object)


class Explanations:
    """The explanation of every explained figure, for every indicator (``bodies``: the why without the
    result; ``full``: "<result>: <why>"), and the Why column."""

    def __init__(self, evaluation, count: int, reasons: dict[str, np.ndarray]):
        from .figures import REGISTRY

        self.sources = Sources(evaluation, count)
        self.count, self.reasons = count, reasons
        self.explained = [spec for spec in REGISTRY if spec.explain is not None]
        self.bodies: dict[str, np.ndarray] = {}
        self.full: dict[str, np.ndarray] = {}
        for spec in self.explained:
            self._explain(spec)

    def _column(self, name: str, why: bool) -> tuple[np.ndarray, np.ndarray]:
        if why:
            spec = self.sources.specs.get(name)
            if spec is None or spec.explain is None:
                return np.full(self.count, "", dtype=object), np.zeros(self.count, dtype=bool)
            body = self._explain(spec)
            return body, body != ""
        return self.sources.text(name)

    def _explain(self, spec) -> np.ndarray:
        if spec.key in self.bodies:
            return self.bodies[spec.key]
        self.bodies[spec.key] = np.full(self.count, "", dtype=object)  # a cycle of citations reads as missing
        explain = spec.explain
        shown, known = self.sources.text(spec.key)  # as its cell shows it (a label as it reads)
        result = np.where(known, shown, labels.NA).astype(object)
        case = result if explain.case is None else \
            _result_text(self.sources.raw(explain.case) if isinstance(explain.case, str)
                         else self.sources.evaluation.run(explain.case), self.count)
        reasons = None
        if (result == labels.NA).any():
            reasons = join([self.reasons[k] for k in _closure(spec.key, self.sources.specs) if k in self.reasons],
                           "; ", self.count)
        body = by_case(explain, result, case, self._column, self.sources.mask, reasons)
        self.bodies[spec.key] = body
        self.full[spec.key] = with_result(result, body)
        return body

    def why(self) -> np.ndarray:
        """The Why column: the explanations no other explanation includes, the RAG first, each after its
        Results column's name ("RAG A: ... Past month In Line: ...")."""
        cited = {name for spec in self.explained for name in spec.explain.cited}
        parts = []
        for spec in reversed(self.explained):
            if spec.key in cited:
                continue
            part = spec.column + " " + self.full[spec.key] + "."
            if spec.explain.omit is not None:
                part = np.where(self.sources.mask(spec.explain.omit), "", part)
            parts.append(part)
        return join(parts, " ", self.count)


def explain(evaluation, count: int, reasons: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """({figure key: "<result>: <why>"}, the Why column) for ``count`` indicators of an evaluation."""
    built = Explanations(evaluation, count, reasons)
    return built.full, built.why()


__all__ = ["WHY_COLUMN", "explain", "render", "join", "placeholders", "cited_explanations", "by_case", "with_result",
           "Explanations"]
