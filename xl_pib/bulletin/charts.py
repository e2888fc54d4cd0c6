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

from . import styles
from .chart_data import ChartBlock

WIDTH_CM, HEIGHT_CM = 15.5, 7.2


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


def performance_chart(data_ws, block: ChartBlock, number_format: str, targeted: bool = True,
                      direction: str = "down") -> LineChart:
    """Rolling-12 actual, trajectory, dashed limits, and markers coloured by position.

    Red marks bad news: above target for a reduction, below target for an
    increase. A monitoring indicator (no target) shows the rolling-12 actual alone.
    """
    chart = _base("", "Rolling 12 months", number_format)
    header = block.title_row + 1
    if not targeted:
        chart.add_data(Reference(data_ws, min_col=2, min_row=header, max_row=block.last_row), titles_from_data=True)
        chart.set_categories(Reference(data_ws, min_col=1, min_row=block.first_row, max_row=block.last_row))
        _line(chart.series[0], styles.NAVY, width_emu=28000)
        _nice_scale(chart, data_ws, block, (2,))
        return chart
    for column in range(2, 9):
        chart.add_data(Reference(data_ws, min_col=column, min_row=header, max_row=block.last_row), titles_from_data=True)
    chart.set_categories(Reference(data_ws, min_col=1, min_row=block.first_row, max_row=block.last_row))
    actual, trajectory, lower, upper, above, on, below = chart.series
    _line(actual, styles.NAVY, width_emu=28000)
    _line(trajectory, "7F7F7F")
    _line(lower, "7F7F7F", width_emu=15000, dash="dash")
    _line(upper, "7F7F7F", width_emu=15000, dash="dash")
    good, bad = (styles.GREEN, styles.RED) if direction != "up" else (styles.RED, styles.GREEN)
    _markers(above, bad)
    _markers(on, styles.AMBER)
    _markers(below, good)
    _nice_scale(chart, data_ws, block, range(2, 6))
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
