"""Native Excel charts: the performance chart (Appendix B/D) and the perception chart.

Status markers are separate marker-only series (one per position) rather
than per-point colours, which LibreOffice ignores.
"""

from __future__ import annotations

import math

from openpyxl.chart import LineChart, Reference
from openpyxl.chart.data_source import NumDataSource, NumRef
from openpyxl.chart.error_bar import ErrorBars
from openpyxl.chart.layout import Layout, ManualLayout
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.legend import LegendEntry
from openpyxl.utils import get_column_letter
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.drawing.line import LineProperties

from . import chart_data, styles
from .chart_data import ChartBlock

WIDTH_CM, HEIGHT_CM = 15.5, 7.2
SPC_HEIGHT_CM = 5.8  # the noise-aware block's second, monthly chart under the performance chart


def _base(title: str, y_title: str, number_format: str) -> LineChart:
    chart = LineChart()
    chart.title = None
    chart.width, chart.height = WIDTH_CM, HEIGHT_CM
    chart.y_axis.title = y_title
    chart.y_axis.number_format = number_format
    chart.y_axis.majorGridlines = None
    chart.x_axis.number_format = "mmm yy"
    chart.x_axis.majorTimeUnit = "months"
    chart.x_axis.tickLblSkip = 3
    # openpyxl 3.1 marks axes deleted unless told otherwise; LibreOffice then hides them.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.display_blanks = "gap"
    chart.layout = Layout(manualLayout=ManualLayout(x=0.02, y=0.03, w=0.96, h=0.72))
    return chart


def _nice_scale(chart: LineChart, data_ws, block: ChartBlock, columns) -> None:
    """Fit the value axis to the data (with a margin) instead of starting at zero.

    A count of 300 moving by 20 is invisible on an axis from 0; the seed's
    charts are scaled to the data. Computed when the chart is written, so a
    refresh that moves the data far keeps the old scale until the next build.
    """
    values = [data_ws.cell(r, c).value for r in range(block.first_row, block.last_row + 1) for c in columns]
    numbers = [v for v in values if isinstance(v, (int, float))]
    if not numbers:
        return
    low, high = min(numbers), max(numbers)
    span = high - low or abs(high) or 1.0
    step = 10 ** math.floor(math.log10(span / 2))
    for factor in (1, 2, 5, 10):
        if span / (step * factor) <= 6:
            step *= factor
            break
    chart.y_axis.scaling.min = max(0.0, math.floor((low - 0.05 * span) / step) * step)
    chart.y_axis.scaling.max = math.ceil((high + 0.05 * span) / step) * step
    chart.y_axis.majorUnit = step


def _line(series, colour: str, *, width_emu: int = 22000, dash: str | None = None) -> None:
    series.smooth = False
    series.marker.symbol = "none"
    series.graphicalProperties.line.solidFill = colour
    series.graphicalProperties.line.width = width_emu
    if dash:
        series.graphicalProperties.line.dashStyle = dash


def _markers(series, colour: str) -> None:
    series.marker.symbol = "circle"
    series.marker.size = 6
    series.marker.graphicalProperties.solidFill = colour
    series.marker.graphicalProperties.line.solidFill = colour
    series.graphicalProperties.line.noFill = True


def _add(chart: LineChart, data_ws, block: ChartBlock, columns) -> list:
    """Add the block's columns as series (titles from the header row); the new series, in order."""
    header = block.title_row + 1
    start = len(chart.series)
    for column in columns:
        chart.add_data(Reference(data_ws, min_col=column, min_row=header, max_row=block.last_row), titles_from_data=True)
    return chart.series[start:]


def _column_ref(data_ws, block: ChartBlock, column: int) -> NumDataSource:
    title = data_ws.title.replace("'", "''")
    letter = get_column_letter(column)
    return NumDataSource(numRef=NumRef(f=f"'{title}'!${letter}${block.first_row}:${letter}${block.last_row}"))


def _break_lines(series, data_ws, block: ChartBlock) -> None:
    """A break: a small marker at the top of the plotted values with an error bar of its own height down to the
    axis (the vertical line; LibreOffice draws custom error bars, as the perception chart's), its legend entry
    the break's month and reason."""
    series.smooth = False
    series.marker.symbol = "dash"
    series.marker.size = 7
    series.marker.graphicalProperties.solidFill = styles.NAVY
    series.marker.graphicalProperties.line.solidFill = styles.NAVY
    series.graphicalProperties.line.noFill = True
    own = _column_ref(data_ws, block, chart_data.BREAK_COLUMN)
    series.errBars = ErrorBars(errDir="y", errBarType="minus", errValType="cust", noEndCap=True, minus=own, plus=own)
    series.errBars.spPr = GraphicalProperties(ln=LineProperties(solidFill=styles.NAVY, w=15875, prstDash="dash"))
    # The reason is written beside the line itself (the series' name labels its one point), not in the legend.
    series.dLbls = DataLabelList(showSerName=True, showVal=False, showCatName=False, showLegendKey=False,
                                 showPercent=False, dLblPos="r")
    series.dLbls.txPr = _small_text()


def _small_text():
    from openpyxl.chart.text import RichText
    from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties

    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=CharacterProperties(sz=700, solidFill=styles.NAVY)),
                                 endParaRPr=CharacterProperties(sz=700))])


def performance_chart(data_ws, block: ChartBlock, number_format: str, targeted: bool = True,
                      direction: str = "down", projected: bool = False, breaks: bool = False) -> LineChart:
    """Rolling-12 actual, trajectory, dashed limits, and markers coloured by position; with ``projected``
    (noise-aware judgements), the trend model's projection to the target date and its 80% range; with
    ``breaks``, a vertical line at each break in the series.

    Red marks bad news: above target for a reduction, below target for an
    increase. A monitoring indicator (no target) shows the rolling-12 actual alone.
    """
    chart = _base("", "Rolling 12 months", number_format)
    chart.set_categories(Reference(data_ws, min_col=1, min_row=block.first_row, max_row=block.last_row))
    if not targeted:
        (actual,) = _add(chart, data_ws, block, (2,))
        _line(actual, styles.NAVY, width_emu=28000)
        scaled = [2]
    else:
        actual, trajectory, lower, upper, above, on, below = _add(chart, data_ws, block, range(2, 9))
        _line(actual, styles.NAVY, width_emu=28000)
        _line(trajectory, "7F7F7F")
        _line(lower, "7F7F7F", width_emu=15000, dash="dash")
        _line(upper, "7F7F7F", width_emu=15000, dash="dash")
        good, bad = (styles.GREEN, styles.RED) if direction != "up" else (styles.RED, styles.GREEN)
        _markers(above, bad)
        _markers(on, styles.AMBER)
        _markers(below, good)
        scaled = list(range(2, 6))
        if projected:
            first = chart_data.PROJECTION_COLUMN
            middle, low, high = _add(chart, data_ws, block, range(first, first + 3))
            _line(middle, styles.NAVY, width_emu=19050, dash="sysDot")
            _line(low, "A6A6A6", width_emu=12700, dash="sysDot")
            _line(high, "A6A6A6", width_emu=12700, dash="sysDot")
            scaled += [first, first + 1, first + 2]
            # One legend entry for the projection: its range's two lines need none of their own.
            chart.legend.legendEntry = [LegendEntry(idx=len(chart.series) - 2, delete=True),
                                        LegendEntry(idx=len(chart.series) - 1, delete=True)]
    if breaks:
        _break_lines(_add(chart, data_ws, block, (chart_data.BREAK_COLUMN,))[0], data_ws, block)
        chart.legend.legendEntry = [*chart.legend.legendEntry, LegendEntry(idx=len(chart.series) - 1, delete=True)]
    _nice_scale(chart, data_ws, block, scaled)
    return chart


def spc_chart(data_ws, block: ChartBlock, number_format: str) -> LineChart:
    """The past month's Making Data Count chart: the monthly values, the average and the process limits, and
    the special-cause months in MDC's colours (orange: concern, blue: improvement)."""
    chart = _base("", "Monthly", number_format)
    chart.height = SPC_HEIGHT_CM
    chart.set_categories(Reference(data_ws, min_col=1, min_row=block.first_row, max_row=block.last_row))
    first = chart_data.SPC_COLUMN
    values, mean, lower, upper, concern, improvement = _add(chart, data_ws, block, range(first, first + 6))
    _line(values, styles.SPC_COMMON, width_emu=19050)
    _line(mean, "404040", width_emu=12700)
    _line(lower, "404040", width_emu=12700, dash="dash")
    _line(upper, "404040", width_emu=12700, dash="dash")
    _markers(concern, styles.SPC_CONCERN)
    _markers(improvement, styles.SPC_IMPROVEMENT)
    _nice_scale(chart, data_ws, block, range(first, first + 4))
    return chart


def perception_chart(data_ws, block: ChartBlock) -> LineChart:
    """Monthly survey percentage with 95% confidence-interval error bars, baseline and target lines."""
    chart = _base("", "Percentage", "0%")
    header = block.title_row + 1
    for column in (2, 5, 6):
        chart.add_data(Reference(data_ws, min_col=column, min_row=header, max_row=block.last_row), titles_from_data=True)
    chart.set_categories(Reference(data_ws, min_col=1, min_row=block.first_row, max_row=block.last_row))
    monthly, baseline, target = chart.series
    _markers(monthly, styles.NAVY)
    title = data_ws.title.replace("'", "''")
    ref = lambda col: NumDataSource(numRef=NumRef(  # noqa: E731
        f=f"'{title}'!${col}${block.first_row}:${col}${block.last_row}"))
    monthly.errBars = ErrorBars(errDir="y", errBarType="both", errValType="cust", noEndCap=False,
                                plus=ref("C"), minus=ref("D"))
    _line(baseline, "7F7F7F", dash="dash")
    _line(target, styles.GREEN, dash="sysDash")
    _nice_scale(chart, data_ws, block, (2, 5, 6))
    return chart
