"""One validation for every face (issue 12): each =PIB_ function checks its arguments with the input parser's
own rules (xl_pib.options) and answers an invalid one with a one-line message starting with its name, saying
what was wrong and what is expected — never a number, a bare N/A or inf. Valid edge cases still answer.
"""

from __future__ import annotations

import math

import pytest

import pib_udfs
from xl_pib import months, options

INF = float("inf")
S = [30 + (i * 7) % 11 for i in range(30)]                 # 30 months of whole counts
NEG = S[:-1] + [-2]
PCT = [0.2 + 0.01 * (i % 5) for i in range(30)]            # percentages as fractions: not counts
DEN = [100] * 30
MONTHS = [months.iso(months.parse("2007-06") + i) for i in range(30)]
WORKINGS = ([["Measure", "Direction", "Current", "Baseline", "Target", "Trend target", "Months since baseline end (m)",
              "Months in target period (N)", "Months to target", "MSG own count", "MSG own population",
              "MSG group count", "MSG group population", "MSG between-area variance", "Population", "Rate per",
              "Current events", "Current denominator", "Design effect", "Assessed month", "Breaks"]],
            [["count", "down", 358, 303, 290, 290, 20, 36, 16, 358, 90000, 4000, 1000000, 0.004, "N/A", 100000,
              358, "N/A", 1, MONTHS[-1], ""]])
NOISE_AWARE_TABLE = (*WORKINGS, S, None, 0.1, "xmr", 24, 0.95)  # up to the rows argument

EXPECTED_MONTH = "is not a month: write it as"

# (function, arguments, what the message must say)
INVALID = [
    # rolling 12 months, comparative, current and change from baseline: negative counts, bad denominators
    ("PIB_ROLLING12", (NEG,), f"values: expected {options.NON_NEGATIVE.what}; got -2"),
    ("PIB_ROLLING12", ([1, "many", 3],), "values: expected a number; got 'many'"),
    ("PIB_ROLLING12", ([1, INF, 3],), "values: expected a number of 0 or more; got inf"),
    ("PIB_COMPARATIVE_12M", (NEG,), "values: expected a number of 0 or more; got -2"),
    ("PIB_COMPARATIVE_12M", (S, [10] * 30), "values: expected no more than their denominators"),
    ("PIB_COMPARATIVE_12M", (S, [0] * 30), f"denominators: expected {options.POSITIVE.what}; got 0"),
    ("PIB_COMPARATIVE_12M", (S, [100] * 29), "denominators must be the same size as values"),
    ("PIB_CURRENT", (NEG,), "values: expected a number of 0 or more; got -2"),
    ("PIB_CURRENT", (S, "ratio"), "measure must be one of count, rate, percentage; got 'ratio'"),
    ("PIB_CURRENT", (S, "rate"), "population: expected a population above 0 for a rate measure; got a blank"),
    ("PIB_CURRENT", (S, "rate", None, 0), "population: expected a population above 0; got 0"),
    ("PIB_CURRENT", (S, "rate", None, -684000), "population: expected a population above 0; got -684000"),
    ("PIB_CURRENT", (S, "rate", None, 684000, 0), f"per: expected {options.PER.what}; got 0"),
    ("PIB_CURRENT", (S, "rate", None, 684000, -100), "per: expected a number above 0"),
    ("PIB_CURRENT", (S, "percentage", [0] * 30), "denominators: expected a number above 0; got 0"),
    ("PIB_CHANGE_FROM_BASELINE", (-5, 303), "current: expected a number of 0 or more; got -5"),
    ("PIB_CHANGE_FROM_BASELINE", (358, -303), "baseline: expected a number of 0 or more; got -303"),
    ("PIB_CHANGE_FROM_BASELINE", (358, 303, "ratio"), "measure must be one of count, rate, percentage"),
    # the Data sheet building blocks: months and ranges
    ("PIB_SERIES", (MONTHS[:3], ["2009-13"], ["VEH"], [5], "VEH"), EXPECTED_MONTH),
    ("PIB_SERIES", (MONTHS[:3], MONTHS[:2], ["VEH"], [5, 6], "VEH"), "the Data columns must be the same length"),
    ("PIB_SERIES", (MONTHS[:3], MONTHS[:1], ["VEH"], [5], "VEH", "latest"), EXPECTED_MONTH),
    ("PIB_LAST_MONTH", (["soon"] * 30, S), EXPECTED_MONTH),
    ("PIB_LAST_MONTH", (MONTHS[:29], S), "months (29) and values (30 per series) must match"),
    ("PIB_MONTHS_BETWEEN", ("2009-13", "2010-01"), EXPECTED_MONTH),
    ("PIB_MONTHS_BETWEEN", ("2008-03", "2500-01"), "is not a month between 1900-01 and 2199-12"),
    ("PIB_MONTHS_BETWEEN", ("March", "2010-01"), "'March' is not a month"),
    ("PIB_ROLLING_AT", (MONTHS, S, "later"), EXPECTED_MONTH),
    ("PIB_ROLLING_AT", (MONTHS, NEG, MONTHS[-1]), "values: expected a number of 0 or more; got -2"),
    ("PIB_ROLLING_AT", (MONTHS, S, MONTHS[-1], "rate"), "population: expected a population above 0 for a rate"),
    # targets: amounts of 1 or more are 100 times too big (4 meant as 4%)
    ("PIB_TARGET", (303, "reduction_pct", 4), f"amount: expected {options.SHARE.what}; got 4"),
    ("PIB_TARGET", (303, "increase_pct", 1), "amount: expected the reduction or increase as a fraction"),
    ("PIB_TARGET", (303, "reduction_pct", 11), "got 11"),
    ("PIB_TARGET", (303, "reduction_pct", -0.04), "amount: expected the reduction or increase as a fraction"),
    ("PIB_TARGET", (303, "level", -5), "amount: expected a number of 0 or more; got -5"),
    ("PIB_TARGET", (-303, "reduction_pct", 0.04), "baseline: expected a number of 0 or more; got -303"),
    ("PIB_TARGET", (303, "cut", 0.04), "target_type must be one of reduction_pct"),
    ("PIB_TARGET", (303, "reduction_pct", 0.04, "crimes"), "measure must be one of count, rate, percentage"),
    ("PIB_REDUCTION_REQUIRED", (-1, 290), "current: expected a number of 0 or more; got -1"),
    ("PIB_REDUCTION_REQUIRED", (358, -290), "target: expected a number of 0 or more; got -290"),
    ("PIB_REDUCTION_REQUIRED", (358, 290, "count", "sideways"), "direction must be one of down, up"),
    # the trajectory: infinite or absurd months, negative or over-wide bands
    ("PIB_TRAJECTORY", (303, 290, INF, 36), f"months_elapsed: expected {options.MONTHS.what}; got inf"),
    ("PIB_TRAJECTORY", (303, 290, 5000, 36), "months_elapsed: expected a whole number of months"),
    ("PIB_TRAJECTORY", (303, 290, 2.5, 36), "months_elapsed: expected a whole number of months"),
    ("PIB_TRAJECTORY", (303, 290, 20, -3), f"months_total: expected {options.MONTHS_TOTAL.what}; got -3"),
    ("PIB_TRAJECTORY", (303, 290, 20, 1e9), "months_total: expected a whole number of months from 0 to 600"),
    ("PIB_TRAJECTORY", (-303, 290, 20, 36), "baseline: expected a number of 0 or more"),
    ("PIB_LIMITS", (303, 290, 20, 36, -0.1), f"band: expected {options.BAND.what}; got -0.1"),
    ("PIB_LIMITS", (303, 290, 20, 36, 1.5), "band: expected a fraction of at least 0 and below 1"),
    ("PIB_LIMITS", (303, 290, 20, 36, 10), "band: expected a fraction of at least 0 and below 1, such as 0.1; got 10"),
    ("PIB_LIMITS", (303, 290, 20, INF), "months_total: expected a whole number of months from 0 to 600; got inf"),
    ("PIB_POSITION", (-358, 303, 290, 20, 36), "value: expected a number of 0 or more; got -358"),
    ("PIB_POSITION", (358, 303, 290, 20, 36, -0.1), "band: expected a fraction of at least 0 and below 1"),
    ("PIB_POSITION", (358, 303, 290, -700, 36), "months_elapsed: expected a whole number of months"),
    # the long-term trend
    ("PIB_TREND_SUFFICIENT", (S, 300, 6, "count", "down", 6), "window must be a whole number from 12 to 600; got 6"),
    ("PIB_TREND_SUFFICIENT", (S, 300, 6, "count", "down", 24000), "window must be a whole number from 12 to 600"),
    ("PIB_TREND_SUFFICIENT", (S, 300, 6, "count", "down", "a year"), "window must be a number such as 12"),
    ("PIB_TREND_SUFFICIENT", (S, 300, 700), "months_to_target: expected a whole number of months"),
    ("PIB_TREND_SUFFICIENT", (S, 300, INF), "months_to_target: expected a whole number of months"),
    ("PIB_TREND_SUFFICIENT", (S, -300, 6), "target: expected a number of 0 or more; got -300"),
    ("PIB_TREND_SUFFICIENT", (NEG, 300, 6), "values: expected a number of 0 or more; got -2"),
    ("PIB_TREND_SUFFICIENT", (S, 300, 6, "count", "sideways"), "direction must be one of down, up"),
    ("PIB_TREND_SUFFICIENT", (S, 300, 6, "ratio"), "measure must be one of count, rate, percentage"),
    ("PIB_TREND_SUFFICIENT", ([[a, a] for a in S], [[300, 300, 300]], 6), "target: give one value, or one per series"),
    # the past month: percentage data given to the poisson band
    ("PIB_EXPECTED_BAND", (PCT, "poisson"), f"values: expected {options.POISSON_COUNT.what}; got 0.2"),
    ("PIB_EXPECTED_BAND", ([x + 0.5 for x in S], "poisson"), "the poisson band is for counts"),
    ("PIB_EXPECTED_BAND", (S, "median"), "method must be one of xmr, poisson, trend; got 'median'"),
    ("PIB_EXPECTED_BAND", (NEG, "xmr"), "values: expected a number of 0 or more; got -2"),
    ("PIB_MONTH_STATUS", (PCT, "poisson"), "the poisson band is for counts"),
    ("PIB_MONTH_STATUS", (S, "median"), "method must be one of xmr, poisson, trend"),
    ("PIB_MONTH_STATUS", (NEG,), "values: expected a number of 0 or more"),
    # the most similar group: sizes, negatives, and the area itself among its group
    ("PIB_MSG_DISTANCE", (10, 100, [20, 30], [100, 100]), "the group must include the area itself: no area of the "
                                                          "group has count 10 and population 100"),
    ("PIB_MSG_DISTANCE", (10, 100, [10, 20], [100, 100, 100]), "group_counts and group_populations must be the same"),
    ("PIB_MSG_DISTANCE", (10, 100, [10, -20], [100, 100]), "group_counts: expected a number of 0 or more; got -20"),
    ("PIB_MSG_DISTANCE", (10, 0, [10, 20], [0, 100]), "population: expected a population above 0; got 0"),
    ("PIB_MSG_DISTANCE", (10, 100, [10, 20], [100, -100]), "group_populations: expected a population above 0"),
    ("PIB_MSG_DISTANCE", (-10, 100, [-10, 20], [100, 100]), "count: expected a number of 0 or more; got -10"),
    ("PIB_MSG_POSITION", (30, 1000, [30, 70], [1000, 4000], 1), "conf must be between 0 and 1, such as 0.95"),
    ("PIB_MSG_POSITION", (30, 1000, [30, 70], [1000, 4000], 95), "conf must be between 0 and 1, such as 0.95"),
    ("PIB_MSG_POSITION", (31, 1000, [30, 70], [1000, 4000]), "the group must include the area itself"),
    ("PIB_MSG_POSITION", (30, -1000, [30, 70], [-1000, 4000]), "population: expected a population above 0"),
    ("PIB_MSG_POSITION", (30, 1000, [30, 70], [1000, 4000], 0.95, "funnel"), "method must be one of poisson, "
                                                                           "overdispersed; got 'funnel'"),
    ("PIB_MSG_TAU2", ([10, -20], [100, 100]), "group_counts: expected a number of 0 or more; got -20"),
    ("PIB_MSG_TAU2", ([10, 20], [100, 0]), "group_populations: expected a population above 0; got 0"),
    ("PIB_MSG_TAU2", ([10, 20], [100, 100, 100]), "group_counts and group_populations must be the same size"),
    ("PIB_MSG_TAU2", ([10, 20], [100, 100], ["VEH"], "VEH"), "group_indicators must be as long as group_counts"),
    ("PIB_POSITION", (358, 303, 290, 20, 36, 0.1, 360, 390), "low: expected no more than value; got 360 out of 358"),
    ("PIB_POSITION", (358, 303, 290, 20, 36, 0.1, 320, 350), "value: expected no more than high; got 358 out of 350"),
    # confidence intervals: numerator above denominator, denominators of 0, confidence outside (0, 1)
    ("PIB_CI_PROPORTION", (11, 10), "numerator: expected no more than denominator; got 11 out of 10"),
    ("PIB_CI_PROPORTION", (5, 0), "denominator: expected a number above 0; got 0"),
    ("PIB_CI_PROPORTION", (5, -10), "denominator: expected a number above 0; got -10"),
    ("PIB_CI_PROPORTION", (-1, 10), "numerator: expected a number of 0 or more; got -1"),
    ("PIB_CI_PROPORTION", (65, 100, 1), "conf must be between 0 and 1, such as 0.95 for 95%; got 1"),
    ("PIB_CI_PROPORTION", (65, 100, 1.5), "conf must be between 0 and 1, such as 0.95 for 95%; got 1.5"),
    ("PIB_CI_PROPORTION", (65, 100, 0), "conf must be between 0 and 1"),
    ("PIB_CI_COUNT", (5, 1), "conf must be between 0 and 1, such as 0.95 for 95%; got 1"),
    ("PIB_CI_COUNT", (5, 1.5), "conf must be between 0 and 1"),
    ("PIB_CI_COUNT", (5, -0.95), "conf must be between 0 and 1"),
    ("PIB_CI_COUNT", (5, "high"), "conf must be a number such as 0.95; got 'high'"),
    ("PIB_CI_COUNT", (-5,), "count: expected a number of 0 or more; got -5"),
    ("PIB_CI_RATE", (5, 0), "population: expected a population above 0; got 0"),
    ("PIB_CI_RATE", (5, -100), "population: expected a population above 0; got -100"),
    ("PIB_CI_RATE", (5, 100, 0), f"per: expected {options.PER.what}; got 0"),
    ("PIB_CI_RATE", (5, 100, -1000), "per: expected a number above 0"),
    ("PIB_CI_RATE", (-5, 100), "count: expected a number of 0 or more; got -5"),
    ("PIB_CI_RATE", (5, 100, 100000, 2), "conf must be between 0 and 1"),
    ("PIB_SIG_CHANGE", (80, 70, 48, 80), "x1: expected no more than n1; got 80 out of 70"),
    ("PIB_SIG_CHANGE", (56, 70, 90, 80), "x2: expected no more than n2; got 90 out of 80"),
    ("PIB_SIG_CHANGE", (56, 0, 48, 80), "n1: expected a number above 0; got 0"),
    ("PIB_SIG_CHANGE", (-1, 70, 48, 80), "x1: expected a number of 0 or more; got -1"),
    ("PIB_SIG_CHANGE", (56, 70, 48, 80, 1), "conf must be between 0 and 1"),
    # the whole Performance Table
    ("PIB_PERFORMANCE_TABLE", ([["Baseline"]], [[303]], S), "headers must be the Workings sheet's header row: no "),
    ("PIB_PERFORMANCE_TABLE", (*WORKINGS, S, None, -1), "band: expected a fraction of at least 0 and below 1"),
    ("PIB_PERFORMANCE_TABLE", (*WORKINGS, S, None, 0.1, "xmr", 5), "window must be a whole number from 12 to 600"),
    ("PIB_PERFORMANCE_TABLE", (*WORKINGS, S, None, 0.1, "xmr", 24, 1.5), "conf must be between 0 and 1"),
    ("PIB_PERFORMANCE_TABLE", (*WORKINGS, S, None, 0.1, "median"), "method must be one of xmr, poisson, trend"),
    ("PIB_PERFORMANCE_TABLE", (*WORKINGS, S, None, 0.1, "xmr", 24, 0.95, "rag,colour"), "unknown row 'colour'"),
    ("PIB_PERFORMANCE_TABLE", (*WORKINGS, NEG), "values: expected a number of 0 or more; got -2"),
    ("PIB_PERFORMANCE_TABLE", (*WORKINGS, S, None, 0.1, "xmr", 24, 0.95, None, "sensible"),
     "judgements must be one of classic, noise-aware; got 'sensible'"),
    ("PIB_PERFORMANCE_TABLE", (*WORKINGS, S, None, 0.1, "xmr", 24, 0.95, None, "noise-aware", -1),
     "Minimum events must be a whole number from 0"),
    # why each judgement is what it is
    ("PIB_EXPLAIN", ([["Baseline"]], [[303]], S), "headers must be the Workings sheet's header row: no "),
    ("PIB_EXPLAIN", (*WORKINGS, S, None, 0.1, "xmr", 24, 0.95, "rag,colour"),
     "explained: unknown judgement 'colour' (why, or one of "),
    ("PIB_EXPLAIN", (WORKINGS[0], WORKINGS[1] * 2, S), "values must have one column of months per row of figures (2)"),
    ("PIB_EXPLAIN", (WORKINGS[0], [WORKINGS[1][0][:3]], S), "figures must be Workings rows as wide as the headers"),
    ("PIB_EXPLAIN", (*WORKINGS, S, None, -1), "band: expected a fraction of at least 0 and below 1"),
    ("PIB_EXPLAIN", (*WORKINGS, NEG), "values: expected a number of 0 or more; got -2"),
    ("PIB_EXPLAIN", (*WORKINGS, S, None, 0.1, "xmr", 24, 0.95, None, "sensible"),
     "judgements must be one of classic, noise-aware; got 'sensible'"),
    ("PIB_PERFORMANCE_TABLE", (*NOISE_AWARE_TABLE, None, "noise-aware", 10, "yearly"),
     "seasonal must be one of auto, on, none; got 'yearly'"),
    ("PIB_PERFORMANCE_TABLE", (*NOISE_AWARE_TABLE, None, "noise-aware", 10, "auto", 5),
     "SPC baseline must be 0 (all months) or a whole number from 12 to 600"),
    # the trend model, the SPC chart and breaks
    ("PIB_PROJECTION", (NEG, 6), "values: expected a number of 0 or more; got -2"),
    ("PIB_PROJECTION", (S, 6, 6), "window must be a whole number from 12 to 600; got 6"),
    ("PIB_PROJECTION", (S, 6, 24, "yearly"), "seasonal must be one of auto, on, none; got 'yearly'"),
    ("PIB_PROJECTION", (S, 700), "months_to_target: expected a whole number of months"),
    ("PIB_PROJECTION", (S, 6, 24, "none", "percentage"), "a percentage needs its monthly denominators"),
    ("PIB_PROJECTION", (S, 6, 24, "none", "percentage", [10] * 30), "values: expected no more than denominators"),
    ("PIB_TARGET_PROBABILITY", (S, -300, 6), "target: expected a number of 0 or more; got -300"),
    ("PIB_TARGET_PROBABILITY", (S, 300, 6, "sideways"), "direction must be one of down, up; got 'sideways'"),
    ("PIB_TARGET_PROBABILITY", ([[a, a] for a in S], [[300, 300, 300]], 6), "target: give one value, or one per series"),
    ("PIB_TREND_SUFFICIENT", (S, 300, 6, "count", "down", 24, "loess"), "method must be one of ols, glm; got 'loess'"),
    ("PIB_TREND_SUFFICIENT", (S, 300, 6, "count", "down", None, "glm", "monthly"), "seasonal must be one of auto"),
    ("PIB_SPC", (NEG,), "values: expected a number of 0 or more; got -2"),
    ("PIB_SPC", (S, "sideways"), "direction must be one of down, up; got 'sideways'"),
    ("PIB_SPC", (S, "down", 5), "baseline_points must be blank or 0 (all points) or a whole number from 12"),
    ("PIB_SPC", (S, "down", None, [0, 2] + [0] * 28), "rebase: expected 0 or 1"),
    ("PIB_SPC", (S, "down", None, [0] * 29), "rebase must be a column of 0/1 beside the values (30 months)"),
    ("PIB_SPC", (S, "down", None, None, "often"), "seasonal must be one of auto, on, none; got 'often'"),
    ("PIB_SPC", (S, "down", None, None, "none", [10] * 30), "values: expected no more than denominators"),
    ("PIB_MONTH_STATUS", (S, "spc", 5), "baseline_points must be blank or 0 (all points)"),
    ("PIB_BREAKS", (MONTHS[:3], ["VEH"], ["2009-13"], [""], "", ["VEH"]), EXPECTED_MONTH),
    ("PIB_BREAKS", (MONTHS[:3], ["VEH"], [MONTHS[1]], ["sometimes"], "", ["VEH"]),
     "rebase must be one of all, chart; got 'sometimes'"),
    ("PIB_BREAKS", (MONTHS[:3], ["VEH", "DB"], [MONTHS[1]], [""], "", ["VEH"]),
     "the Breaks columns must be ranges of the same rows"),
    ("PIB_LAST_BREAK", ("2009-01", "soon"), EXPECTED_MONTH),
    ("PIB_LAST_BREAK", ("2009-13", "2009-11"), "is not a month"),
    ("PIB_CHANGE_FROM_BASELINE", (358, 303, "count", "2009-01"), "give baseline_end with break_month"),
    ("PIB_CHANGE_FROM_BASELINE", (358, 303, "count", "soon", "2008-03"), EXPECTED_MONTH),
    # labels from other =PIB_ cells
    ("PIB_RAG", ("Abov Target", "Yes"), "position must be one of Above Target, On Target, Below Target (or blank, N/A); "
                                        "got 'Abov Target'"),
    ("PIB_RAG", ("Above Target", "Maybe"), "trend_sufficient must be one of Yes, No, Too close to call"),
    ("PIB_RAG", ("Above Target", "No", "sideways"), "direction must be one of down, up; got 'sideways'"),
    # a range is checked by its distinct values: the message names the first bad cell, wherever the blanks are
    ("PIB_RAG", ([None, "Above Target", "Abov Target", "Bogus", "Abov Target"], [float("nan"), "No", "Yes", "No", ""]),
     "got 'Abov Target'"),
    ("PIB_RAG", (["On Target", "Above Target", None], ["Yes", "Maybe", "Perhaps"], ["up", "down", "up"]),
     "trend_sufficient must be one of Yes, No, Too close to call (or blank, N/A); got 'Maybe'"),
    ("PIB_RAG", (["On Target", "Above Target"], "No", ["up", "Sideways"]), "direction must be one of down, up"),
    ("PIB_OUTCOME_RAG", (["G", "Purple"],), "rags must be one of R, A, G (or blank, N/A); got 'Purple'"),
    ("PIB_OUTCOME_RAG", (["G", "R"], "average"), "rule must be one of worst, majority; got 'average'"),
    ("PIB_NARRATIVE", ("Vehicle Crime", "Under Target", "Yes", "In Line"), "position must be one of Above Target"),
    ("PIB_NARRATIVE", ("Vehicle Crime", "Below Target", "Yes", "Normal"), "month_status must be one of Above "
                                                                          "Expected Level, In Line"),
    ("PIB_NARRATIVE", ("Vehicle Crime", "Below Target", "Perhaps", "In Line"), "trend_sufficient must be one of"),
    ("PIB_NARRATIVE", ("Vehicle Crime", "Below Target", "Yes", "In Line", "down", -5, 857, "2011-03"),
     "achieved: expected a number of 0 or more; got -5"),
    ("PIB_NARRATIVE", ("Vehicle Crime", "Below Target", "Yes", "In Line", "down", 812, 857, "Marhc 2011"),
     "target_date: 'Marhc 2011' is not a month: write it as"),
    ("PIB_NARRATIVE", ("Vehicle Crime", "Below Target", "Yes", "In Line", "down", 812, 857, "2011-03", "cnt"),
     "measure must be one of count, rate, percentage; got 'cnt'"),
    ("PIB_NARRATIVE", ("Vehicle Crime", "Below Target", "Yes", "In Line", "down", 812, 857, "2011-03", "rate", 0),
     f"per: expected {options.PER.what}; got 0"),
]

# Valid edge cases that must still answer (function, arguments, a check of the answer).
VALID = [
    ("PIB_CI_PROPORTION", (0, 10), lambda r: r[0][0] == 0 and 0 < r[0][1] < 1),          # 0%
    ("PIB_CI_PROPORTION", (10, 10), lambda r: 0 < r[0][0] < 1 and r[0][1] == pytest.approx(1)),  # 100%
    ("PIB_CI_PROPORTION", (65, 100, 0.998), lambda r: r[0][0] < 0.553),
    ("PIB_CI_COUNT", (0,), lambda r: r[0][0] == 0 and r[0][1] > 3),                        # a count of 0
    ("PIB_CI_COUNT", (5, 0.998), lambda r: 0 < r[0][0] < 5 < r[0][1]),
    ("PIB_CI_COUNT", (65, "95%"), lambda r: r[0][0] == pytest.approx(50.163, abs=1e-3)),
    ("PIB_CI_RATE", (0, 100, 100), lambda r: r[0][0] == 0),
    ("PIB_SIG_CHANGE", (0, 10, 0, 10), lambda r: r == "No"),
    ("PIB_NARRATIVE", ("Burglary", "Below Target", "Yes", "In Line", "down", 661, 688, "03/2024"),
     lambda r: r.startswith("The target date for Burglary (Mar 2024) has been reached and the target was met")),
    ("PIB_NARRATIVE", ("Burglary", "Below Target", "Yes", "In Line", "down", None, 688, "03/2024"),
     lambda r: "will be met" in r),  # no figure at the target date yet: the projection
    ("PIB_TARGET", (303, "reduction_pct", 0), lambda r: r == 303),
    ("PIB_TARGET", (303, "reduction_pct", 0.999), lambda r: 0 <= r < 1),
    ("PIB_TARGET", (303, "maintenance", None), lambda r: r == 303),
    ("PIB_TARGET", (0.2, "level", 0.18, None), lambda r: r == 0.18),
    ("PIB_LIMITS", (303, 290, 36, 36, 0), lambda r: r == [[290, 290]]),
    ("PIB_TRAJECTORY", (303, 290, 0, 36), lambda r: r == 303),
    ("PIB_TRAJECTORY", (303, 290, -12, 36), lambda r: r == 303),                           # before the baseline end
    ("PIB_MONTH_STATUS", (S, "poisson"), lambda r: r in ("In Line", "Above Expected Level", "Below Expected Level")),
    ("PIB_TREND_SUFFICIENT", (S, 300, 6, "count", "down", 12), lambda r: r in ("Yes", "No")),
    ("PIB_TREND_SUFFICIENT", (S, 300, -3), lambda r: r in ("Yes", "No")),                  # target date passed
    ("PIB_REDUCTION_REQUIRED", (250, 290), lambda r: r == "N/A"),                           # met: does not apply
    ("PIB_MSG_POSITION", (30, 1000, [30, 70], [1000, 4000], 0.998), lambda r: r == "In Line"),
    ("PIB_MSG_DISTANCE", ([10, 20], [100, 100], [10, 20], [100, 100]), lambda r: len(r) == 2),
    ("PIB_MSG_POSITION", (150, 1000, [150, 100, 110], [1000] * 3, 0.95, "overdispersed"), lambda r: r == "In Line"),
    ("PIB_MSG_TAU2", ([100, 100, 100], [1000, 1000, 1000]), lambda r: r == 0),               # no spread at all
    ("PIB_MSG_TAU2", ([10, 20], [100, 100], ["VEH", "VEH"], "DB"), lambda r: r == "N/A"),    # no group
    ("PIB_POSITION", (358, 303, 290, 20, 36, 0.1, 290, 390), lambda r: r == "On Target"),     # noise-aware
    ("PIB_POSITION", (358, 303, 290, 20, 36, 0.1, 320, 390), lambda r: r == "Above Target"),  # wholly above
    ("PIB_PERFORMANCE_TABLE", (*WORKINGS, S, None, 0.1, "xmr", 24, 0.95, "rag", "noise-aware", 0),
     lambda r: r in ([["R"]], [["A"]], [["G"]])),
    ("PIB_EXPLAIN", (*WORKINGS, S, None, 0.1, "xmr", 24, 0.95, "rag"),
     lambda r: r.startswith("R: 358 is above the upper limit of 296.4 (trajectory 295.8 at month 20 of 36)")),
    ("PIB_EXPLAIN", (WORKINGS[0], WORKINGS[1] * 2, [[v, v] for v in S], None, 0.1, "xmr", 24, 0.95, "why,position"),
     lambda r: len(r) == 2 and r[0] == r[1] and r[0][0].startswith("RAG R: ") and r[0][1].startswith("Above Target: ")),
    ("PIB_COMPARATIVE_12M", (S, DEN), lambda r: isinstance(r, float)),
    ("PIB_PERFORMANCE_TABLE", (*NOISE_AWARE_TABLE, "trend_sufficient,past_month", "noise-aware"),
     lambda r: r[0][0] in ("Yes", "No", "Too close to call") and r[1][0] in ("In Line", "Above Expected Level",
                                                                            "Below Expected Level")),
    ("PIB_PROJECTION", (S, 6, 24), lambda r: len(r[0]) == 5 and r[0][1] < r[0][0] < r[0][2]),
    ("PIB_PROJECTION", (S, -2, 24), lambda r: r[0][1] == r[0][0] == r[0][2]),            # the date has passed
    ("PIB_TARGET_PROBABILITY", (S, 300, 6, "down", 24), lambda r: 0 <= r <= 1),
    ("PIB_TREND_SUFFICIENT", (S, 300, 6, "count", "down", 24, "glm"), lambda r: r in ("Yes", "No", "Too close to call")),
    ("PIB_TREND_SUFFICIENT", (S[:20], 300, 6, "count", "down", None, "glm"), lambda r: r == "N/A"),  # under 36 months
    ("PIB_SPC", (S,), lambda r: len(r) == 30 and all(c[0] in ("In Line", "Above Expected Level", "Below Expected Level")
                                                    for c in r)),
    ("PIB_SPC", (S[:1],), lambda r: r == [["In Line"]]),              # one month: a trial chart, as NHSRplotthedots
    ("PIB_MONTH_STATUS", (S, "spc"), lambda r: r in ("In Line", "Above Expected Level", "Below Expected Level")),
    ("PIB_BREAKS", (MONTHS[:3], ["VEH", "VEH"], [MONTHS[1], "1990-01"], ["", "chart"], "", ["VEH", "DB"]),
     lambda r: r == [[MONTHS[1]], [""]]),                                                   # off the axis: left out
    ("PIB_LAST_BREAK", ("", "2009-11"), lambda r: r == "N/A"),
    ("PIB_LAST_BREAK", ("2009-01 (chart)", "2009-11"), lambda r: r == "N/A"),             # a rebase is not a break
    ("PIB_CHANGE_FROM_BASELINE", (358, 303, "count", "2008-06", "2008-03"), lambda r: r == "N/A"),  # spans it
    ("PIB_CHANGE_FROM_BASELINE", (358, 303, "count", "2007-04", "2008-03"), lambda r: r == pytest.approx(55 / 303)),
    ("PIB_CURRENT", (S, "rate", None, 684000), lambda r: r > 0),                            # Rate per defaults
    ("PIB_RAG", ("N/A", ""), lambda r: r == "N/A"),
    ("PIB_OUTCOME_RAG", (["G", None, "N/A", "a"],), lambda r: r == "A"),
]


def test_there_are_at_least_80_probes_across_every_function():
    assert len(INVALID) >= 80
    named = {name for name, _, _ in INVALID}
    defined = {n for n in dir(pib_udfs) if n.startswith("PIB_")}
    assert named == defined, f"no invalid-argument probe for {sorted(defined - named)}"


@pytest.mark.parametrize("name, args, says", INVALID, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(INVALID)])
def test_an_invalid_argument_gets_a_one_line_message_naming_the_function(name, args, says):
    answer = getattr(pib_udfs, name)(*args)
    assert isinstance(answer, str), f"{name}{args!r} answered {answer!r}: a plausible value, not a message"
    assert answer.startswith(f"{name}: "), answer
    assert "\n" not in answer and len(answer) < 200, answer
    assert says in answer, answer


@pytest.mark.parametrize("name, args, check", VALID, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(VALID)])
def test_a_valid_edge_case_still_answers(name, args, check):
    answer = getattr(pib_udfs, name)(*args)
    assert not (isinstance(answer, str) and answer.startswith(f"{name}: ")), answer
    flat = answer if not isinstance(answer, list) else [v for row in answer for v in row]
    for value in flat if isinstance(flat, list) else [flat]:
        assert not (isinstance(value, float) and math.isinf(value)), answer
    assert check(answer), answer


def test_the_parser_and_the_functions_say_the_same_words():
    """One rule, one wording: the input parser's message for a negative count is the functions' too."""
    from xl_pib.errors import InputError
    from xl_pib.inputs import parse_sheets
    from xl_pib.demo import demo_sheets

    sheets = demo_sheets()
    row = next(i for i, r in enumerate(sheets["Data"]) if r[1] == "VEH")
    sheets["Data"][row][2] = -3
    with pytest.raises(InputError) as caught:
        parse_sheets(sheets)
    assert f"expected {options.NON_NEGATIVE.what}; got -3" in str(caught.value)
    assert f"expected {options.NON_NEGATIVE.what}; got -3" in pib_udfs.PIB_CI_COUNT(-3)
