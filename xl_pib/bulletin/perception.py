"""The Perception section: survey measures with confidence intervals.

Each block shows the monthly survey proxy (e.g. the Police Public Attitudes
Survey) with 95% confidence-interval error bars, and a table of baseline,
target, current position, change from baseline (percentage points) and
whether that change is significant (Newcombe's method).
"""

from __future__ import annotations

from .. import months
from ..figures import SPEC
from ..xlsx import put
from . import chart_data, charts, styles, text
from .section import IndicatorBlock, Row, write_table, write_text_row, _lines


def _rows(target, figures) -> tuple[Row, ...]:
    """The survey table: the figures the Perception section prints, labelled with the survey's periods."""
    baseline = "Baseline" + (f" - {target['baseline_period']}" if target["baseline_period"] else "")
    when = target["target_period"] or (months.label(target["target_date"]) if target["target_date"] == target["target_date"] else "")
    assessed = figures.assessed_month
    current = target["current_period"] or (f"rolling 12 months to {months.label(assessed)}" if assessed == assessed else "")
    return (
        Row(SPEC.baseline, baseline),
        Row(SPEC.target, "Target" + (f" - {when}" if when else "")),
        Row(SPEC.current, "Current Position" + (f" - {current}" if current else "")),
        Row(SPEC.change_from_baseline, "Change from Baseline (percentage points)"),
        Row(SPEC.significant_change, "Significant Change from Baseline"),
        *(Row(spec, spec.label) for spec in (SPEC.reduction_required, SPEC.trend_sufficient, SPEC.past_month,
                                             SPEC.position, SPEC.rag)),
    )


def block_texts(assessment, index: int) -> dict[int, str]:
    """The block's data-dependent sentences by row offset: description, note."""
    target = assessment.inputs.targets.iloc[index]
    figures = assessment.figures.at(index)
    conf = f"{assessment.inputs.settings.confidence:.1%}".replace(".0%", "%")
    return {1: text.description(target, figures),
            2: " ".join(filter(None, [target["commentary"], f"Monthly figures are shown with {conf} confidence intervals.",
                                      text.series_break(chart_data.indicator_breaks(assessment, index)),
                                      text.projection(figures, target["measure"], target.get("rate_per")),
                                      text.past_month_rule(figures),
                                      text.not_yet_assessable(assessment.reasons[index])]))}


def write_block(ws, top: int, index: int, assessment, chart_block, data_ws, live):
    target = assessment.inputs.targets.iloc[index]
    figures = assessment.figures.at(index)
    block = IndicatorBlock(target["indicator"], index, ws.title, top)
    put(ws.cell(top, 1), target["name"]).font = styles.SUBTITLE
    texts = block_texts(assessment, index)
    write_text_row(ws, top + 1, texts[1], styles.BODY, 13 * _lines(texts[1]) + 2)
    write_text_row(ws, top + 2, texts[2], styles.SMALL, 11 * _lines(texts[2], 95) + 2)
    write_table(ws, top + 3, block, figures, target["measure"], target["direction"], _rows(target, figures), live)
    ws.add_chart(charts.perception_chart(data_ws, chart_block), f"D{top + 1}")
    return block
