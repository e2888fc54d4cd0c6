"""The "Since last month" section: what moved since the previous bulletin, one sentence per change.

It follows the Executive Summary in a bulletin built with ``--previous`` and in every live workbook
(whose refreshes compare with their own last refresh of an earlier month; see :mod:`.record`): the outcome
RAGs that moved, each indicator's judgements that moved (new and cleared special causes among them), and
the data already published that has been revised since (:mod:`xl_pib.movement`).
"""

from __future__ import annotations

from .. import months
from ..xlsx import put
from . import styles

SHEET = "Since last month"
NOTHING_YET = ("No earlier bulletin to compare with yet: after the first refresh for a new month, this page lists "
               "what moved since the bulletin before it.")
# (heading, the kinds of change listed under it, what it says when there are none, what its count counts)
_GROUPS = (("Outcomes", ("outcome",), "No outcome's RAG moved.", ("outcome RAG", "outcome RAGs")),
           ("Indicators", ("indicator", "judgement", "special cause"), "No judgement of an indicator moved.",
            ("change to indicators", "changes to indicators")),
           ("Revised data", ("revision",), "No month already published was revised by more than its rounding.",
            ("revision of published data", "revisions of published data")))
# Rows the live workbook's refresh always writes, so that a shorter list blanks what a longer one left.
LIVE_ROWS = 60


def rows(assessment, movement) -> list[list]:
    """The section as two columns: ▲ or ▼ where a change is better or worse, and its sentence; a title and
    what it compares first, then each group under its heading."""
    s = assessment.inputs.settings
    out = [[SHEET, None],
           [f"{s.partnership} - Performance Improvement Bulletin - data to {months.label(s.latest_month)}", None]]
    if movement is None:
        return out + [[None, NOTHING_YET]]
    source = f" ({movement.source})" if movement.source else ""
    counts = [(sum(len(movement.of(kind)) for kind in kinds), what) for _, kinds, _, what in _GROUPS]
    shown = ", ".join(f"{n or 'no'} {what[n != 1]}" for n, what in counts)
    out.append([None, f"Changes since the bulletin for data to {months.label(movement.previous_month)}{source}: "
                      f"{shown}."])
    for title, kinds, none, _ in _GROUPS:
        out.append([title, None])
        changes = [[c.arrow or None, c.sentence] for c in movement.changes if c.kind in kinds]
        out += changes or [[None, none]]
    return out


def grid(assessment, movement, height: int = LIVE_ROWS) -> list[list]:
    """:func:`rows` padded with blanks to at least ``height`` rows (what a refresh writes)."""
    content = rows(assessment, movement)
    return content + [[None, None]] * max(0, height - len(content))


def write(ws, assessment, movement, live: bool = False) -> None:
    content = rows(assessment, movement)
    headings = {group[0] for group in _GROUPS}
    # Two columns: LibreOffice fits a sheet to the page's width only when more than one column is used.
    ws.column_dimensions["A"].width = 4
    ws.column_dimensions["B"].width = 100
    for r, (mark, value) in enumerate(content, start=1):
        first, second = put(ws.cell(r, 1), mark), put(ws.cell(r, 2), value)
        second.alignment, first.alignment = styles.WRAP, styles.LEFT if r <= 2 else styles.CENTRE
        first.font = styles.TITLE if r == 1 else styles.SUBTITLE if r == 2 else \
            styles.HEADING if mark in headings and not live else styles.BOLD
        second.font = styles.BODY
        if mark in headings and not live:
            first.fill = second.fill = styles.HEADING_FILL
            first.alignment = styles.LEFT
        elif r > 2 and not live:
            ws.row_dimensions[r].height = 13 * max(1, -(-len(str(value or "")) // 110)) + 3
    s = assessment.inputs.settings
    styles.print_setup(ws, footer=f"{s.report_reference}  {s.security_marking}".strip())
    ws.print_area = f"A1:B{max(len(content), 3)}"
