"""Executive Summary: per theme, Outcome | Summary of Performance | RAG.

The RAG is the outcome rule applied to its indicators' RAGs unless the
analyst set "RAG override"; the summary joins the indicators' narratives
unless "Summary override" is set. RAG cells are filled red, amber or green,
and (in a static bulletin) carry a note naming the indicators that decided
them. Compared with a previous bulletin (``--previous``, and always in the
live workbook), a fourth column shows ▲ (better) or ▼ (worse) beside each
outcome RAG that moved, and what it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import months
from ..xlsx import put
from . import styles, text
from .section import explanation_note

SHEET = "Executive Summary"
HEADER = ("Outcomes", "Summary of Performance", "RAG")
MOVED = "Since last month"


@dataclass(frozen=True)
class SummaryRow:
    kind: str  # "title", "subtitle", "note", "blank", "theme", "header", "outcome"
    values: tuple


def moved(outcome: str, rag: str, movement) -> str | None:
    """The fourth column of an outcome: "▼ from A" when its RAG moved since the previous bulletin."""
    if movement is None or outcome not in movement.previous_rags:
        return None
    before = movement.previous_rags[outcome]
    if str(before).strip().lower() == str(rag).strip().lower():
        return None
    arrow = movement.arrows.get(outcome, "")
    return f"{arrow} from {before}".strip()


def rows(assessment, movement=None, compared: bool = False) -> list[SummaryRow]:
    """The sheet's content, top to bottom, as values (what a refresh rewrites); ``compared`` (a ``movement``
    given, or the live workbook): with the fourth column, :data:`MOVED`."""
    s = assessment.inputs.settings
    compared = compared or movement is not None
    tail = (None,) if compared else ()
    out = [
        SummaryRow("title", (s.title or f"{s.partnership} - Performance Improvement Bulletin", None, None, *tail)),
        SummaryRow("subtitle", (f"PERFORMANCE IMPROVEMENT BULLETIN - {months.label(text.bulletin_month(s))}", None,
                                None, *tail)),
        SummaryRow("note", (" ".join(filter(None, [
            f"Commissioned by: {s.commissioner}" if s.commissioner else "",
            f"Report Ref: {s.report_reference}" if s.report_reference else "",
            f"Data to {months.label(s.latest_month)}"])), None, None, *tail)),
        SummaryRow("blank", (None, None, None, *tail)),
        SummaryRow("subtitle", ("Executive Summary: Performance Assessment", None, None, *tail)),
    ]
    outcomes = assessment.outcomes
    for theme in dict.fromkeys(outcomes["theme"]):
        out.append(SummaryRow("theme", (f"Theme: {theme}", None, None, *tail)))
        out.append(SummaryRow("header", HEADER + ((MOVED,) if compared else ())))
        for _, o in outcomes[outcomes["theme"] == theme].iterrows():
            label = f"{o['outcome']}: {o['description']}" if o["description"] else o["outcome"]
            change = (moved(o["outcome"], o["rag"], movement),) if compared else ()
            out.append(SummaryRow("outcome", (label, o["summary"], o["rag"], *change)))
    return out


def grid(assessment, movement=None, compared: bool = False) -> list[list]:
    return [list(r.values) for r in rows(assessment, movement, compared)]


def write(ws, assessment, notes: bool = True, movement=None, compared: bool = False) -> None:
    """The sheet; ``notes``: each outcome RAG's explanation as its cell's note (not in the live workbook, whose
    Executive Summary holds the Refresh button's drawing and whose values a refresh rewrites)."""
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 92
    ws.column_dimensions["C"].width = 8
    content = rows(assessment, movement, compared)
    width = max(len(row.values) for row in content)
    if width > 3:
        ws.column_dimensions["D"].width = 16
    whys = iter(assessment.outcomes["why"].tolist())
    for r, row in enumerate(content, start=1):
        for c, value in enumerate(row.values, start=1):
            put(ws.cell(r, c), value)
        # No merged cells: a refresh rewrites this sheet as one block of values,
        # which Excel refuses over part of a merged range. Titles overflow instead.
        first = ws.cell(r, 1)
        if row.kind == "title":
            first.font = styles.TITLE
        elif row.kind == "subtitle":
            first.font = styles.SUBTITLE
        elif row.kind == "note":
            first.font = styles.SMALL
        elif row.kind == "theme":
            first.font = styles.HEADING
            for c in range(1, width + 1):
                ws.cell(r, c).fill = styles.HEADING_FILL
        elif row.kind == "header":
            for c in range(1, width + 1):
                cell = ws.cell(r, c)
                cell.font, cell.fill, cell.border = styles.BOLD, styles.HEADER_FILL, styles.BOX
        elif row.kind == "outcome":
            for c in range(1, width + 1):
                cell = ws.cell(r, c)
                cell.font, cell.alignment, cell.border = styles.BODY, styles.WRAP, styles.BOX
            rag = ws.cell(r, 3)
            rag.alignment, rag.font = styles.CENTRE, styles.BOLD
            why = next(whys)
            if notes and why:
                rag.comment = explanation_note(why)
            fill = styles.rag_fill(row.values[2])
            if fill is not None:
                rag.fill = fill
            if width > 3:
                ws.cell(r, 4).alignment, ws.cell(r, 4).font = styles.CENTRE, styles.BOLD
            lines = max(-(-len(str(row.values[0] or "")) // 50), -(-len(str(row.values[1] or "")) // 100), 1)
            ws.row_dimensions[r].height = 13 * lines + 4
    outcome_rows = [r for r, row in enumerate(content, start=1) if row.kind == "outcome"]
    if outcome_rows:
        styles.rag_rules(ws, f"C{outcome_rows[0]}:C{outcome_rows[-1]}")
    s = assessment.inputs.settings
    styles.print_setup(ws, footer=f"{s.report_reference}  {s.security_marking}".strip())
    ws.print_area = f"A1:{'D' if width > 3 else 'C'}{ws.max_row}"
