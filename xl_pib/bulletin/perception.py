"""The Perception section: survey measures with confidence intervals.

Each block shows the monthly survey proxy (e.g. the Police Public Attitudes
Survey) with 95% confidence-interval error bars, and a table of baseline,
target, current position, change from baseline (percentage points) and
whether that change is significant (Newcombe's method).
"""

from __future__ import annotations

from .. import months
from ..xlsx import put
from . import charts, styles, text
from .section import IndicatorBlock, Row, write_table, write_text_row, _lines


def _rows(target, detail) -> tuple[Row, ...]:
    baseline = "Baseline" + (f" - {target['baseline_period']}" if target["baseline_period"] else "")
    when = target["target_period"] or (months.label(target["target_date"]) if target["target_date"] == target["target_date"] else "")
    current = target["current_period"] or (
        f"rolling 12 months to {months.label(detail['assessed_month'])}" if detail["assessed_month"] == detail["assessed_month"] else "")
    return (
        Row("baseline", baseline, styles.PERCENT),
        Row("target", "Target" + (f" - {when}" if when else ""), styles.PERCENT),
        Row("current", "Current Position" + (f" - {current}" if current else ""), styles.PERCENT),
        Row("change_from_baseline", "Change from Baseline (percentage points)", styles.SIGNED_PERCENT),
        Row("significant_change", "Significant Change from Baseline"),
        Row("reduction_required", "Reduction required from current position to meet target", styles.PERCENT),
        Row("trend_sufficient", "Long-term trend sufficient to meet target"),
        Row("past_month", "Performance over the past month"),
        Row("position", "Position against the target trajectory"),
        Row("rag", "RAG rating"),
    )


def block_texts(assessment, index: int) -> dict[int, str]:
    """The block's data-dependent sentences by row offset: description, note."""
    target = assessment.inputs.targets.iloc[index]
    detail = assessment.detail.iloc[index]
    conf = f"{assessment.inputs.settings.confidence:.1%}".replace(".0%", "%")
    reasons = ("Not yet assessable: " + "; ".join(detail["reasons"]) + ".") if detail["reasons"] else ""
    return {1: text.description(target, detail),
            2: " ".join(filter(None, [target["commentary"],
                                      f"Monthly figures are shown with {conf} confidence intervals.", reasons]))}


def write_block(ws, top: int, index: int, assessment, chart_block, data_ws, live):
    target = assessment.inputs.targets.iloc[index]
    detail = assessment.detail.iloc[index]
    block = IndicatorBlock(target["indicator"], index, ws.title, top)
    put(ws.cell(top, 1), target["name"]).font = styles.SUBTITLE
    texts = block_texts(assessment, index)
    write_text_row(ws, top + 1, texts[1], styles.BODY, 13 * _lines(texts[1]) + 2)
    write_text_row(ws, top + 2, texts[2], styles.SMALL, 11 * _lines(texts[2], 95) + 2)
    write_table(ws, top + 3, block, detail, target["direction"], _rows(target, detail), live)
    ws.add_chart(charts.perception_chart(data_ws, chart_block), f"D{top + 1}")
    return block
