"""The bulletin's look: fonts, fills for labels and RAGs, number formats, print setup."""

from __future__ import annotations

import re

from openpyxl.styles import Alignment, Border, Font, GradientFill, PatternFill, Side
from openpyxl.worksheet.pagebreak import Break

from .. import labels

NAVY = "1F3864"
RED, AMBER, GREEN = "E0301E", "FFC000", "00A651"
LIGHT_GREEN, DARK_GREEN = "C6EFCE", "00703C"
# Making Data Count's SPC colours: special cause concern orange, improvement blue, common cause grey.
SPC_CONCERN, SPC_IMPROVEMENT, SPC_COMMON = "FAB428", "289DE0", "7F7F7F"

TITLE = Font(name="Arial", size=16, bold=True, color=NAVY)
SUBTITLE = Font(name="Arial", size=12, bold=True, color=NAVY)
HEADING = Font(name="Arial", size=12, bold=True, color="FFFFFF")
BOLD = Font(name="Arial", size=10, bold=True)
BODY = Font(name="Arial", size=10)
SMALL = Font(name="Arial", size=8, italic=True, color="595959")
WHITE_BOLD = Font(name="Arial", size=10, bold=True, color="FFFFFF")

HEADING_FILL = PatternFill("solid", fgColor=NAVY)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
WRAP = Alignment(wrap_text=True, vertical="top")
LEFT = Alignment(horizontal="left", vertical="top")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

PERCENT = "0.0%"
SIGNED_PERCENT = "+0.0%;-0.0%;0.0%"
COUNT = "#,##0"
RATE = "#,##0.0"
MONTH = "mmm yyyy"


def solid(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=colour)


_RAG_FILLS = {labels.RED: RED, labels.AMBER: AMBER, labels.GREEN: GREEN}


def rag_fill(rating: str):
    """Fill for a RAG cell; a split judgement such as "A/R" shades both colours."""
    # Ratings are whole tokens ("R", "A/R", "A R"); "N/A" holds an A but is no rating.
    text = str(rating).strip().upper()
    if text == labels.NA:
        return None
    letters = [t for t in re.split(r"[/\s,]+", text) if t in _RAG_FILLS]
    if not letters:
        return None
    if len(set(letters)) == 1:
        return solid(_RAG_FILLS[letters[0]])
    return GradientFill(stop=[_RAG_FILLS[letters[0]], _RAG_FILLS[letters[-1]]], degree=0)


def label_fill(label: str, direction: str = "down"):
    """Appendix E colours: red for bad news, light green for in line, dark green for good news.

    "Above" is bad news for a reduction target and good news for an increase.
    """
    good, bad = (DARK_GREEN, RED) if direction != "up" else (RED, DARK_GREEN)
    colours = {
        labels.YES: GREEN, labels.NO: RED,
        labels.ABOVE_EXPECTED: bad if direction != "up" else good,
        labels.BELOW_EXPECTED: good if direction != "up" else bad,
        labels.IN_LINE: LIGHT_GREEN, labels.ON_TARGET: LIGHT_GREEN,
        labels.SIG_ABOVE: bad if direction != "up" else good,
        labels.SIG_BELOW: good if direction != "up" else bad,
        labels.ABOVE_TARGET: bad if direction != "up" else good,
        labels.BELOW_TARGET: good if direction != "up" else bad,
    }
    colour = colours.get(label)
    return solid(colour) if colour else None


def label_font(label: str, direction: str = "down") -> Font:
    fill = label_fill(label, direction)
    dark = fill is not None and fill.fgColor.rgb[-6:] in (RED, DARK_GREEN, GREEN)
    return WHITE_BOLD if dark else BOLD


def print_setup(ws, *, landscape: bool = False, title_rows: str | None = None, footer: str = "") -> None:
    """A4, fit to one page wide, as many pages tall as needed."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if title_rows:
        ws.print_title_rows = title_rows
    if footer:
        ws.oddFooter.left.text = footer
        ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = "Page &P of &N"
    ws.oddFooter.right.size = 8


def page_break_after(ws, row: int) -> None:
    ws.row_breaks.append(Break(id=row))


def _rule(text: str, fill: PatternFill, font: Font | None = None):
    from openpyxl.formatting.rule import CellIsRule

    return CellIsRule(operator="equal", formula=[f'"{text}"'], fill=fill, font=font)


def rag_rules(ws, ref: str) -> None:
    """Colour RAG cells by their value, so a refresh that writes only values recolours them."""
    for rating, colour in _RAG_FILLS.items():
        ws.conditional_formatting.add(ref, _rule(rating, solid(colour)))


def label_rules(ws, ref: str, direction: str = "down") -> None:
    """Appendix E colours for label cells (Yes/No, expected level, MSG, position), kept live."""
    for label in (labels.YES, labels.NO, labels.ABOVE_EXPECTED, labels.BELOW_EXPECTED, labels.IN_LINE,
                  labels.ON_TARGET, labels.SIG_ABOVE, labels.SIG_BELOW, labels.ABOVE_TARGET, labels.BELOW_TARGET):
        fill = label_fill(label, direction)
        ws.conditional_formatting.add(ref, _rule(label, fill, label_font(label, direction)))
