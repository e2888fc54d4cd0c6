"""Appendices A–E (how to read the bulletin, in our own words) and F (generated from Outcomes and Targets)."""

from __future__ import annotations

from .. import labels, months
from ..figures import PERFORMANCE_TABLE
from ..measures.projection import LIKELY, UNLIKELY
from ..options import CLASSIC, NOISE_AWARE
from ..xlsx import put
from . import styles
from .text import bulletin_month

SHEET = "Appendices"

# How the past month's expected band is set, by Expected level method (completes "the level expected from ...").
_EXPECTED_BANDS = {
    "xmr": "an XmR control chart of the previous twelve months: the mean plus or minus 2.66 times the average "
           "month-to-month change (the NHS 'Making Data Count' method, without screening)",
    "poisson": "the 2.5% and 97.5% points of a Poisson distribution whose mean is the average of the previous "
               "twelve months",
    "trend": "a straight-line trend through the previous twelve months with a 95% prediction interval",
}


def _methods(settings, tests: tuple[int, float] | None = None) -> dict[str, list[str]]:
    band = f"{settings.band_fraction:.0%}"
    conf = words(settings)["confidence_percent"]
    return {
        "Appendix A: What this bulletin is for": [
            "The Performance Improvement Bulletin helps the partnership monitor progress against the targets in its "
            "strategy, pick out the objectives that need more attention, and set priorities.",
            "Every figure in it is calculated from the input sheets of this workbook (Settings, Targets, Outcomes, "
            "Data and MSG), so the bulletin can be rebuilt whenever new data arrive.",
        ],
        "Appendix B: Reading the performance charts": [
            "Each chart shows the rolling twelve-month figure (the total of the latest twelve months) as a solid "
            "line, and the target trajectory: a straight line from the baseline at the end of the baseline period "
            "to the target at the target date.",
            "Dashed lines above and below the trajectory are the upper and lower limits (see Appendix D). Each "
            "month's marker is coloured by its position: amber between the limits, red outside them on the "
            "wrong side (above for a reduction target, below for an increase) and green on the right side.",
            "For survey measures on the Perception sheet, each monthly result is shown with its " + conf +
            " confidence interval (Wilson score method), the range within which the true population percentage is "
            "likely to lie.",
        ],
        "Appendix C: Data sources and time periods": [
            f"Figures run to {months.label(settings.latest_month)}, the last complete month of data; the bulletin is "
            f"headed {months.label(bulletin_month(settings))}, "
            + ("the month after, when it is issued. " if settings.bulletin_month == "" else "the month it is issued. ") +
            "Some sources "
            "arrive later than others, so each indicator is assessed at its own latest month with data, which is "
            "stated beside its table.",
            "Counts are rolling twelve-month totals; rates are those totals per head of population; percentages "
            "pool the numerators and denominators of the twelve months.",
        ],
        "Appendix D: Position against the target trajectory": [
            f"Rather than call every month above the trajectory 'above target', the bulletin uses an adaptation of "
            f"the iQuanta method. The change the target requires is the gap between baseline and target; limits are "
            f"set {band} of that gap above and below the trajectory at the start, narrowing in a straight line to "
            f"zero at the target date.",
            "A month above the upper limit is 'Above Target', below the lower limit 'Below Target', and between "
            "them 'On Target'. For a target to increase (for example confidence measures), being above is good news.",
        ],
        "Appendix E: Reading the Performance Tables": [
            "Current performance against each target is assessed using a Performance Table. Its rows are explained "
            "below. " + _JUDGEMENTS_WORDS[settings.judgements],
            *(f"{spec.label}: {spec.doc.format(**words(settings))}" for spec in PERFORMANCE_TABLE),
            *([] if tests is None else [
                f"Chance alone: {tests[0]} indicators are tested at {conf} confidence, so about {tests[1]:.1f} of them "
                "would show a significant result even if nothing had changed. A single flag is a prompt to look, "
                "not proof."]),
        ],
    }


def _percent(level: float) -> str:
    return f"{level:.1%}".replace(".0%", "%")


def words(settings) -> dict[str, str]:
    """The settings-dependent words of the figures' descriptions (``doc`` in xl_pib.figures)."""
    conf = _percent(settings.confidence)
    classic = settings.judgements == CLASSIC
    return {"trend_window": str(settings.trend_window), "expected_band": _EXPECTED_BANDS[settings.expected_method],
            "confidence_percent": conf,
            "outcome_rule_words": "worst" if settings.outcome_rule == "worst" else "most common",
            "position_rule": "the current figure is" if classic else
                             f"the whole {conf} confidence interval of the current figure is",
            "msg_rule": (f"when the {conf} confidence interval of the partnership's count (exact Poisson below 10 "
                         "events, Byar's method from 10) lies wholly above or below the count expected at the group "
                         "rate") if classic else
                        (f"when the partnership's ratio to the count expected at the group rate lies outside the "
                         f"{conf} limits of an overdispersed funnel, widened by how much the group's areas differ "
                         "beyond chance (Spiegelhalter 2005)"),
            "trend_method": _trend_rule(settings, classic),
            "past_month_method": _past_month_rule(settings, classic),
            "small_numbers_rule": "" if classic else
                                  (f"; an indicator with fewer than {settings.minimum_events} events in its 12 months "
                                   "has no RAG (too few to judge)")}


def _trend_rule(settings, classic: bool) -> str:
    if classic:
        return (f"a straight line is fitted to the last {settings.trend_window} months and projected to the target "
                "date; 'Yes' (green) if the projected final twelve months meet the target, 'No' (red) if not.")
    seasons = {"auto": " and, with 36 months or more, the months of the year", "on": " and the months of the year",
               "none": ""}[settings.seasonal]
    return (f"a trend model (quasi-Poisson regression on the last {settings.trend_window} months: a level, a "
            f"steady change{seasons}) projects the twelve months to the target date with its uncertainty; 'Yes' "
            f"(green) when the target is met with a probability of {LIKELY:.0%} or more, 'No' (red) when that "
            f"probability is {UNLIKELY:.0%} or less, and 'Too close to call' (amber) between. A series with a break "
            "in recording is fitted from the break.")


def _past_month_rule(settings, classic: bool) -> str:
    if classic:
        return ("the latest month compared with the level expected from " + _EXPECTED_BANDS[settings.expected_method]
                + ". 'Above Expected Level' (red for reduction targets) flags an unusually high month worth "
                "investigating; 'In Line' (light green) is within the expected range; 'Below Expected Level' (dark "
                "green) is unusually low.")
    fixed = ("all its months" if not settings.spc_baseline else f"its first {settings.spc_baseline} months")
    return ("the monthly figures on a Making Data Count control chart: the average and the process limits (the "
            "average plus or minus 2.66 times the average month-to-month change; a p-chart for percentages) are "
            f"fixed on {fixed}, and restart at a Breaks row; counts with a seasonal pattern are charted seasonally "
            "adjusted. The latest month is 'Above Expected Level' or 'Below Expected Level' when it is a special "
            "cause: outside the limits, the 7th month in a row on one side of the average or in a steady rise or "
            "fall, or 2 of 3 months close to a limit; otherwise 'In Line'. The table's note names the rule that "
            "fired.")


_JUDGEMENTS_WORDS = {
    CLASSIC: "This bulletin uses the classic judgements: the methods of the 2009 bulletin, exactly.",
    NOISE_AWARE: "This bulletin uses noise-aware judgements: a figure is off its trajectory only when its whole "
                 "confidence interval is, the most similar group comparison allows for areas that differ beyond "
                 "chance, the long-term trend is a probability from a seasonal trend model, the past month is read "
                 "from a Making Data Count control chart, and indicators with too few events to judge get no RAG.",
}


def chance_flags(assessment) -> tuple[int, float]:
    """How many indicators carry a significance test, and how many of them would be flagged by chance alone."""
    f = assessment.figures
    tested = sum(1 for i in range(len(f.indicator)) if any(
        v not in (labels.NA, None) for v in (f.position[i], f.msg_position[i], f.comparative_12m_significant[i])))
    return tested, tested * (1 - assessment.inputs.settings.confidence)


def appendix_f(assessment) -> list[tuple[str, str, str]]:
    """(Outcome, Target(s), Monitoring indicators) per outcome, theme by theme."""
    targets = assessment.inputs.targets.set_index("indicator")
    rows = []
    outcomes = assessment.outcomes
    for theme in dict.fromkeys(outcomes["theme"]):
        rows.append((f"Theme: {theme}", "", ""))
        for _, o in outcomes[outcomes["theme"] == theme].iterrows():
            with_target = [targets.loc[i, "name"] for i in o["indicators"] if targets.loc[i, "target_type"] != "none"]
            monitoring = [targets.loc[i, "name"] for i in o["indicators"] if targets.loc[i, "target_type"] == "none"]
            rows.append((f"{o['outcome']}: {o['description']}", "\n".join(with_target) or "None",
                         "\n".join(monitoring) or "None"))
    return rows


def cells(assessment) -> list[tuple[int, int, str, str]]:
    """(row, column, text, kind) for the whole sheet; kind: heading, paragraph, header, theme, row."""
    out, r = [], 1
    for heading, paragraphs in _methods(assessment.inputs.settings, chance_flags(assessment)).items():
        out.append((r, 1, heading, "heading"))
        r += 1
        for paragraph in paragraphs:
            out.append((r, 1, paragraph, "paragraph"))
            r += 1
        r += 1
    out.append((r, 1, "Appendix F: Summary of targets and monitoring indicators", "heading"))
    r += 1
    out += [(r, c, title, "header") for c, title in enumerate(("Outcome", "Target(s)", "Monitoring indicators"), 1)]
    for row in appendix_f(assessment):
        r += 1
        kind = "theme" if row[0].startswith("Theme:") else "row"
        out += [(r, c, value, kind) for c, value in enumerate(row, start=1)]
    return out


def write(ws, assessment) -> None:
    ws.column_dimensions["A"].width = 50
    ws.column_dimensions["B"].width = 45
    ws.column_dimensions["C"].width = 40
    heights: dict[int, int] = {}
    for r, c, value, kind in cells(assessment):
        cell = put(ws.cell(r, c), value)
        if kind == "heading":
            cell.font = styles.SUBTITLE
        elif kind == "paragraph":
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
            cell.font, cell.alignment = styles.BODY, styles.WRAP
            heights[r] = 13 * max(1, -(-len(value) // 120)) + 4
        elif kind == "header":
            cell.font, cell.fill, cell.border = styles.BOLD, styles.HEADER_FILL, styles.BOX
        else:
            cell.alignment, cell.border = styles.WRAP, styles.BOX
            cell.font = styles.BOLD if kind == "theme" else styles.BODY
            lines = -(-len(value) // 55) if c == 1 else value.count("\n") + 1
            heights[r] = max(heights.get(r, 0), 13 * lines + 4)
    for r, height in heights.items():
        ws.row_dimensions[r].height = height
    s = assessment.inputs.settings
    styles.print_setup(ws, footer=f"{s.report_reference}  {s.security_marking}".strip())
