"""The figures of the bulletin, declared once: the registry every face reads.

Each field of :class:`Figures` is one figure (or one step the engine takes
on the way to the figures). Its declaration, :func:`figure`, is the only place
that says

- how the engine computes it (:class:`Step`: the engine function in
  ``xl_pib.measures`` and which figures, inputs or settings feed it);
- where it is shown: its Results column, its Performance Table label, its
  Workings header, its number format;
- how many months of unbroken data it needs, and the reason printed when it
  cannot be computed;
- its formula in the live workbook, if it has one;
- for a judgement, how it explains itself (:class:`Explain`): per result, the
  sentence that says why, whose placeholders are other figures' keys
  (:mod:`xl_pib.explain` builds the Why column and the cell notes from it).

:mod:`xl_pib.engine` evaluates the steps over whole arrays (every indicator
of every partnership at once); ``assess``, the Results sheet, the section
writer, Workings, the live formulas, ``=PIB_PERFORMANCE_TABLE``, the reasons
and Appendix E read the lists at the bottom of this module. Adding a figure
means adding a field here, its engine function and its test.

Names a step reads are resolved, in order, among the figures, the engine's
inputs (:data:`INPUTS`: the Targets columns, the monthly series and the MSG
table, as :mod:`xl_pib.stack` lays them out) and the settings
(:class:`xl_pib.settings.Settings` field names).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from types import SimpleNamespace
from typing import Any, Callable

import numpy as np

from . import labels, months, options
from .formats import (BY_MEASURE, BY_MEASURE_FINE, BY_MONTHLY_UNITS, BY_MONTHLY_UNITS_FINE, DETAIL, MONTH, PERCENT,
                      SIGNED_PERCENT, WHOLE)
from .measures import breaks, expected, intervals, msg, projection, series, spc, targets, trend
# Aliased: fields below are named after the figures these modules compute (narrative, rag, rolling, trajectory).
from .measures import narrative as narrative_measure
from .measures import rag as rag_measure
from .measures import rolling as rolling_measure
from .measures import trajectory as trajectory_measure

# What a figure holds: one value per indicator, one per indicator and month (a chart series), or an
# engine step that no sheet shows.
PER_INDICATOR, MONTHLY, STEP = "per indicator", "monthly", "step"


@dataclass(frozen=True)
class Step:
    """An engine function and where each of its arguments comes from (a figure, input or setting name).

    ``fixed`` holds arguments that are the same for every call (e.g. which side of a band).
    """

    fn: Callable
    args: dict[str, str]
    fixed: dict[str, Any]

    def __init__(self, fn: Callable, fixed: dict[str, Any] | None = None, **args: str):
        object.__setattr__(self, "fn", fn)
        object.__setattr__(self, "args", args)
        object.__setattr__(self, "fixed", dict(fixed or {}))

    @property
    def reads(self) -> tuple[str, ...]:
        return tuple(self.args.values())

    @property
    def method(self) -> str:
        """The engine function, as the docs name it: ``measures.trend.trend_sufficient``."""
        return f"{self.fn.__module__.removeprefix('xl_pib.')}.{self.fn.__qualname__}"


@dataclass(frozen=True)
class Why:
    """A reason a figure shows N/A: ``when`` is a step (or the name of a figure) giving a mask of indicators;
    ``text`` may name {area}, {baseline_end}, {assessed}, {break_month}, {break_reason} and any setting
    ({minimum_events}). With ``text`` None, ``when`` gives each indicator's reason itself ("" for none), and
    ``prefix`` is put before it."""

    when: Step | str
    text: str | None
    prefix: str = ""


@dataclass(frozen=True)
class Clause:
    """A part of an explanation. ``text``'s placeholders name figures, inputs or settings, each shown as its
    cell shows it (its declared ``number_format``; a label as it reads), or another figure's explanation:
    ``{position.why}``. The clause is left out for an indicator where a figure it names is missing (blank,
    NaN or N/A) or does not exist in this build, where ``when`` is false or ``unless`` is true (a step, or the
    name of a figure or setting, giving a mask of indicators)."""

    text: str
    when: Step | str | tuple | None = None      # a tuple: all of them
    unless: Step | str | tuple | None = None    # a tuple: any of them


@dataclass(frozen=True)
class Explain:
    """How a judgement explains itself: for each of its results (or, with ``case``, each value of that step
    or figure), the clauses of its explanation in order (a plain string is a clause that always applies).

    When the figure is N/A the explanation is the engine's reasons for it and for the figures it is computed
    from (``Evaluation.reasons``); the clauses under ``labels.NA`` speak only where there are none. ``omit``
    gives the indicators whose explanation the Why column leaves out (it stays in the cell's note). A figure
    that is a number, not a label, lists its clauses under :data:`ANY` (every result but N/A); its result is
    shown in its number format."""

    ANY = "*"
    by: dict[str, tuple[Clause | str, ...]]
    case: Step | str | None = None
    omit: Step | str | None = None

    def clauses(self, result: str) -> tuple[Clause, ...]:
        return tuple(c if isinstance(c, Clause) else Clause(c) for c in self.by.get(result, ()))

    @property
    def cited(self) -> tuple[str, ...]:
        """The figures whose explanation this one includes (``{key.why}``)."""
        from .explain import cited_explanations

        return cited_explanations(self)


@dataclass(frozen=True)
class Figure:
    """One figure's declaration (see the module docstring)."""

    key: str
    compute: Step | None          # None: an input the caller supplies (Targets columns, MSG own row)
    kind: str
    column: str | None            # Results column
    label: str | None             # Performance Table row label
    workings: str | None          # Workings header
    number_format: str | None     # None: a label ("Yes", "Above Target"), coloured by the section writer
    needs: int | str | None       # months of unbroken data (a settings name for a setting's months)
    needed_when: Step | None      # indicators for which ``needs`` applies (default: all)
    reason: str | None            # the figure's name in reasons ("Trend sufficient needs 24 months")
    why_missing: tuple[Why, ...]
    advice: tuple[Why, ...]       # warnings that are not reasons for N/A (a sustained shift suggests a rebase)
    live: str | None              # live-workbook array formula over all indicators (see bulletin.live)
    live_cell: str | None         # live-workbook formula per indicator cell
    significance: str | None      # the figure saying whether this change is significant ("Yes"/"No")
    doc: str                      # what the figure means, for the docs and Appendix E
    explain: Explain | None = None  # a judgement's explanation (xl_pib.explain)

    def months_needed(self, settings) -> int | None:
        return getattr(settings, self.needs) if isinstance(self.needs, str) else self.needs


def figure(*, compute: Step | None = None, kind: str = PER_INDICATOR, column: str | None = None,
           label: str | None = None, workings: str | None = None, number_format: str | None = None,
           needs: int | str | None = None, needed_when: Step | None = None, reason: str | None = None,
           why_missing: tuple[Why, ...] = (), advice: tuple[Why, ...] = (), live: str | None = None,
           live_cell: str | None = None, significance: str | None = None, doc: str = "",
           explain: Explain | None = None):
    """A :class:`Figures` field carrying its :class:`Figure` declaration."""
    spec = dict(compute=compute, kind=kind, column=column, label=label, workings=workings,
                number_format=number_format, needs=needs, needed_when=needed_when, reason=reason or column,
                why_missing=why_missing, advice=advice, live=live, live_cell=live_cell, significance=significance,
                doc=doc, explain=explain)
    return field(default=None, metadata={"figure": spec})


# The inputs the engine reads besides the figures: name -> (the Targets column it comes from, if one; what it is).
INPUTS: dict[str, tuple[str | None, str]] = {
    "values": (None, "monthly values (series × months), NaN where there is no data"),
    "denominators": (None, "monthly denominators of percentage measures (series × months), or None"),
    "first_month": (None, "the calendar month of the first column"),
    "baseline_end": ("baseline_end", "Baseline end (month index)"),
    "given_baseline": ("baseline", "Baseline, where typed"),
    "target_amount": ("target_amount", "Target amount"),
    "published_target": ("target_value", "Target value, where typed"),
    "target_date": ("target_date", "Target date (month index)"),
    "current_override": ("current_override", "Current override"),
    "given_current_denominator": ("current_denominator", "Current denominator, where typed"),
    "given_baseline_denominator": ("baseline_denominator", "Baseline denominator, where typed"),
    "group_counts": (None, "MSG: counts of the group's areas (series × areas), NaN padded"),
    "group_populations": (None, "MSG: populations of the same areas"),
    "own_area": (None, "the MSG area that is the indicator's own (Area, else the partnership)"),
    "rebase": (None, "Breaks: 1 at the month of every Breaks row (series × months), or None without any"),
    "recording_breaks": (None, "Breaks: 1 at the month of a break in recording (Rebase all), or None"),
    "break_reasons": (None, "Breaks: each break's Reason by (series row, month column)"),
}

_HAS_TARGET = Step(targets.has_target, target_type="target_type")
_OVERLAP_REASON = ("Significance of the change from baseline needs baseline and current 12-month windows that do "
                   "not overlap (they share months)")
_NO_OVERRIDE = Step(rolling_measure.not_given, given="current_override")

# --- pieces the explanations share (see Explain) ----------------------------------------------------------
# Where the trajectory stands at the month assessed, after "358 is above the upper limit of 296.4".
_ON_THE_TRAJECTORY = (Clause(" (trajectory {trajectory_at} at month {months_elapsed} of {months_total})",
                             unless="target_reached"),
                      Clause(" (the target itself: the data reach the target date)", when="target_reached"))
_WHOLE_INTERVAL = Clause(", as is its whole {confidence} interval ({current_low} to {current_high})", when="noise_aware")
_INTERVAL_REACHES = ", within noise: its {confidence} interval ({current_low} to {current_high}) reaches the limit"
_NO_TARGET = Clause("no target is set (a monitoring indicator)", unless="has_target")
_PROJECTED = (Clause(": {trend_projection} in the 12 months to the target date against {target} (a straight line "
                     "through the last {trend_window} months)", unless=("target_reached", "noise_aware")),
              Clause(": {projected} projected for the 12 months to the target date against {target} "
                     "(P = {target_probability})", when="noise_aware", unless="target_reached"),
              Clause(": {trend_projection} in the last 12 months against {target}", when="target_reached"))
_EXPECTED = " expected from the 12 months before"
# The noise-aware past month is the SPC chart's last month: a special cause by a Making Data Count rule, or not.
_SPC_SPECIAL = Clause("{past_month_value} in {assessed_month} is a special cause on the SPC chart: {past_month_rule}",
                      when="noise_aware")
_SPC_COMMON = Clause("{past_month_value} in {assessed_month} is common cause variation on the SPC chart (no Making "
                     "Data Count rule applies)", when="noise_aware")


def _msg_limits(where: str) -> tuple[Clause, ...]:
    """", beyond the 95% Poisson limits", or the noise-aware funnel's, after the count against the expected."""
    return (Clause(f", {where} the {{confidence}} Poisson limits", unless="noise_aware"),
            Clause(f", {where} the {{confidence}} limits of the overdispersed funnel (between-area variance "
                   "{msg_tau2})", when="noise_aware"))

_NO_MSG = Clause("the MSG sheet has no most similar group for this indicator", when="no_msg_group")


@dataclass(frozen=True)
class Figures:
    """Every figure of every indicator: one array per figure (see :func:`figure`).

    Fields are in the order the sheets list them: Workings' columns, Results'
    columns and the Performance Table's rows each follow this order.
    """

    # --- the indicator, as the Targets sheet gives it -----------------------------------------
    indicator: np.ndarray = figure(column="Indicator", workings="Indicator", live='{t.indicator}&""')
    name: np.ndarray = figure(column="Name")
    section: np.ndarray = figure(column="Section")
    measure: np.ndarray = figure(workings="Measure", live="LOWER(TRIM({t.measure}))")
    direction: np.ndarray = figure(workings="Direction",
                                   live='IF(TRIM({t.direction})="","{d.direction}",LOWER(TRIM({t.direction})))')
    target_type: np.ndarray = figure(
        workings="Target type", live='IF(TRIM({t.target_type})="","{d.target_type}",LOWER(TRIM({t.target_type})))')
    population: np.ndarray = figure(workings="Population", number_format="#,##0",
                                    live='IF({t.population}="","N/A",{t.population})')
    rate_per: np.ndarray = figure(workings="Rate per", number_format="#,##0", live="{per}")
    design_effect: np.ndarray = figure(workings="Design effect", number_format="0.0#",
                                       live='IF({t.design_effect}="",{d.design_effect},{t.design_effect})',
                                       doc="A survey's design effect: its intervals use the effective sample size "
                                           "n / design effect.")

    # --- where each series stands -------------------------------------------------------------
    last_index: np.ndarray = figure(kind=STEP, compute=Step(series.last_valid_index, values="values"))
    aligned: np.ndarray = figure(kind=STEP, compute=Step(series.aligned_to, values="values",
                                                        last_index="last_index"))
    aligned_denominators: np.ndarray = figure(kind=STEP, compute=Step(series.aligned_to, values="denominators",
                                                                     last_index="last_index"))
    monthly: np.ndarray = figure(kind=STEP, compute=Step(series.monthly_values, aligned="aligned",
                                                        aligned_denominators="aligned_denominators",
                                                        measure="measure"))
    monthly_kind: np.ndarray = figure(kind=STEP, compute=Step(series.monthly_kind, measure="measure"))
    months_available: np.ndarray = figure(compute=Step(series.run_length, values="aligned"),
                                          doc="Months of unbroken data ending at the month assessed.")
    assessed_month: np.ndarray = figure(
        compute=Step(series.month_at, first_month="first_month", index="last_index"),
        workings="Assessed month", number_format=MONTH, live="TRANSPOSE(PIB_LAST_MONTH({axis},{values}))",
        doc="The indicator's own last month with data, at or before the Latest month.")
    months_elapsed: np.ndarray = figure(
        compute=Step(months.between, start="baseline_end", end="assessed_month"),
        workings="Months since baseline end (m)", number_format=WHOLE,
        live="PIB_MONTHS_BETWEEN({t.baseline_end},{w.assessed_month})",
        doc="m: months from the end of the baseline period to the month assessed.")
    months_total: np.ndarray = figure(
        compute=Step(months.between, start="baseline_end", end="target_date"),
        workings="Months in target period (N)", number_format=WHOLE,
        live="PIB_MONTHS_BETWEEN({t.baseline_end},{t.target_date})",
        doc="N: months from the end of the baseline period to the target date.")
    months_to_target: np.ndarray = figure(
        compute=Step(months.between, start="assessed_month", end="target_date"),
        workings="Months to target", number_format=WHOLE,
        live="PIB_MONTHS_BETWEEN({w.assessed_month},{t.target_date})",
        doc="Months from the month assessed to the target date.")

    # --- baseline, target and current position ------------------------------------------------
    rolling: np.ndarray = figure(
        kind=MONTHLY, compute=Step(rolling_measure.rolling_value, values="values", measure="measure",
                                   denominators="denominators", population="population", per="rate_per"),
        doc="The rolling 12-month figure of every month: a count, a rate or a pooled percentage.")
    baseline_index: np.ndarray = figure(kind=STEP, compute=Step(rolling_measure.baseline_index, first_month="first_month",
                                                               baseline_end="baseline_end"))
    baseline: np.ndarray = figure(
        compute=Step(rolling_measure.baseline_position, rolled="rolling", baseline_index="baseline_index",
                     given="given_baseline"),
        column="Baseline", workings="Baseline", number_format=BY_MEASURE,
        live='IF({t.baseline}<>"",{t.baseline},TRANSPOSE(PIB_ROLLING_AT({axis},{values},{t.baseline_end},'
             '{w.measure},{denominators},{t.population},{per})))',
        why_missing=(Why(Step(rolling_measure.missing_baseline, baseline="baseline", baseline_end="baseline_end"),
                         "Baseline needs 12 months of data to {baseline_end}"),),
        doc="The rolling 12-month figure at the end of the baseline period, unless typed on the Targets sheet.")
    target: np.ndarray = figure(
        compute=Step(targets.target, baseline="baseline", target_type="target_type",
                     target_amount="target_amount", published="published_target", measure="measure"),
        column="Target", workings="Target", number_format=BY_MEASURE,
        live='IF((TRIM({t.target_type})="")+(LOWER(TRIM({t.target_type}))="none"),"N/A",'
             'IF({t.target_value}<>"",{t.target_value},'
             'PIB_TARGET({w.baseline},{t.target_type},{t.target_amount},{w.measure})))',
        doc="The published Target value, or the baseline less the reduction (plus the increase), the level, "
            "or the baseline for a maintenance target; counts are held to whole crimes.")
    target_note: np.ndarray = figure(workings="Target note", live='{t.target_note}&""',
                                     doc="Why the published Target value or typed Baseline differs from the computed "
                                         "one, as the analyst wrote it; it silences those checks for the row.")
    current: np.ndarray = figure(
        compute=Step(rolling_measure.current_position, rolled="rolling", last_index="last_index",
                     override="current_override"),
        column="Current", workings="Current", number_format=BY_MEASURE, needs=12, needed_when=_NO_OVERRIDE,
        reason="Current position",
        live='IF({t.current_override}<>"",{t.current_override},'
             'TRANSPOSE(PIB_CURRENT({values},{w.measure},{denominators},{t.population},{per})))',
        doc="The rolling 12-month figure at the month assessed, unless a Current override is typed.")
    current_count: np.ndarray = figure(
        compute=Step(intervals.events, figure="current", measure="measure", population="population", per="rate_per",
                     denominator="current_denominator"),
        workings="Current events", number_format="#,##0.##",
        live='IF({w.measure}="rate",{w.current}*{w.population}/{w.rate_per},'
             'IF({w.measure}="percentage",{w.current}*{w.current_denominator},{w.current}))',
        doc="The events behind the current figure: the count itself, a rate's count, a percentage's numerator.")
    current_interval: tuple = figure(kind=STEP, compute=Step(
        intervals.figure_interval, count="current_count", measure="measure", population="population", per="rate_per",
        denominator="current_denominator", design_effect="design_effect", conf="confidence"))
    current_low: np.ndarray = figure(compute=Step(intervals.lower, interval="current_interval"),
                                     column="Current low", number_format=BY_MEASURE,
                                     doc="The lower end of the current figure's confidence interval.")
    current_high: np.ndarray = figure(compute=Step(intervals.upper, interval="current_interval"),
                                      column="Current high", number_format=BY_MEASURE,
                                      doc="The upper end of the current figure's confidence interval.")
    baseline_count: np.ndarray = figure(
        kind=STEP, compute=Step(intervals.events, figure="baseline", measure="measure", population="population",
                                per="rate_per", denominator="baseline_denominator"))
    across_baseline_break: np.ndarray = figure(kind=STEP, compute=Step(breaks.across_baseline, last_break="last_break",
                                                                      baseline_index="baseline_index"))
    change_from_baseline: np.ndarray = figure(
        compute=Step(rolling_measure.change_from_baseline, current="current", baseline="baseline", measure="measure",
                     across_break="across_baseline_break"),
        column="Change from baseline", workings="Change from baseline", number_format=SIGNED_PERCENT,
        significance="change_from_baseline_significant",
        why_missing=(Why(Step(rolling_measure.zero_baseline, baseline="baseline", measure="measure"),
                         "Change from baseline needs a baseline above 0"),
                     Why("across_baseline_break", "Change from baseline: the series breaks in {break_month} "
                                                  "({break_reason}), so the baseline and the current 12 months are "
                                                  "not like for like")),
        live="PIB_CHANGE_FROM_BASELINE({w.current},{w.baseline},{w.measure},{w.break_month},{t.baseline_end})",
        doc="current / baseline − 1; for percentages, current − baseline in percentage points.")
    target_index: np.ndarray = figure(kind=STEP, compute=Step(rolling_measure.baseline_index, first_month="first_month",
                                                             baseline_end="target_date"))
    at_target_date: np.ndarray = figure(
        compute=Step(rolling_measure.at_target_date, rolled="rolling", target_index="target_index", current="current",
                     months_to_target="months_to_target"),
        doc="Once the data reach the target date: the rolling 12-month figure at that date, which the narrative "
            "says met or missed the target.")
    trend_target: np.ndarray = figure(
        compute=Step(trend.trend_target, target="target", measure="measure", population="population",
                     per="rate_per"),
        workings="Trend target", number_format=DETAIL,
        live='IF(ISNUMBER({w.target}),IF({w.measure}="rate",{w.target}*{t.population}/{per},{w.target}),"N/A")',
        doc="The target the trend is judged against: a rate's target as a count, target · population / per.")

    # --- most similar group -------------------------------------------------------------------
    msg_count: np.ndarray = figure(workings="MSG own count", number_format="#,##0",
                                   live_cell='=IF(COUNTIFS({own})=0,"N/A",SUMIFS({count},{own}))')
    msg_population: np.ndarray = figure(workings="MSG own population", number_format="#,##0",
                                        live_cell='=IF(COUNTIFS({own})=0,"N/A",SUMIFS({population},{own}))')
    msg_group_count: np.ndarray = figure(compute=Step(msg.group_total, group="group_counts"),
                                         workings="MSG group count", number_format="#,##0",
                                         live_cell='=IF(COUNTIFS({group})=0,"N/A",SUMIFS({count},{group}))')
    msg_group_population: np.ndarray = figure(compute=Step(msg.group_total, group="group_populations"),
                                              workings="MSG group population", number_format="#,##0",
                                              live_cell='=IF(COUNTIFS({group})=0,"N/A",'
                                                        'SUMIFS({population},{group}))')
    msg_tau2: np.ndarray = figure(
        compute=Step(msg.between_area_variance, group_counts="group_counts", group_populations="group_populations"),
        workings="MSG between-area variance", number_format="0.000000",
        live="PIB_MSG_TAU2({msg.count},{msg.population},{msg.indicator},{t.indicator})",
        live_cell=f'="{labels.NA}"',  # the workbook has no MSG sheet
        doc="τ², the spread of the group's areas beyond Poisson noise (Spiegelhalter 2005), which widens the "
            "noise-aware MSG funnel.")

    # --- surveys ------------------------------------------------------------------------------
    rolling_denominators: np.ndarray = figure(kind=STEP, compute=Step(rolling_measure.rolling_denominators,
                                                                     denominators="denominators",
                                                                     measure="measure"))
    current_denominator: np.ndarray = figure(
        compute=Step(rolling_measure.denominator_at, rolled_denominators="rolling_denominators", index="last_index",
                     given="given_current_denominator", measure="measure"),
        workings="Current denominator", number_format="#,##0",
        live='IF({w.measure}<>"percentage","N/A",IF({t.current_denominator}<>"",{t.current_denominator},'
             'TRANSPOSE(PIB_CURRENT({denominators}))))',
        doc="A percentage's pooled denominator over the current 12 months (the sample size).")
    baseline_denominator: np.ndarray = figure(
        compute=Step(rolling_measure.denominator_at, rolled_denominators="rolling_denominators", index="baseline_index",
                     given="given_baseline_denominator", measure="measure"),
        workings="Baseline denominator", number_format="#,##0",
        live='IF({w.measure}<>"percentage","N/A",IF({t.baseline_denominator}<>"",{t.baseline_denominator},'
             'TRANSPOSE(PIB_ROLLING_AT({axis},{denominators},{t.baseline_end}))))',
        doc="A percentage's pooled denominator over the baseline 12 months.")
    windows_overlap: np.ndarray = figure(kind=STEP, compute=Step(
        intervals.windows_overlap, months_elapsed="months_elapsed", current_override="current_override",
        judgements="judgements"))
    change_from_baseline_interval: tuple = figure(kind=STEP, compute=Step(
        intervals.change_interval, current_count="current_count", baseline_count="baseline_count", current="current",
        baseline="baseline", current_denominator="current_denominator", baseline_denominator="baseline_denominator",
        design_effect="design_effect", measure="measure", windows_overlap="windows_overlap", conf="confidence",
        across_break="across_baseline_break"))
    change_from_baseline_low: np.ndarray = figure(
        compute=Step(intervals.lower, interval="change_from_baseline_interval"), column="Change from baseline low",
        number_format=SIGNED_PERCENT,
        doc="The lower end of the change's confidence interval: the exact interval of the ratio of the two "
            "12-month counts (Clopper–Pearson on a/(a + b)), less 1; for percentages Newcombe's interval in points.")
    change_from_baseline_high: np.ndarray = figure(
        compute=Step(intervals.upper, interval="change_from_baseline_interval"), column="Change from baseline high",
        number_format=SIGNED_PERCENT, doc="The upper end of the change's confidence interval.")
    change_from_baseline_significant: np.ndarray = figure(
        compute=Step(intervals.significance, interval="change_from_baseline_interval"),
        column="Change from baseline significant",
        why_missing=(Why("windows_overlap", _OVERLAP_REASON),),
        doc="Yes when the change's confidence interval excludes no change.")
    significant_change: np.ndarray = figure(
        compute=Step(intervals.survey_change, change_interval="change_from_baseline_interval", measure="measure"),
        workings="Significant change",
        live='IF({w.measure}<>"percentage","N/A",IF(({s.judgements}="{noise_aware}")*({w.months_elapsed}<12)*'
             '({t.current_override}=""),"N/A",PIB_SIG_CHANGE({w.current}*{w.current_denominator}/{w.design_effect},'
             '{w.current_denominator}/{w.design_effect},{w.baseline}*{w.baseline_denominator}/{w.design_effect},'
             '{w.baseline_denominator}/{w.design_effect},{s.confidence})))',
        doc="A survey measure's change from baseline is significant: Newcombe's interval for the change in its "
            "percentage excludes zero.")

    # --- the Performance Table ----------------------------------------------------------------
    reduction_required: np.ndarray = figure(
        compute=Step(targets.reduction_required, current="current", target="target", measure="measure",
                     direction="direction"),
        column="Reduction required", label="Reduction required from current position to meet target",
        number_format=PERCENT,
        doc="the reduction needed from the current rolling twelve-month figure, as a share of it (for percentages, "
            "in percentage points). 'N/A' when the target is already met.")
    classic_trend: np.ndarray = figure(kind=STEP, compute=Step(
        trend.trend_sufficient, values="monthly_since_break", target="trend_target",
        months_to_target="months_to_target", measure="monthly_kind", direction="direction", window="trend_window"))
    projection_fit: Any = figure(kind=STEP, compute=Step(
        projection.fit_for, judgements="judgements", values="trend_values", first_month="first_month",
        window="trend_window", seasonal="seasonal", denominators="denominators", measure="monthly_kind"))
    projection_at_target: Any = figure(kind=STEP, compute=Step(projection.project_for, f="projection_fit",
                                                               months_to_target="months_to_target"))
    projected: np.ndarray = figure(
        compute=Step(projection.projected_figure, projection="projection_at_target", measure="measure",
                     population="population", per="rate_per"),
        column="Projected", number_format=BY_MEASURE,
        doc="Noise-aware: the 12-month figure the trend model projects at the target date (observed months where "
            "the target period has data, fitted months beyond).")
    projected_low: np.ndarray = figure(
        compute=Step(projection.projected_figure, {"level": projection.LEVELS[0], "side": "low"},
                     projection="projection_at_target", measure="measure", population="population", per="rate_per"),
        column="Projected low", number_format=BY_MEASURE,
        doc="The lower end of the projection's 80% range.")
    projected_high: np.ndarray = figure(
        compute=Step(projection.projected_figure, {"level": projection.LEVELS[0], "side": "high"},
                     projection="projection_at_target", measure="measure", population="population", per="rate_per"),
        column="Projected high", number_format=BY_MEASURE,
        doc="The upper end of the projection's 80% range.")
    target_probability: np.ndarray = figure(
        compute=Step(projection.probability_for, projection="projection_at_target", target="trend_target",
                     direction="direction"),
        column="P(target met)", number_format="0%",
        doc="Noise-aware: the probability that the projected 12 months meet the target (normal approximation).")
    trend_sufficient: np.ndarray = figure(
        compute=Step(trend.judged_trend_sufficient, classic="classic_trend", probability="target_probability",
                     judgements="judgements"),
        column="Trend sufficient", label="Long-term trend sufficient to meet target", needs="trend_window",
        needed_when=_HAS_TARGET,
        why_missing=(Why(Step(breaks.too_recent, last_break="last_break", last_index="last_index",
                              months="trend_window"),
                         "Trend sufficient needs {trend_window} months from the series' break in {break_month}"),
                     Why(Step(projection.other_reasons, f="projection_fit", like="months_available"), None,
                         "Trend sufficient: ")),
        explain=Explain({labels.YES: (Clause("the last 12 months meet the target", when="target_reached"),
                                      Clause("the trend is projected to meet the target", unless="target_reached"),
                                      *_PROJECTED),
                         labels.NO: (Clause("the last 12 months miss the target", when="target_reached"),
                                     Clause("the trend is not projected to meet the target", unless="target_reached"),
                                     *_PROJECTED),
                         labels.TOO_CLOSE: ("the trend model cannot tell whether the target will be met",
                                            *_PROJECTED),
                         labels.NA: (_NO_TARGET,)}),
        doc="{trend_method}")
    classic_past_month: np.ndarray = figure(kind=STEP, compute=Step(
        expected.past_month, monthly="monthly_since_break", method="expected_method", measure="measure"))
    spc_input: np.ndarray = figure(kind=STEP, compute=Step(
        projection.seasonally_adjusted_counts, f="projection_fit", values="values", first_month="first_month",
        measure="measure"))
    seasonally_adjusted: np.ndarray = figure(
        compute=Step(projection.adjusted_for_season, f="projection_fit", measure="measure"),
        doc="Noise-aware: the SPC chart shows the counts divided by their fitted month-of-year factors.")
    spc_aligned: np.ndarray = figure(kind=STEP, compute=Step(series.aligned_to, values="spc_input",
                                                            last_index="last_index"))
    rebase_aligned: np.ndarray = figure(kind=STEP, compute=Step(series.aligned_to, values="rebase",
                                                               last_index="last_index"))
    spc_chart: Any = figure(kind=STEP, compute=Step(
        spc.chart_for, judgements="judgements", values="spc_aligned", baseline_points="spc_baseline",
        rebase="rebase_aligned", denominators="aligned_denominators", measure="measure"))
    past_month: np.ndarray = figure(
        compute=Step(spc.judged_past_month, classic="classic_past_month", spc_chart="spc_chart"),
        column="Past month", label="Performance over the past month", needs=expected.BASE + 1,
        why_missing=(Why(Step(expected.short_after_break, months_since_break="months_since_break",
                              judgements="judgements"),
                         "Past month needs 13 months from the series' break in {break_month}"),
                     Why(Step(spc.short_period, spc_chart="spc_chart", months_available="months_available"),
                         f"Past month needs {spc.MIN_POINTS} months in the SPC chart's current period (since its "
                         f"last Breaks row)")),
        explain=Explain({
            labels.ABOVE_EXPECTED: (Clause("{past_month_value} in {assessed_month} is above the upper limit of "
                                           "{expected_upper}" + _EXPECTED, unless="noise_aware"), _SPC_SPECIAL),
            labels.IN_LINE: (Clause("{past_month_value} in {assessed_month} is within the {expected_lower} to "
                                    "{expected_upper}" + _EXPECTED, unless="noise_aware"), _SPC_COMMON),
            labels.BELOW_EXPECTED: (Clause("{past_month_value} in {assessed_month} is below the lower limit of "
                                           "{expected_lower}" + _EXPECTED, unless="noise_aware"), _SPC_SPECIAL)}),
        doc="{past_month_method}")
    past_month_rule: np.ndarray = figure(
        compute=Step(spc.rule_words, spc_chart="spc_chart", count="months_available"), column="Past month rule",
        doc="Noise-aware: the Making Data Count rule that made the past month a special cause, in words (\"7th "
            "month in a row above the average\"); blank when the month is common cause.")
    suggested_rebase: np.ndarray = figure(
        compute=Step(spc.suggested_rebase_month, spc_chart="spc_chart", first_month="first_month",
                     last_index="last_index"),
        column="Suggested rebase", number_format=MONTH,
        advice=(Why(Step(series.has_month, month="suggested_rebase"),
                    "the SPC chart suggests a new period from {suggested_rebase}: every month since lies on one "
                    "side of the average; if the process has changed, add a Breaks row for that month (Rebase "
                    "chart) to start new limits"),),
        doc="Noise-aware: the first month of a run of 7 or more months on one side of the SPC chart's average "
            "that lasts to the latest month. xl-pib never rebases by itself: it warns, and an analyst who agrees "
            "adds a Breaks row.")
    across_comparative_break: np.ndarray = figure(kind=STEP, compute=Step(
        breaks.across_comparative, last_break="last_break", last_index="last_index"))
    comparative_12m: np.ndarray = figure(
        compute=Step(rolling_measure.comparative_12m_of, aligned="aligned", aligned_denominators="aligned_denominators",
                     measure="measure", across_break="across_comparative_break"),
        why_missing=(Why("across_comparative_break", "Comparative 12 months: the series breaks in {break_month} "
                                                     "({break_reason}), so the two 12 months are not like for like"),),
        # Its note says what it compares; the Why column speaks of it only when it is N/A (a break, short data).
        explain=Explain({Explain.ANY: ("the 12 months to {assessed_month} against the 12 months before",
                                       Clause(" ({confidence} interval {comparative_12m_low} to "
                                              "{comparative_12m_high})", when="noise_aware"))},
                        omit=Step(series.has_month, month="comparative_12m")),
        column="Comparative 12 months",
        label="Comparative performance over the past 12 months ending in current month",
        number_format=SIGNED_PERCENT, needs=2 * rolling_measure.WINDOW, significance="comparative_12m_significant",
        doc="the latest twelve months against the twelve before.")
    comparative_12m_interval: tuple = figure(kind=STEP, compute=Step(
        intervals.comparative_interval, aligned="aligned", aligned_denominators="aligned_denominators",
        measure="measure", design_effect="design_effect", conf="confidence", across_break="across_comparative_break"))
    comparative_12m_low: np.ndarray = figure(
        compute=Step(intervals.lower, interval="comparative_12m_interval"), column="Comparative 12 months low",
        number_format=SIGNED_PERCENT,
        doc="The lower end of the comparison's confidence interval: the exact interval of the ratio of the two "
            "12-month counts, less 1; for percentages Newcombe's interval relative to the previous 12 months.")
    comparative_12m_high: np.ndarray = figure(
        compute=Step(intervals.upper, interval="comparative_12m_interval"), column="Comparative 12 months high",
        number_format=SIGNED_PERCENT, doc="The upper end of the comparison's confidence interval.")
    comparative_12m_significant: np.ndarray = figure(
        compute=Step(intervals.significance, interval="comparative_12m_interval"),
        column="Comparative 12 months significant", doc="Yes when the comparison's interval excludes no change.")
    msg_distance: np.ndarray = figure(
        compute=Step(msg.distance, count="msg_count", population="msg_population", group_count="msg_group_count",
                     group_population="msg_group_population"),
        column="MSG distance", label="Distance away from MS group average", number_format=SIGNED_PERCENT,
        why_missing=(Why(Step(msg.missing_own_row, count="msg_count", group_count="msg_group_count"),
                         "MSG distance needs the MSG sheet to have a row for its own area '{area}'"),),
        doc="how far the partnership's rate is from the pooled rate of its most similar group (the group includes "
            "the partnership).")
    msg_side: np.ndarray = figure(
        compute=Step(msg.side, distance="msg_distance"), column="MSG side", label="Side of MS group average",
        explain=Explain({side: ("{msg_count} against {msg_expected} expected at the group's average rate "
                                "({msg_distance})",) for side in (msg.ABOVE_AVERAGE, msg.BELOW_AVERAGE)} |
                        {labels.NA: (_NO_MSG, Clause("{msg_count} against {msg_expected} expected at the group's "
                                                     "average rate", unless="no_msg_group"))}),
        doc="whether the partnership's rate is above or below its most similar group's (the seed bulletin's "
            "'Above MSG average' or 'Below MSG average'), whatever its significance.")
    msg_position: np.ndarray = figure(
        compute=Step(msg.judged_position, count="msg_count", population="msg_population", group_count="msg_group_count",
                     group_population="msg_group_population", tau2="msg_tau2", conf="confidence",
                     judgements="judgements"),
        column="MSG position", label="Position against MS group average",
        explain=Explain({labels.SIG_ABOVE: ("{msg_side.why}", *_msg_limits("beyond")),
                         labels.SIG_BELOW: ("{msg_side.why}", *_msg_limits("beyond")),
                         labels.IN_LINE: ("{msg_side.why}", *_msg_limits("within")),
                         labels.NA: (_NO_MSG,)}, omit="no_msg_group"),
        doc="'Significantly Above' (red) or 'Significantly Below' (dark green) {msg_rule}; otherwise 'In Line'.")
    position: np.ndarray = figure(
        compute=Step(trajectory_measure.judged_position, value="current", low="current_low", high="current_high",
                     baseline="baseline", target="target", months_elapsed="months_elapsed",
                     months_total="months_total", band="band_fraction", judgements="judgements"),
        column="Position", label="Position against the target trajectory",
        explain=Explain({
            trajectory_measure.CASE_ABOVE: ("{current} is above the upper limit of {upper_limit}", *_ON_THE_TRAJECTORY,
                                            _WHOLE_INTERVAL),
            trajectory_measure.CASE_BELOW: ("{current} is below the lower limit of {lower_limit}", *_ON_THE_TRAJECTORY,
                                            _WHOLE_INTERVAL),
            trajectory_measure.CASE_WITHIN: ("{current} is within the limits of {lower_limit} to {upper_limit}",
                                             *_ON_THE_TRAJECTORY),
            trajectory_measure.CASE_ABOVE_WITHIN_NOISE: ("{current} is above the upper limit of {upper_limit}",
                                                         *_ON_THE_TRAJECTORY, _INTERVAL_REACHES),
            trajectory_measure.CASE_BELOW_WITHIN_NOISE: ("{current} is below the lower limit of {lower_limit}",
                                                         *_ON_THE_TRAJECTORY, _INTERVAL_REACHES),
            labels.NA: (_NO_TARGET,)}, case="position_case"),
        doc="'Above Target' when {position_rule} above the upper limit, 'Below Target' when it is below the lower "
            "limit, and 'On Target' otherwise (see Appendix D).")
    small_numbers: np.ndarray = figure(
        kind=STEP, compute=Step(rag_measure.too_few_events, events="current_count", minimum_events="minimum_events",
                                judgements="judgements"))
    rag: np.ndarray = figure(
        compute=Step(rag_measure.judged_rag, position="position", trend_sufficient="trend_sufficient",
                     direction="direction", small_numbers="small_numbers"),
        column="RAG", label="RAG rating",
        explain=Explain({labels.GREEN: ("{position.why}", ", and {trend_sufficient.why}"),
                         labels.RED: ("{position.why}", ", and {trend_sufficient.why}"),
                         labels.AMBER: ("{position.why}", ", but {trend_sufficient.why}"),
                         labels.NA: (_NO_TARGET,)}),
        why_missing=(Why("small_numbers", "RAG: fewer than {minimum_events} events in the 12 months to {assessed}: "
                                          "too few to judge (small numbers)"),),
        doc="green when the position is not above target and the trend is sufficient, red when it is above target "
            "and the trend is not sufficient, amber otherwise{small_numbers_rule}. An outcome takes the "
            "{outcome_rule_words} rating of its indicators unless the analyst has set an override.")

    # --- what the explanations cite (xl_pib.explain) -------------------------------------------------------
    has_target: np.ndarray = figure(kind=STEP, compute=_HAS_TARGET)
    target_reached: np.ndarray = figure(kind=STEP, compute=Step(targets.date_reached,
                                                               months_to_target="months_to_target"))
    noise_aware: bool = figure(kind=STEP, compute=Step(options.noise_aware, judgements="judgements"))
    position_limits: tuple = figure(kind=STEP, compute=Step(
        trajectory_measure.limits, baseline="baseline", target="target", months_elapsed="months_elapsed",
        months_total="months_total", band="band_fraction"))
    trajectory_at: np.ndarray = figure(
        compute=Step(trajectory_measure.trajectory, baseline="baseline", target="target",
                     months_elapsed="months_elapsed", months_total="months_total"), number_format=BY_MEASURE_FINE,
        doc="The target trajectory at the month assessed.")
    lower_limit: np.ndarray = figure(
        compute=Step(trajectory_measure.lower_limit, limits_by_month="position_limits"), number_format=BY_MEASURE_FINE,
        doc="The trajectory's lower limit at the month assessed: below it the position is Below Target.")
    upper_limit: np.ndarray = figure(
        compute=Step(trajectory_measure.upper_limit, limits_by_month="position_limits"), number_format=BY_MEASURE_FINE,
        doc="The trajectory's upper limit at the month assessed: above it the position is Above Target.")
    position_case: np.ndarray = figure(kind=STEP, compute=Step(
        trajectory_measure.position_case, value="current", low="current_low", high="current_high", lower="lower_limit",
        upper="upper_limit", judgements="judgements"))
    trend_projection: np.ndarray = figure(
        compute=Step(trend.projection, values="monthly_since_break", months_to_target="months_to_target", measure="measure",
                     window="trend_window", population="population", per="rate_per", kind="monthly_kind"),
        number_format=BY_MEASURE_FINE,
        doc="The final 12 months of the trend's projected path, which Trend sufficient compares with the target.")
    past_month_value: np.ndarray = figure(compute=Step(series.last_value, values="monthly"),
                                          number_format=BY_MONTHLY_UNITS,
                                          doc="The month assessed's own figure (a count, or its percentage).")
    past_month_band: tuple = figure(kind=STEP, compute=Step(expected.expected_band, values="monthly_since_break",
                                                         method="expected_method"))
    expected_lower: np.ndarray = figure(compute=Step(expected.band_lower, band="past_month_band"),
                                        number_format=BY_MONTHLY_UNITS_FINE,
                                        doc="The lower end of the past month's expected range.")
    expected_upper: np.ndarray = figure(compute=Step(expected.band_upper, band="past_month_band"),
                                        number_format=BY_MONTHLY_UNITS_FINE,
                                        doc="The upper end of the past month's expected range.")
    msg_expected: np.ndarray = figure(
        compute=Step(msg.expected_count, population="msg_population", group_count="msg_group_count",
                     group_population="msg_group_population"), number_format="#,##0.0",
        doc="The count the partnership would have at its most similar group's pooled rate.")
    no_msg_group: np.ndarray = figure(kind=STEP, compute=Step(msg.no_group, group_count="msg_group_count"))

    narrative: np.ndarray = figure(
        compute=Step(narrative_measure.summary, name="name", position="position", trend_sufficient="trend_sufficient",
                     month_status="past_month", direction="direction", target_type="target_type",
                     comparative="comparative_12m", achieved="at_target_date", target="target", measure="measure",
                     per="rate_per", target_date="target_date", break_month="break_month",
                     break_reason="break_reason"),
        doc="The indicator's sentence in the Executive Summary, in the register of the seed bulletin; once its data "
            "reach the target date, whether the target was met and by how much.")

    # --- breaks in the series (the Breaks sheet) -----------------------------------------------
    breaks_listed: np.ndarray = figure(
        compute=Step(breaks.listing, every="rebase", recording="recording_breaks", first_month="first_month",
                     last_index="last_index"),
        workings="Breaks", live="{breaks}",
        doc="The indicator's Breaks rows, oldest first (\"(chart)\": a Rebase of chart only).")
    last_break: np.ndarray = figure(kind=STEP, compute=Step(breaks.last_break, breaks="recording_breaks",
                                                           last_index="last_index"))
    break_month: np.ndarray = figure(
        compute=Step(series.month_at, first_month="first_month", index="last_break"),
        column="Break month", workings="Break month", number_format=MONTH,
        live="PIB_LAST_BREAK({w.breaks_listed},{w.assessed_month})",
        doc="The latest break in recording at or before the month assessed: comparisons across it are N/A, and "
            "the trend is fitted from it.")
    break_reason: np.ndarray = figure(compute=Step(breaks.reason_at, reasons="break_reasons", last_break="last_break"),
                                      doc="The Reason typed on that break's Breaks row.")
    months_since_break: np.ndarray = figure(kind=STEP, compute=Step(breaks.months_since, last_break="last_break",
                                                                   last_index="last_index"))
    trend_values: np.ndarray = figure(kind=STEP, compute=Step(breaks.since_break, values="values",
                                                             last_break="last_break"))
    monthly_since_break: np.ndarray = figure(kind=STEP, compute=Step(breaks.since_break_aligned, aligned="monthly",
                                                                    last_break="last_break",
                                                                    last_index="last_index"))

    # --- the performance chart: every month ---------------------------------------------------
    months_count: int = figure(kind=STEP, compute=Step(series.months_count, values="values"))
    elapsed_by_month: np.ndarray = figure(kind=STEP, compute=Step(trajectory_measure.elapsed_by_month,
                                                                 first_month="first_month",
                                                                 months_count="months_count",
                                                                 baseline_end="baseline_end"))
    trajectory: np.ndarray = figure(kind=MONTHLY, compute=Step(trajectory_measure.monthly_trajectory, baseline="baseline",
                                                              target="target", elapsed="elapsed_by_month",
                                                              months_total="months_total"))
    limits_by_month: tuple = figure(kind=STEP, compute=Step(trajectory_measure.monthly_limits, baseline="baseline",
                                                           target="target", elapsed="elapsed_by_month",
                                                           months_total="months_total", band="band_fraction"))
    lower: np.ndarray = figure(kind=MONTHLY, compute=Step(trajectory_measure.lower_limit,
                                                         limits_by_month="limits_by_month"))
    upper: np.ndarray = figure(kind=MONTHLY, compute=Step(trajectory_measure.upper_limit,
                                                         limits_by_month="limits_by_month"))
    rolling_interval: tuple = figure(kind=STEP, compute=Step(
        intervals.rolling_interval, values="values", denominators="denominators", measure="measure",
        population="population", per="rate_per", design_effect="design_effect", judgements="judgements",
        conf="confidence"))
    monthly_position: np.ndarray = figure(kind=MONTHLY, compute=Step(trajectory_measure.monthly_position,
                                                                    rolled="rolling",
                                                                    limits_by_month="limits_by_month",
                                                                    elapsed="elapsed_by_month",
                                                                    rolling_interval="rolling_interval"))
    projection_path: Any = figure(kind=STEP, compute=Step(projection.path_for, f="projection_fit",
                                                          months_to_target="months_to_target",
                                                          months_count="months_count"))
    projected_path: np.ndarray = figure(kind=MONTHLY, compute=Step(
        projection.path_on_axis, path_="projection_path", last_index="last_index", current="current",
        measure="measure", population="population", per="rate_per", months_count="months_count"))
    projected_path_low: np.ndarray = figure(kind=MONTHLY, compute=Step(
        projection.path_on_axis, {"level": projection.LEVELS[0], "side": "low"}, path_="projection_path",
        last_index="last_index", current="current", measure="measure", population="population", per="rate_per",
        months_count="months_count"))
    projected_path_high: np.ndarray = figure(kind=MONTHLY, compute=Step(
        projection.path_on_axis, {"level": projection.LEVELS[0], "side": "high"}, path_="projection_path",
        last_index="last_index", current="current", measure="measure", population="population", per="rate_per",
        months_count="months_count"))
    break_markers: np.ndarray = figure(kind=MONTHLY, compute=Step(breaks.markers, every="rebase"))
    spc_values: np.ndarray = figure(kind=MONTHLY, compute=Step(spc.chart_series, {"part": "values"},
                                                              spc_chart="spc_chart", last_index="last_index"))
    spc_mean: np.ndarray = figure(kind=MONTHLY, compute=Step(spc.chart_series, {"part": "mean"},
                                                            spc_chart="spc_chart", last_index="last_index"))
    spc_lower: np.ndarray = figure(kind=MONTHLY, compute=Step(spc.chart_series, {"part": "lower"},
                                                             spc_chart="spc_chart", last_index="last_index"))
    spc_upper: np.ndarray = figure(kind=MONTHLY, compute=Step(spc.chart_series, {"part": "upper"},
                                                             spc_chart="spc_chart", last_index="last_index"))
    spc_concern: np.ndarray = figure(kind=MONTHLY, compute=Step(spc.chart_series, {"part": "concern"},
                                                               spc_chart="spc_chart", last_index="last_index",
                                                               direction="direction"))
    spc_improvement: np.ndarray = figure(kind=MONTHLY, compute=Step(spc.chart_series, {"part": "improvement"},
                                                                   spc_chart="spc_chart", last_index="last_index",
                                                                   direction="direction"))
    monthly_percentage: np.ndarray = figure(kind=MONTHLY, compute=Step(intervals.monthly_percentage,
                                                                      values="values", denominators="denominators",
                                                                      measure="measure"))
    monthly_error_above: np.ndarray = figure(kind=MONTHLY, compute=Step(intervals.monthly_error, {"side": "above"},
                                                                       values="values",
                                                                       denominators="denominators",
                                                                       measure="measure", conf="confidence"))
    monthly_error_below: np.ndarray = figure(kind=MONTHLY, compute=Step(intervals.monthly_error, {"side": "below"},
                                                                       values="values",
                                                                       denominators="denominators",
                                                                       measure="measure", conf="confidence"))

    # --- reading it -------------------------------------------------------------------------------

    def at(self, index: int) -> SimpleNamespace:
        """One indicator's figures as plain values (what a block of the bulletin prints)."""
        return SimpleNamespace(**{f.key: _plain(getattr(self, f.key)[index]) for f in REGISTRY
                                  if f.kind == PER_INDICATOR and getattr(self, f.key) is not None})

    def part(self, rows: slice, months_: slice) -> "Figures":
        """The figures of some indicators, and some months of the chart series (a bulletin cut from a batch)."""
        cut = {}
        for spec in REGISTRY:
            value = getattr(self, spec.key)
            if value is None or spec.kind == STEP:
                continue
            cut[spec.key] = value[rows, months_] if spec.kind == MONTHLY else value[rows]
        return Figures(**cut)


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


REGISTRY: tuple[Figure, ...] = tuple(Figure(key=f.name, **f.metadata["figure"]) for f in fields(Figures))
BY_KEY = {spec.key: spec for spec in REGISTRY}
SPEC = SimpleNamespace(**BY_KEY)

def workings_reads(keys) -> set[str]:
    """The Workings figures that the figures ``keys`` are computed from: their steps' reads, followed through
    every figure the Workings sheet does not show (what =PIB_PERFORMANCE_TABLE needs from a Workings row)."""
    found, seen, todo = set(), set(), list(keys)
    while todo:
        spec = BY_KEY.get(todo.pop())
        if spec is None or spec.key in seen or spec.compute is None:
            continue
        seen.add(spec.key)
        for name in spec.compute.reads:
            if name in BY_KEY and BY_KEY[name].workings:
                found.add(name)
            elif name in BY_KEY:
                todo.append(name)
    return found


RESULTS = tuple(spec for spec in REGISTRY if spec.column)
PERFORMANCE_TABLE = tuple(spec for spec in REGISTRY if spec.label)
WORKINGS = tuple(spec for spec in REGISTRY if spec.workings)
PER_INDICATOR_FIGURES = tuple(spec for spec in REGISTRY if spec.kind == PER_INDICATOR)
CHART_SERIES = tuple(spec for spec in REGISTRY if spec.kind == MONTHLY)

__all__ = ["Figures", "Figure", "Step", "Why", "REGISTRY", "BY_KEY", "SPEC", "RESULTS", "PERFORMANCE_TABLE",
           "WORKINGS", "CHART_SERIES", "INPUTS", "PER_INDICATOR", "MONTHLY", "STEP", "workings_reads"]
