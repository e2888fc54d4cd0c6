"""What moved since the last bulletin: judgements, special causes, outcomes and revised data, one sentence each.

A bulletin is compared with a :class:`Snapshot` of an earlier one: its Results (every judgement of every
indicator), its outcome RAGs and the monthly data it was built from. :func:`compare` lists

- every outcome whose RAG moved, with ▲ (better) or ▼ (worse) and why it has its RAG now;
- every judgement of an indicator that moved (the judged figures: those the registry gives an
  explanation, :mod:`xl_pib.explain`), the RAG first: "Domestic Burglary: RAG from A to R ▼.";
  the past month as special causes: a month outside its expected range is a *new* special cause when
  the previous bulletin's was not, and *cleared* when it is back in line;
- indicators added or no longer reported;
- **revisions**: a month the previous bulletin had already published whose value (or denominator) has
  changed by more than its rounding, i.e. by more than half a unit in the last decimal place the
  previous bulletin held it to: a whole count revised by 1 or more, a survey numerator of 12.35 by more
  than 0.005. A published month now blank is *withdrawn*; a month inside the previous bulletin's run of
  data that was blank there and has a value now is *filled*. Only months up to the previous bulletin's
  Latest month count: later months are new data, not revisions. An indicator with more than
  :data:`MONTHS_LISTED` revised months gets one sentence naming the first, the last and the largest.

Better or worse is read from each judgement's own order, worst first for a reduction target
(:data:`WORST_FIRST`), reversed where "above" is good news for an increase target.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import labels, months
from .figures import REGISTRY, SPEC
from .measures import msg

BETTER, WORSE = "▲", "▼"
MONTHS_LISTED = 3

# Each judgement's results, worst first for a reduction target (direction "down").
WORST_FIRST: dict[str, tuple[str, ...]] = {
    SPEC.rag.key: labels.RAGS_WORST_FIRST,
    SPEC.position.key: (labels.ABOVE_TARGET, labels.ON_TARGET, labels.BELOW_TARGET),
    SPEC.trend_sufficient.key: (labels.NO, labels.TOO_CLOSE, labels.YES),
    SPEC.past_month.key: (labels.ABOVE_EXPECTED, labels.IN_LINE, labels.BELOW_EXPECTED),
    SPEC.msg_position.key: (labels.SIG_ABOVE, labels.IN_LINE, labels.SIG_BELOW),
    SPEC.msg_side.key: (msg.ABOVE_AVERAGE, msg.BELOW_AVERAGE),
}
# ... whose order turns round for an increase target ("up"): above the trajectory is good news there.
DIRECTIONAL = {SPEC.position.key, SPEC.past_month.key, SPEC.msg_position.key, SPEC.msg_side.key}
# The past month's results that are special causes (outside the expected range).
SPECIAL_CAUSES = (labels.ABOVE_EXPECTED, labels.BELOW_EXPECTED)


@dataclass(frozen=True)
class Snapshot:
    """What a bulletin published: its judgements, outcome RAGs and data (see :func:`snapshot_of`)."""

    partnership: str
    latest_month: int
    results: pd.DataFrame      # the Results sheet's columns, one row per indicator (Indicator first)
    outcomes: pd.DataFrame     # outcome, rag
    data: pd.DataFrame         # indicator, month, value, denominator
    source: str = ""           # where it was read from, for sentences and errors


@dataclass(frozen=True)
class Change:
    kind: str                 # "outcome", "indicator", "judgement", "special cause", "revision"
    subject: str              # the outcome code or indicator id
    sentence: str
    arrow: str = ""           # BETTER, WORSE or "" (not comparable, or a revision)


@dataclass(frozen=True)
class Movement:
    """Every change since ``previous``; ``arrows``: outcome code -> ▲ or ▼ for each outcome RAG that moved."""

    previous_month: int
    source: str
    changes: tuple[Change, ...]
    arrows: dict[str, str] = field(default_factory=dict)
    previous_rags: dict[str, str] = field(default_factory=dict)

    def of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]


def snapshot_of(assessment, source: str = "") -> Snapshot:
    """The Snapshot of an assessed bulletin: what it publishes."""
    inputs = assessment.inputs
    outcomes = assessment.outcomes[["outcome", "rag"]].reset_index(drop=True)
    data = inputs.data[["indicator", "month", "value", "denominator"]].reset_index(drop=True)
    return Snapshot(inputs.settings.partnership, int(inputs.settings.latest_month), assessment.results.copy(),
                    outcomes, data, source)


# --- better or worse --------------------------------------------------------------------------------------


def _rank(key: str, values: pd.Series, up: pd.Series) -> pd.Series:
    """Each result's place in its judgement's order (higher is better); NaN for N/A and unknown results.
    A split RAG ("A/R") sits between its two ratings."""
    order = WORST_FIRST[key]
    places = {label.lower(): float(n) for n, label in enumerate(order)}
    text = values.astype(str).str.strip().str.lower()
    rank = text.map(places)
    if key == SPEC.rag.key:
        split = text.str.split("/")
        halves = split.map(lambda parts: np.mean([places[p] for p in parts]) if len(parts) == 2 and
                           all(p in places for p in parts) else np.nan)
        rank = rank.fillna(halves)
    if key in DIRECTIONAL:
        rank = rank.where(~up, len(order) - 1 - rank)
    return rank


def _arrows(key: str, before: pd.Series, after: pd.Series, up: pd.Series) -> pd.Series:
    b, a = _rank(key, before, up), _rank(key, after, up)
    return pd.Series(np.select([a > b, a < b], [BETTER, WORSE], default=""), index=before.index)


# --- the comparisons --------------------------------------------------------------------------------------


def _judged() -> list:
    """The judgements (figures whose results are labels in an order) shown in Results, the RAG first, then in
    the registry's order."""
    judged = [spec for spec in REGISTRY if spec.key in WORST_FIRST and spec.column]
    return sorted(judged, key=lambda spec: spec is not SPEC.rag)


def _text(values: pd.Series) -> pd.Series:
    return values.where(values.notna(), labels.NA).astype(str).str.strip().replace("", labels.NA)


def _suffix(arrow: pd.Series) -> pd.Series:
    return arrow.where(arrow == "", " " + arrow)


def _judgement_changes(previous: pd.DataFrame, current: pd.DataFrame, names: pd.Series, up: pd.Series,
                       assessed: pd.Series) -> list[Change]:
    changes: list[tuple[int, int, Change]] = []
    for order, spec in enumerate(_judged()):
        if spec.column not in previous.columns or spec.column not in current.columns:
            continue
        before, after = _text(previous[spec.column]), _text(current[spec.column])
        moved = before.str.lower() != after.str.lower()
        if not moved.any():
            continue
        arrow = _arrows(spec.key, before, after, up)
        if spec is SPEC.past_month:
            was, now = before.isin(SPECIAL_CAUSES), after.isin(SPECIAL_CAUSES)
            month = " (" + assessed + ")"
            sentence = np.select(
                [now & ~was, was & ~now],
                [names + ": a new special cause: the past month" + month + " is " + after + _suffix(arrow) + ".",
                 names + ": special cause cleared: the past month" + month + " is " + after + " (" + before +
                 " in the last bulletin)" + _suffix(arrow) + "."],
                default=names + ": past month from " + before + " to " + after + _suffix(arrow) + ".")
            kind = np.where((now & ~was) | (was & ~now), "special cause", "judgement")
        else:
            sentence = (names + ": " + _label(spec) + " from " + before + " to " + after + _suffix(arrow) + ".").to_numpy()
            kind = np.full(len(before), "judgement", dtype=object)
        for i in np.flatnonzero(moved.to_numpy()):
            changes.append((i, order, Change(str(kind[i]), str(current.index[i]), str(sentence[i]), str(arrow.iloc[i]))))
    return [c for _, _, c in sorted(changes, key=lambda t: (t[0], t[1]))]


def _label(spec) -> str:
    """A judgement's name inside a sentence: "RAG", "position", "MSG position"."""
    name = spec.column
    return name if name.isupper() or name.startswith("MSG") else name[:1].lower() + name[1:]


def _decimals(values: np.ndarray) -> np.ndarray:
    """The decimal places each value was held to (0 for a whole count, up to 6)."""
    v = np.abs(np.asarray(values, dtype=float))
    places = np.full(v.shape, 6)
    for d in range(5, -1, -1):
        scaled = v * 10 ** d
        places = np.where(np.abs(scaled - np.round(scaled)) < 1e-6, d, places)
    return places


def revised(previous: pd.DataFrame, current: pd.DataFrame, latest: int) -> pd.DataFrame:
    """The months of ``previous`` data (up to ``latest``) that changed by more than their rounding, were
    withdrawn, or were blank there inside the indicator's run and are filled now: indicator, month, before,
    after, kind ("revised", "withdrawn", "filled"), the value's column ("value" or "denominator")."""
    keys = ["indicator", "month"]
    before = previous[previous["month"] <= latest]
    after = current[current["month"] <= latest]
    both = before.merge(after, on=keys, how="outer", suffixes=("_before", "_after"), indicator=True)
    out = []
    for column in ("value", "denominator"):
        b, a = both[f"{column}_before"].astype(float), both[f"{column}_after"].astype(float)
        tolerance = 0.5 * 10.0 ** -_decimals(b.fillna(0).to_numpy())
        present = both["_merge"] == "both"
        changed = present & b.notna() & a.notna() & (np.abs(a - b) > tolerance)
        if column == "value":
            withdrawn = (both["_merge"] == "left_only") & b.notna()
            first = before.groupby("indicator")["month"].min()
            inside = both["month"] >= both["indicator"].map(first).fillna(np.inf)
            filled = (both["_merge"] == "right_only") & a.notna() & inside
        else:
            withdrawn = filled = pd.Series(False, index=both.index)
        kind = np.select([changed, withdrawn, filled], ["revised", "withdrawn", "filled"], default="")
        frame = both[keys].assign(before=b, after=a, kind=kind, column=column)
        out.append(frame[frame["kind"] != ""])
    table = pd.concat(out, ignore_index=True)
    return table.sort_values(keys + ["column"], kind="stable").reset_index(drop=True)


def _revision_changes(table: pd.DataFrame, names: dict[str, str], formats: dict[str, str]) -> list[Change]:
    from .formats import number_text

    if table.empty:
        return []
    show = lambda value, indicator: number_text(value, formats.get(indicator, "#,##0.######"))  # noqa: E731
    out = []
    for indicator, rows in table.groupby("indicator", sort=False):
        name = names.get(indicator, indicator)
        if len(rows) > MONTHS_LISTED:
            size = (rows["after"] - rows["before"]).abs()
            big = rows.loc[size.idxmax()] if size.notna().any() else rows.iloc[0]
            largest = (f"; the largest, {months.label(big['month'])}, from {show(big['before'], indicator)} to "
                       f"{show(big['after'], indicator)}" if big["kind"] == "revised" else "")
            out.append(Change("revision", indicator, f"{name}: {len(rows)} months already published were revised, "
                                                     f"{months.label(rows['month'].min())} to "
                                                     f"{months.label(rows['month'].max())}{largest}."))
            continue
        for _, row in rows.iterrows():
            what = f"{name}'s {months.label(row['month'])} {'value' if row['column'] == 'value' else 'denominator'}"
            if row["kind"] == "revised":
                text = f"{what} is now {show(row['after'], indicator)} ({show(row['before'], indicator)} in the last bulletin)."
            elif row["kind"] == "withdrawn":
                text = f"{what} is now blank ({show(row['before'], indicator)} in the last bulletin)."
            else:
                text = f"{what} is now {show(row['after'], indicator)} (blank in the last bulletin)."
            out.append(Change("revision", indicator, "Revised: " + text))
    return out


def _outcome_changes(previous: pd.DataFrame, outcomes: pd.DataFrame) -> tuple[list[Change], dict[str, str], dict]:
    before = dict(zip(previous["outcome"].astype(str), _text(previous["rag"])))
    changes, arrows, rags = [], {}, {}
    for _, o in outcomes.iterrows():
        code = str(o["outcome"])
        if code not in before:
            continue
        was, now = before[code], _text(pd.Series([o["rag"]])).iloc[0]
        rags[code] = was
        if was.lower() == now.lower():
            continue
        arrow = _arrows(SPEC.rag.key, pd.Series([was]), pd.Series([now]), pd.Series([False])).iloc[0]
        if arrow:
            arrows[code] = arrow
        title = f"{code} ({o['description']})" if o["description"] else code
        changes.append(Change("outcome", code, f"Outcome {title}: RAG from {was} to {now}"
                                               f"{' ' + arrow if arrow else ''}; {o['why']}."))
    return changes, arrows, rags


def compare(previous: Snapshot, assessment) -> Movement:
    """Every change from ``previous`` to ``assessment``, in the order the section prints them: outcomes,
    indicators (each one's judgements, the RAG first), then revised data."""
    inputs = assessment.inputs
    targets = inputs.targets
    current = assessment.results.set_index(assessment.results.columns[0], drop=False)
    earlier = previous.results.set_index(previous.results.columns[0], drop=False)
    earlier.index = earlier.index.astype(str)
    ids = pd.Index(current.index.astype(str))
    common = ids[ids.isin(earlier.index)]
    names = pd.Series(targets["name"].to_numpy(dtype=object), index=ids)
    up = pd.Series((targets["direction"] == "up").to_numpy(), index=ids)
    assessed = pd.Series(months.labels(assessment.figures.assessed_month), index=ids)
    changes, arrows, rags = _outcome_changes(previous.outcomes, assessment.outcomes)
    for indicator in ids[~ids.isin(earlier.index)]:
        changes.append(Change("indicator", indicator, f"New indicator: {names[indicator]} "
                                                      f"(RAG {_text(current.loc[[indicator], SPEC.rag.column]).iloc[0]})."))
    for indicator in earlier.index[~earlier.index.isin(ids)]:
        name = earlier.loc[indicator].iloc[1] if earlier.shape[1] > 1 else indicator
        changes.append(Change("indicator", indicator, f"No longer reported: {name}."))
    changes += _judgement_changes(earlier.loc[common], current.loc[common], names[common], up[common],
                                  assessed[common])
    formats_ = {i: _data_format(m) for i, m in zip(targets["indicator"], targets["measure"])}
    changes += _revision_changes(revised(previous.data, inputs.data, previous.latest_month),
                                 dict(zip(targets["indicator"], targets["name"])), formats_)
    return Movement(previous.latest_month, previous.source, tuple(changes), arrows, rags)


def _data_format(measure: str) -> str:
    """A Data value as the sentence shows it: a count whole, a survey numerator or denominator as typed."""
    return "#,##0" if measure != "percentage" else "#,##0.######"


__all__ = ["Snapshot", "Change", "Movement", "snapshot_of", "compare", "revised", "BETTER", "WORSE"]
