"""Executive Summary: per theme, Outcome | Summary of Performance | RAG.

The RAG is the outcome rule applied to its indicators' RAGs unless the
analyst set "RAG override"; the summary joins the indicators' narratives
unless "Summary override" is set. RAG cells are filled red, amber or green,
and (in a static bulletin) carry a note naming the indicators that decided
them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import months
from ..xlsx import put
from . import styles, text
from .section import explanation_note

SHEET = "Executive Summary"
HEADER = ("Outcomes", "Summary of Performance", "RAG")


@dataclass(frozen=True)
class SummaryRow:
    kind: str  # "title", "subtitle", "note", "blank", "theme", "header", "outcome"
    values: tuple


def rows(assessment) -> list[SummaryRow]:
    """The sheet's content, top to bottom, as values (what a refresh rewrites)."""
    s = assessment.inputs.settings
    out = [
        SummaryRow("title", (s.title or f"{s.partnership} - Performance Improvement Bulletin", None, None)),
        SummaryRow("subtitle", (f"PERFORMANCE IMPROVEMENT BULLETIN - {months.label(text.bulletin_month(s))}", None, None)),
        SummaryRow("note", (" ".join(filter(None, [
            f"Commissioned by: {s.commissioner}" if s.commissioner else "",
            f"Report Ref: {s.report_reference}" if s.report_reference else "",
            f"Data to {months.label(s.latest_month)}"])), None, None)),
        SummaryRow("blank", (None, None, None)),
        SummaryRow("subtitle", ("Executive Summary: Performance Assessment", None, None)),
    ]
    outcomes = assessment.outcomes
    for theme in dict.fromkeys(outcomes["theme"]):
        out.append(SummaryRow("theme", (f"Theme: {theme}", None, None)))
        out.append(SummaryRow("header", HEADER))
        for _, o in outcomes[outcomes["theme"] == theme].iterrows():
            label = f"{o['outcome']}: {o['description']}" if o["description"] else o["outcome"]
            out.append(SummaryRow("outcome", (label, o["summary"], o["rag"])))
    return out


def grid(assessment) -> list[list]:
    return [list(r.values) for r in rows(assessment)]


def write(ws, assessment, notes: bool = True) -> None:
    """The sheet; ``notes``: each outcome RAG's explanation as its cell's note (not in the live workbook, whose
    Executive Summary holds the Refresh button's drawing and whose values a refresh rewrites)."""
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 92
    ws.column_dimensions["C"].width = 8
    content = rows(assessment)
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
            for c in range(1, 4):
                ws.cell(r, c).fill = styles.HEADING_FILL
        elif row.kind == "header":
            for c in range(1, 4):
                cell = ws.cell(r, c)
                cell.font, cell.fill, cell.border = styles.BOLD, styles.HEADER_FILL, styles.BOX
        elif row.kind == "outcome":
            for c in range(1, 4):
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
            lines = max(-(-len(str(row.values[0] or "")) // 50), -(-len(str(row.values[1] or "")) // 100), 1)
            ws.row_dimensions[r].height = 13 * lines + 4
    outcome_rows = [r for r, row in enumerate(content, start=1) if row.kind == "outcome"]
    if outcome_rows:
        styles.rag_rules(ws, f"C{outcome_rows[0]}:C{outcome_rows[-1]}")
    s = assessment.inputs.settings
    styles.print_setup(ws, footer=f"{s.report_reference}  {s.security_marking}".strip())
    ws.print_area = f"A1:C{ws.max_row}"
