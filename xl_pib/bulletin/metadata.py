"""Metadata page, as the seed's last page."""

from __future__ import annotations

from .. import months
from ..options import CLASSIC
from ..provenance import VERSION, input_hash
from ..xlsx import put
from . import styles

SHEET = "Metadata"


def rows(assessment) -> list[tuple[str, str]]:
    s = assessment.inputs.settings
    title = s.title or f"{s.partnership} - Performance Improvement Bulletin"
    return [
        ("Identifier", " - ".join(filter(None, [s.report_reference, f"{s.partnership} PIB"]))),
        ("Title", title),
        ("Description", f"Provides {s.partnership} with relevant information to assist in the monitoring of "
                        "performance against the targets in its partnership strategy, to help identify strategy "
                        "objectives that require additional improvement and the partnership's priorities."),
        ("Subject(s)", "CDRP Performance"),
        ("Coverage Spatial", s.partnership),
        ("Coverage Temporal", f"Past 12 months to {months.label(s.latest_month)}"),
        ("Relation", "Partnership Performance"),
        ("Author", s.author),
        ("Commissioner", s.commissioner),
        ("Security marking", s.security_marking),
        ("Publisher", s.publisher),
        ("Source", "Figures computed by xl-pib from the input sheets in this workbook" +
                   "".join(f"; {line}" for line in sources(assessment.inputs))),
        ("Judgements", f"{s.judgements}: " + ("the 2009 bulletin's methods" if s.judgements == CLASSIC else
                                              "confidence intervals, overdispersed MSG funnels, no RAG on small "
                                              "numbers")),
        ("xl-pib version", VERSION),
        ("Input hash", f"{input_hash(assessment.inputs)} (of the input sheets' cell values: it changes "
                       "with any input cell, not with a re-save)"),
        ("Status", "Final"),
    ]


def sources(inputs) -> list[str]:
    """Every Source of Targets, then of the MSG tables, with the indicators each serves: "police.uk street-level
    crime (VEH, DB)", "MSG: Home Office recorded crime ... (VEH)"."""
    targets = inputs.targets
    named = targets[targets["source"].astype(str).str.strip() != ""]
    grouped = named.groupby(named["source"].astype(str).str.strip(), sort=False)["indicator"]
    msg: dict[str, list[str]] = {}
    for indicator, source in inputs.msg_sources().items():
        msg.setdefault(source, []).append(indicator)
    return ([f"{source} ({', '.join(ids)})" for source, ids in grouped] +
            [f"MSG: {source} ({', '.join(ids)})" for source, ids in msg.items()])


FIRST_ROW = 3


def write(ws, assessment) -> None:
    put(ws["A1"], "Metadata").font = styles.TITLE
    for r, (key, value) in enumerate(rows(assessment), start=FIRST_ROW):
        k, v = put(ws.cell(r, 1), key), put(ws.cell(r, 2), value)
        k.font, k.fill, k.border = styles.BOLD, styles.HEADER_FILL, styles.BOX
        v.font, v.alignment, v.border = styles.BODY, styles.WRAP, styles.BOX
        ws.row_dimensions[r].height = 13 * max(1, -(-len(str(value)) // 80)) + 4
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 90
    styles.print_setup(ws)
