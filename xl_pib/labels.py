"""The words the bulletin prints, defined once.

Every face (Excel functions, Results sheet, Performance Tables) shows these
exact strings, so tests and analysts' own formulas can rely on them.
"""

NA = "N/A"

# Position against the target trajectory (Appendix D).
ABOVE_TARGET = "Above Target"
ON_TARGET = "On Target"
BELOW_TARGET = "Below Target"

# Long-term trend sufficient to meet target (Appendix E).
YES = "Yes"
NO = "No"
# The projection model's verdict when P(target met) is between 0.2 and 0.8 (xl_pib.measures.projection).
TOO_CLOSE = "Too close to call"

# Performance over the past month (Appendix E).
ABOVE_EXPECTED = "Above Expected Level"
IN_LINE = "In Line"
BELOW_EXPECTED = "Below Expected Level"

# Which Making Data Count rule made the past month a special cause (xl_pib.measures.spc), completing
# "Above Expected Level: ..."; {nth} is an ordinal such as "7th", {count} a number of months.
SPC_OUTSIDE_HIGH = "above the upper process limit"
SPC_OUTSIDE_LOW = "below the lower process limit"
SPC_TREND_UP = "rising steadily over the last {count} months"
SPC_TREND_DOWN = "falling steadily over the last {count} months"
SPC_TWO_IN_THREE_HIGH = "{count} of the last 3 months close to the upper process limit"
SPC_TWO_IN_THREE_LOW = "{count} of the last 3 months close to the lower process limit"
SPC_SHIFT_HIGH = "{nth} month in a row above the average"
SPC_SHIFT_LOW = "{nth} month in a row below the average"

# Position against the most similar group average (Appendix E).
SIG_ABOVE = "Significantly Above"
SIG_BELOW = "Significantly Below"

# RAG ratings, worst first.
RED = "R"
AMBER = "A"
GREEN = "G"
RAGS_WORST_FIRST = (RED, AMBER, GREEN)
