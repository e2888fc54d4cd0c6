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

# Position against the most similar group average (Appendix E).
SIG_ABOVE = "Significantly Above"
SIG_BELOW = "Significantly Below"

# RAG ratings, worst first.
RED = "R"
AMBER = "A"
GREEN = "G"
RAGS_WORST_FIRST = (RED, AMBER, GREEN)
