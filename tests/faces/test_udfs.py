"""The =PIB_ Excel functions (udfs/pib_udfs.py) called as plain Python, as on Linux.

Contract (issue 2): every UDF works with scalars, flat lists (a column), nested
lists (2-D ranges), numpy arrays, and None or "" for blank cells; scalar
arguments broadcast over column ranges and the answer is a list of rows, one
per input row; invalid input gives a short message naming the function, never
a traceback; series functions ignore blank cells after the last value.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import pib_udfs
from conftest import same_answer
from xl_pib.measures import intervals, rolling, targets, trajectory

ALL_UDFS = sorted(n for n in dir(pib_udfs) if n.startswith("PIB_") and callable(getattr(pib_udfs, n)))


def call(name, *args):
    return getattr(pib_udfs, name)(*args)


def is_error(name, result) -> bool:
    return isinstance(result, str) and result.startswith(f"{name}:")


def assert_error(name, result):
    assert is_error(name, result), f"{name}: expected a short error message, got {result!r}"
    assert "\n" not in result and "Traceback" not in result
    assert len(result) < 200, f"{name}: message too long ({len(result)} chars): {result!r}"


same = same_answer


def plain(result) -> bool:
    """Only values every Excel bridge understands: str, float, int, None, lists of rows of them."""
    if isinstance(result, list):
        return all(isinstance(row, list) and all(plain(c) and not isinstance(c, list) for c in row)
                   for row in result)
    return result is None or type(result) in (str, float, int, bool)


SERIES_30 = [40.0 - 0.5 * i + (i % 3) for i in range(30)]

# --- one call per function with single cells (or a series where the function takes one) -----

SCALAR_CALLS = {
    "PIB_ROLLING12": (SERIES_30,),
    "PIB_COMPARATIVE_12M": (SERIES_30,),
    "PIB_CURRENT": (SERIES_30,),
    "PIB_CHANGE_FROM_BASELINE": (358, 303),
    "PIB_TARGET": (303, "reduction_pct", 0.04),
    "PIB_REDUCTION_REQUIRED": (358, 290),
    "PIB_TRAJECTORY": (303, 290, 20, 36),
    "PIB_LIMITS": (303, 290, 20, 36),
    "PIB_POSITION": (358, 303, 290, 20, 36),
    "PIB_TREND_SUFFICIENT": (SERIES_30, 300, 6),
    "PIB_EXPECTED_BAND": (SERIES_30,),
    "PIB_MONTH_STATUS": (SERIES_30,),
    "PIB_MSG_DISTANCE": (10, 100, [10, 20, 30], [100, 100, 200]),
    "PIB_MSG_POSITION": (30, 1000, [30, 70, 100], [1000, 4000, 5000]),
    "PIB_MSG_TAU2": ([30, 70, 100], [1000, 4000, 5000]),
    "PIB_CI_PROPORTION": (65, 100),
    "PIB_CI_COUNT": (65,),
    "PIB_CI_RATE": (65, 100),
    "PIB_SIG_CHANGE": (56, 70, 48, 80),
    "PIB_RAG": ("Above Target", "No"),
    "PIB_OUTCOME_RAG": (["G", "A", "R"],),
    "PIB_NARRATIVE": ("Vehicle Crime offences", "Below Target", "Yes", "In Line"),
}


# The Excel functions the contract (issue 2) defines; this file covers each of them.
CONTRACT_UDFS = {
    "PIB_ROLLING12", "PIB_COMPARATIVE_12M", "PIB_TARGET", "PIB_CHANGE_FROM_BASELINE", "PIB_REDUCTION_REQUIRED",
    "PIB_TRAJECTORY", "PIB_LIMITS", "PIB_POSITION", "PIB_TREND_SUFFICIENT", "PIB_EXPECTED_BAND",
    "PIB_MONTH_STATUS", "PIB_MSG_DISTANCE", "PIB_MSG_POSITION", "PIB_CI_PROPORTION", "PIB_CI_COUNT",
    "PIB_CI_RATE", "PIB_SIG_CHANGE", "PIB_RAG", "PIB_OUTCOME_RAG", "PIB_NARRATIVE",
}


def test_every_contract_function_exists_and_is_covered_here():
    missing = CONTRACT_UDFS - set(ALL_UDFS)
    assert not missing, f"contract functions missing from pib_udfs: {sorted(missing)}"
    assert CONTRACT_UDFS <= set(SCALAR_CALLS)


GARBAGE = ["garbage", [["x", None], ["", "y"]], {"not": "a cell"}, object()]


@pytest.mark.parametrize("name", ALL_UDFS)
@pytest.mark.parametrize("garbage", range(len(GARBAGE)))
def test_every_pib_function_never_raises(name, garbage):
    """Any PIB_ function, including ones added later, answers nonsense with a value or a message."""
    func = getattr(pib_udfs, name)
    params = inspect.signature(func).parameters.values()
    required = [p for p in params if p.default is inspect.Parameter.empty
                and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    result = func(*([GARBAGE[garbage]] * len(required)))
    assert plain(result), f"{name} returned {result!r}"
    if isinstance(result, str) and result.startswith("PIB_"):
        assert_error(name, result)


@pytest.mark.parametrize("name", ALL_UDFS)
def test_every_function_has_an_analyst_docstring(name):
    doc = getattr(pib_udfs, name).__doc__
    assert doc and len(doc.strip()) > 20


@pytest.mark.parametrize("name", sorted(SCALAR_CALLS))
def test_scalar_call_returns_plain_excel_values(name):
    result = call(name, *SCALAR_CALLS[name])
    assert not is_error(name, result), result
    assert plain(result), f"{name} returned {result!r}"


def test_scalar_calls_give_the_engine_figures():
    assert call("PIB_CHANGE_FROM_BASELINE", 358, 303) == pytest.approx(358 / 303 - 1)
    assert call("PIB_TRAJECTORY", 303, 290, 20, 36) == pytest.approx(303 - 13 * 20 / 36)
    lower, upper = trajectory.limits(303, 290, 20, 36)
    assert call("PIB_LIMITS", 303, 290, 20, 36) == [[pytest.approx(float(lower)), pytest.approx(float(upper))]]
    assert call("PIB_POSITION", 358, 303, 290, 20, 36) == "Above Target"
    assert call("PIB_CI_COUNT", 65) == [[pytest.approx(50.163187710459454, rel=1e-9),
                                         pytest.approx(82.849138545939837, rel=1e-9)]]
    assert call("PIB_CI_RATE", 65, 100) == [[pytest.approx(50163.187710459453, rel=1e-9),
                                             pytest.approx(82849.138545939844, rel=1e-9)]]
    assert call("PIB_CI_RATE", 65, 100, 100) == [[pytest.approx(50.163187710459454, rel=1e-9),
                                                  pytest.approx(82.849138545939837, rel=1e-9)]]
    assert call("PIB_CI_PROPORTION", 65, 100) == [[pytest.approx(0.55254443296887967, rel=1e-9),
                                                   pytest.approx(0.73635751756902468, rel=1e-9)]]
    assert call("PIB_CI_COUNT", 65, 0.998)[0][0] == pytest.approx(42.880261471480203, rel=1e-9)
    assert call("PIB_SIG_CHANGE", 56, 70, 48, 80) == "Yes"
    assert call("PIB_MSG_DISTANCE", 10, 100, [10, 20, 30], [100, 100, 200]) == pytest.approx(-1 / 3)
    assert call("PIB_MSG_POSITION", 30, 1000, [30, 70, 100], [1000, 4000, 5000]) == "Significantly Above"
    assert call("PIB_MSG_POSITION", 30, 1000, [30, 70, 100], [1000, 4000, 5000], 0.998) == "In Line"
    assert call("PIB_RAG", "Above Target", "No") == "R"
    assert call("PIB_OUTCOME_RAG", ["G", "A", "R"]) == "R"
    assert call("PIB_OUTCOME_RAG", ["G", "G", "R"], "majority") == "G"
    assert call("PIB_CURRENT", SERIES_30) == pytest.approx(sum(SERIES_30[-12:]))
    assert call("PIB_COMPARATIVE_12M", SERIES_30) == pytest.approx(
        sum(SERIES_30[-12:]) / sum(SERIES_30[-24:-12]) - 1)


# --- cell-wise functions: every shape of range, broadcasting, one row per input row ------------


class Fixed:
    """An argument that is a whole range in every call (e.g. the MSG group), not broadcast."""

    def __init__(self, value):
        self.value = value


# Two cells per broadcast argument; results have one (or, for intervals and limits, two) cells a row.
CELLWISE = {
    "PIB_CHANGE_FROM_BASELINE": [[358, 0.22], [303, 0.207], ["count", "percentage"]],
    "PIB_TARGET": [[303, 10], ["reduction_pct", "maintenance"], [0.04, None], ["count", "count"]],
    "PIB_REDUCTION_REQUIRED": [[358, 0.22], [290, 0.18], ["count", "percentage"], ["down", "down"]],
    "PIB_TRAJECTORY": [[303, 100], [290, 90], [20, 0], [36, 36]],
    "PIB_LIMITS": [[303, 100], [290, 90], [20, 0], [36, 36], [0.1, 0.2]],
    "PIB_POSITION": [[358, 101.5], [303, 100], [290, 90], [20, 0], [36, 36], [0.1, 0.2]],
    # The group includes every area given (the functions refuse an area missing from its own group).
    "PIB_MSG_DISTANCE": [[10, 30], [100, 100], Fixed([10, 20, 30]), Fixed([100, 100, 100])],
    "PIB_MSG_POSITION": [[30, 70], [1000, 1000], Fixed([30, 70, 100]), Fixed([1000, 1000, 5000])],
    "PIB_CI_PROPORTION": [[65, 45], [100, 5000]],
    "PIB_CI_COUNT": [[5, 65]],
    "PIB_CI_RATE": [[5, 65], [100, 100]],
    "PIB_SIG_CHANGE": [[56, 60], [70, 1000], [48, 207], [80, 1000]],
    "PIB_RAG": [["Above Target", "On Target"], ["No", "Yes"], ["down", "up"]],
    "PIB_NARRATIVE": [["Vehicle Crime", "Domestic Burglary"], ["Below Target", "Above Target"], ["Yes", "No"],
                      ["In Line", "Above Expected Level"], ["down", "down"]],
}


def _cell_args(spec, i):
    return [a.value if isinstance(a, Fixed) else a[i] for a in spec]


def _one_row(scalar_result):
    """What one row of a column answer should be, given the single-cell answer."""
    return scalar_result[0] if isinstance(scalar_result, list) else [scalar_result]


SHAPES = {
    "flat list": lambda col: list(col),
    "nested list": lambda col: [[c] for c in col],
    "numpy 1-D": lambda col: np.array(col, dtype=object),
    "numpy 2-D": lambda col: np.array([[c] for c in col], dtype=object),
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("name", sorted(CELLWISE))
def test_column_call_equals_cell_by_cell(name, shape):
    spec = CELLWISE[name]
    singles = [call(name, *_cell_args(spec, i)) for i in range(2)]
    for s in singles:
        assert not is_error(name, s), s
    args = [a.value if isinstance(a, Fixed) else SHAPES[shape](a) for a in spec]
    got = call(name, *args)
    assert isinstance(got, list) and len(got) == 2, f"{name} ({shape}): {got!r}"
    assert plain(got)
    for i in range(2):
        assert same(got[i], _one_row(singles[i])), f"{name} row {i}: {got[i]!r} vs {singles[i]!r}"


@pytest.mark.parametrize("name", sorted(CELLWISE))
def test_scalar_arguments_broadcast_over_a_column(name):
    spec = CELLWISE[name]
    # The first argument is a column of 5 cells; every other broadcast argument is one cell.
    first = [spec[0][i % 2] for i in range(5)]
    others = [a.value if isinstance(a, Fixed) else a[0] for a in spec[1:]]
    got = call(name, first, *others)
    assert isinstance(got, list) and len(got) == 5, f"{name}: {got!r}"
    for i in range(5):
        single = call(name, first[i], *others)
        assert same(got[i], _one_row(single)), f"{name} row {i}: {got[i]!r} vs {single!r}"


def _last_broadcast_index(spec):
    return max(i for i, a in enumerate(spec) if i > 0 and not isinstance(a, Fixed))


@pytest.mark.parametrize("name", sorted(n for n, spec in CELLWISE.items() if len(spec) > 1))
def test_broadcast_from_a_later_argument(name):
    """A column in a later argument (e.g. direction or band) with single cells elsewhere."""
    spec = CELLWISE[name]
    idx = _last_broadcast_index(spec)
    column = [spec[idx][i % 2] for i in range(3)]
    args = [a.value if isinstance(a, Fixed) else a[0] for a in spec]
    args[idx] = column
    got = call(name, *args)
    assert isinstance(got, list) and len(got) == 3, f"{name}: {got!r}"
    for i in range(3):
        cell_args = list(args)
        cell_args[idx] = column[i]
        assert same(got[i], _one_row(call(name, *cell_args)))


# --- blanks ---------------------------------------------------------------------------------------

BLANK_CALLS = {
    # name: (args with a blank where a number or label belongs, expected answer)
    "PIB_CHANGE_FROM_BASELINE": ((None, 303), "N/A"),
    "PIB_TARGET": ((None, "reduction_pct", 0.04), "N/A"),
    "PIB_REDUCTION_REQUIRED": (("", 290), "N/A"),
    "PIB_TRAJECTORY": ((303, None, 20, 36), "N/A"),
    "PIB_LIMITS": ((None, 290, 20, 36), [["N/A", "N/A"]]),
    "PIB_POSITION": (("", 303, 290, 20, 36), "N/A"),
    "PIB_MSG_DISTANCE": ((None, 100, [10, 20], [100, 100]), "N/A"),
    "PIB_MSG_POSITION": (("", 100, [10, 20], [100, 100]), "N/A"),
    "PIB_CI_PROPORTION": ((None, 100), [["N/A", "N/A"]]),
    "PIB_CI_COUNT": (("",), [["N/A", "N/A"]]),
    "PIB_CI_RATE": ((65, None), [["N/A", "N/A"]]),
    "PIB_SIG_CHANGE": ((56, "", 48, 80), "N/A"),
    "PIB_RAG": ((None, "Yes"), "N/A"),
    "PIB_OUTCOME_RAG": (([None, "", "N/A"],), "N/A"),
    "PIB_ROLLING12": (([None] * 14,), [[None]] * 14),
    "PIB_COMPARATIVE_12M": (([""] * 30,), "N/A"),
    "PIB_CURRENT": (([None] * 14,), "N/A"),
    "PIB_TREND_SUFFICIENT": (([None] * 30, 300, 6), "N/A"),
    "PIB_EXPECTED_BAND": (([""] * 14,), [["N/A", "N/A", "N/A"]]),
    "PIB_MONTH_STATUS": (([None] * 14,), "N/A"),
}


@pytest.mark.parametrize("name", sorted(BLANK_CALLS))
def test_blank_cells_give_na_not_an_error(name):
    args, expected = BLANK_CALLS[name]
    assert call(name, *args) == expected


def test_blank_cells_in_a_column_give_na_rows():
    assert call("PIB_REDUCTION_REQUIRED", [358, None, "", 18], [290, 290, 290, 10]) == [
        [pytest.approx(68 / 358)], ["N/A"], ["N/A"], [pytest.approx(8 / 18)]]
    assert call("PIB_RAG", ["Above Target", None, "", "On Target"], "Yes") == [["A"], ["N/A"], ["N/A"], ["G"]]
    assert call("PIB_CI_COUNT", [5, None, ""]) == [
        [pytest.approx(1.62348639011842), pytest.approx(11.668332079322669)], ["N/A", "N/A"], ["N/A", "N/A"]]


def test_narrative_with_blanks_is_a_sentence():
    text = call("PIB_NARRATIVE", "Robbery", None, "", None)
    assert isinstance(text, str) and not is_error("PIB_NARRATIVE", text)
    assert "Robbery" in text


def test_na_text_from_other_cells_reads_as_missing():
    # A cell holding another =PIB_ answer "N/A" is a missing value, not an error.
    assert call("PIB_REDUCTION_REQUIRED", "N/A", 290) == "N/A"
    assert call("PIB_POSITION", "N/A", 303, 290, 20, 36) == "N/A"
    assert call("PIB_RAG", "N/A", "Yes") == "N/A"


@pytest.mark.parametrize("blank", [None, ""])
def test_blank_optional_settings_mean_the_default(blank):
    assert call("PIB_CHANGE_FROM_BASELINE", 358, 303, blank) == call("PIB_CHANGE_FROM_BASELINE", 358, 303)
    assert call("PIB_REDUCTION_REQUIRED", 358, 290, blank, blank) == call("PIB_REDUCTION_REQUIRED", 358, 290)
    assert call("PIB_CI_COUNT", 65, blank) == call("PIB_CI_COUNT", 65)
    assert call("PIB_CI_PROPORTION", 65, 100, blank) == call("PIB_CI_PROPORTION", 65, 100)
    assert call("PIB_SIG_CHANGE", 56, 70, 48, 80, blank) == call("PIB_SIG_CHANGE", 56, 70, 48, 80)
    assert call("PIB_MONTH_STATUS", SERIES_30, blank) == call("PIB_MONTH_STATUS", SERIES_30)
    assert call("PIB_EXPECTED_BAND", SERIES_30, blank) == call("PIB_EXPECTED_BAND", SERIES_30)
    assert call("PIB_TREND_SUFFICIENT", SERIES_30, 300, 6, blank, blank, blank) == call(
        "PIB_TREND_SUFFICIENT", SERIES_30, 300, 6)
    assert call("PIB_RAG", "Above Target", "No", blank) == "R"
    assert call("PIB_OUTCOME_RAG", ["G", "A"], blank) == "A"
    assert call("PIB_TARGET", 303, "reduction_pct", 0.04, blank) == 303 * 0.96


@pytest.mark.parametrize("blank", [None, ""])
def test_blank_band_means_the_default(blank):
    assert call("PIB_POSITION", 358, 303, 290, 20, 36, blank) == call("PIB_POSITION", 358, 303, 290, 20, 36)
    assert call("PIB_LIMITS", 303, 290, 20, 36, blank) == call("PIB_LIMITS", 303, 290, 20, 36)


# --- series functions --------------------------------------------------------------------------

SERIES_UDFS = {
    "PIB_COMPARATIVE_12M": (),
    "PIB_CURRENT": (),
    "PIB_TREND_SUFFICIENT": (300, 6),
    "PIB_EXPECTED_BAND": (),
    "PIB_MONTH_STATUS": (),
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("name", sorted(SERIES_UDFS) + ["PIB_ROLLING12"])
def test_series_functions_accept_every_column_shape(name, shape):
    extra = SERIES_UDFS.get(name, ())
    reference = call(name, SERIES_30, *extra)
    got = call(name, SHAPES[shape](SERIES_30), *extra)
    assert not is_error(name, got), got
    assert same(got, reference)


@pytest.mark.parametrize("trailing", [[None], [None, ""], [""] * 5, [None] * 12])
@pytest.mark.parametrize("name", sorted(SERIES_UDFS))
def test_series_functions_ignore_trailing_blanks(name, trailing):
    extra = SERIES_UDFS[name]
    assert same(call(name, SERIES_30 + trailing, *extra), call(name, SERIES_30, *extra))
    nested = [[v] for v in SERIES_30 + trailing]
    assert same(call(name, nested, *extra), call(name, SERIES_30, *extra))


def test_rolling12_keeps_rows_and_leaves_trailing_blanks_blank():
    got = call("PIB_ROLLING12", SERIES_30 + [None, ""])
    assert len(got) == 32 and all(len(row) == 1 for row in got)
    assert got[:30] == call("PIB_ROLLING12", SERIES_30)
    assert got[30:] == [[None], [None]]
    assert [r[0] for r in got[:11]] == [None] * 11
    totals = rolling.rolling12(np.array(SERIES_30))
    assert [r[0] for r in got[11:30]] == pytest.approx(list(totals[11:]))


def test_series_values_match_the_engine():
    v = np.array(SERIES_30)
    assert call("PIB_TREND_SUFFICIENT", SERIES_30, 300, 6) in ("Yes", "No")
    from xl_pib.measures import expected, trend
    assert call("PIB_TREND_SUFFICIENT", SERIES_30, 300, 6) == trend.trend_sufficient(v, 300, 6).item()
    counts = [round(x) for x in SERIES_30]  # the poisson band is for counts
    assert call("PIB_MONTH_STATUS", counts, "poisson") == expected.month_status(np.array(counts), "poisson").item()
    band = [float(b) for b in expected.expected_band(v, "trend")]
    assert call("PIB_EXPECTED_BAND", SERIES_30, "trend") == [[pytest.approx(b) for b in band]]


def test_several_columns_are_several_series_each_with_its_own_last_month():
    a = SERIES_30
    b = [5.0 + (i % 4) for i in range(26)] + [None] * 4   # ends 4 months earlier
    grid = [[a[i], b[i]] for i in range(30)]
    for name, extra in SERIES_UDFS.items():
        got = call(name, grid, *extra)
        single_a = call(name, a, *extra)
        single_b = call(name, b, *extra)
        if name == "PIB_EXPECTED_BAND":
            assert same(got, single_a + single_b), name       # one row per series
        else:
            assert same(got, [[single_a, single_b]]), name    # one answer per column, in a row


def test_a_single_row_is_one_series_read_left_to_right():
    assert same(call("PIB_CURRENT", [SERIES_30]), call("PIB_CURRENT", SERIES_30))
    assert same(call("PIB_MONTH_STATUS", [SERIES_30]), call("PIB_MONTH_STATUS", SERIES_30))


def test_trend_sufficient_per_series_targets():
    a = [100 - 2 * i for i in range(24)]
    b = [48 - 2 * i for i in range(24)]
    grid = [[a[i], b[i]] for i in range(24)]
    assert call("PIB_TREND_SUFFICIENT", grid, [[636, 41]], [[6, 6]]) == [["Yes", "No"]]
    assert call("PIB_TREND_SUFFICIENT", a, 636, 6) == "Yes"
    assert call("PIB_TREND_SUFFICIENT", b, 42, 6) == "Yes"


def test_comparative_with_denominators():
    num = [10.0] * 12 + [12.0] * 12
    den = [100.0] * 12 + [80.0] * 12
    assert call("PIB_COMPARATIVE_12M", num, den) == pytest.approx((144 / 960) / (120 / 1200) - 1)
    assert call("PIB_COMPARATIVE_12M", num, "") == call("PIB_COMPARATIVE_12M", num)


def test_outcome_rag_accepts_a_2d_range_with_blanks():
    assert call("PIB_OUTCOME_RAG", [["G", None], ["A", ""], ["N/A", "G"]]) == "A"
    assert call("PIB_OUTCOME_RAG", np.array([["G", "G"], ["A", None]], dtype=object), "majority") == "G"


# --- invalid input: a short message naming the function, never an exception ---------------------

S = SERIES_30
BAD_CHOICES = [
    ("PIB_CHANGE_FROM_BASELINE", (358, 303, "ratio")),
    ("PIB_TARGET", (303, "cut", 0.04)),
    ("PIB_TARGET", (303, "reduction_pct", 0.04, "crimes")),
    ("PIB_REDUCTION_REQUIRED", (358, 290, "ratio")),
    ("PIB_REDUCTION_REQUIRED", (358, 290, "count", "sideways")),
    ("PIB_CURRENT", (S, "ratio")),
    ("PIB_TREND_SUFFICIENT", (S, 300, 6, "ratio")),
    ("PIB_TREND_SUFFICIENT", (S, 300, 6, "count", "sideways")),
    ("PIB_TREND_SUFFICIENT", (S, 300, 6, "count", "down", "two years")),
    ("PIB_TREND_SUFFICIENT", (S, 300, 6, "count", "down", 0)),
    ("PIB_TREND_SUFFICIENT", (S, 300, 6, "count", "down", 12.5)),
    ("PIB_EXPECTED_BAND", (S, "ewma")),
    ("PIB_MONTH_STATUS", (S, "ewma")),
    ("PIB_MSG_POSITION", (30, 1000, [30, 70], [1000, 4000], "high")),
    ("PIB_MSG_POSITION", (30, 1000, [30, 70], [1000, 4000], 0)),
    ("PIB_CI_PROPORTION", (65, 100, "high")),
    ("PIB_CI_COUNT", (65, "high")),
    ("PIB_CI_COUNT", (65, 100)),                # 100% is not a confidence level
    ("PIB_CI_RATE", (65, 100, 100000, "high")),
    ("PIB_SIG_CHANGE", (56, 70, 48, 80, "high")),
    ("PIB_RAG", ("Above Target", "No", "sideways")),
    ("PIB_OUTCOME_RAG", (["G", "A"], "average")),
    ("PIB_NARRATIVE", ("X", "On Target", "Yes", "In Line", "sideways")),
    ("PIB_RAG", (["Above Target", "On Target"], "No", ["down", "sideways"])),   # one bad cell in a column
]

TEXT_FOR_NUMBER = [
    ("PIB_ROLLING12", (["a"] + S,)),
    ("PIB_COMPARATIVE_12M", (S[:10] + ["lots"] + S[11:],)),
    ("PIB_CURRENT", (["x"] * 14,)),
    ("PIB_CHANGE_FROM_BASELINE", ("abc", 303)),
    ("PIB_TARGET", ("three hundred", "level", 5)),
    ("PIB_TARGET", (303, "reduction_pct", "four percent")),
    ("PIB_REDUCTION_REQUIRED", (358, "abc")),
    ("PIB_TRAJECTORY", ("abc", 290, 20, 36)),
    ("PIB_TRAJECTORY", (303, 290, "soon", 36)),
    ("PIB_LIMITS", (303, 290, 20, 36, "wide")),
    ("PIB_POSITION", ("high", 303, 290, 20, 36)),
    ("PIB_TREND_SUFFICIENT", (S, "abc", 6)),
    ("PIB_TREND_SUFFICIENT", (S, 300, "soon")),
    ("PIB_EXPECTED_BAND", (["x"] * 14,)),
    ("PIB_MONTH_STATUS", (S[:-1] + ["x"],)),
    ("PIB_MSG_DISTANCE", ("abc", 100, [10, 20], [100, 100])),
    ("PIB_MSG_DISTANCE", (10, 100, [10, "x"], [100, 100])),
    ("PIB_MSG_POSITION", (30, 1000, [30, 70], ["x", 4000])),
    ("PIB_CI_PROPORTION", (65, "hundred")),
    ("PIB_CI_COUNT", ("many",)),
    ("PIB_CI_COUNT", ([5, "many"],)),
    ("PIB_CI_RATE", (65, "pop")),
    ("PIB_CI_RATE", (65, 100, "per capita")),
    ("PIB_SIG_CHANGE", (56, 70, "x", 80)),
]

MISMATCHED = [
    ("PIB_CHANGE_FROM_BASELINE", ([1, 2], [1, 2, 3])),
    ("PIB_TARGET", ([303, 10], "level", [1, 2, 3])),
    ("PIB_REDUCTION_REQUIRED", ([358, 18], [290, 10, 5])),
    ("PIB_TRAJECTORY", ([303, 100], [290, 90, 80], 20, 36)),
    ("PIB_LIMITS", ([303, 100], 290, [20, 0, 1], 36)),
    ("PIB_POSITION", ([358, 100], [303, 100, 50], 290, 20, 36)),
    ("PIB_MSG_DISTANCE", (10, 100, [10, 20], [100, 100, 200])),
    ("PIB_MSG_DISTANCE", ([10, 20], [100, 100, 100], [10, 20], [100, 100])),
    ("PIB_MSG_POSITION", (30, 1000, [30, 70, 100], [1000, 4000])),
    ("PIB_CI_PROPORTION", ([65, 1045], [100, 5000, 10])),
    ("PIB_CI_RATE", ([65, 5], [100, 100, 100])),
    ("PIB_SIG_CHANGE", ([56, 226], [70, 1000], [48, 207, 1], 80)),
    ("PIB_RAG", (["Above Target", "On Target"], ["No", "Yes", "No"])),
    ("PIB_NARRATIVE", (["A", "B"], ["On Target"] * 3, "Yes", "In Line")),
    ("PIB_COMPARATIVE_12M", (S, S[:20])),
]


@pytest.mark.parametrize("name,args", BAD_CHOICES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(BAD_CHOICES)])
def test_bad_choice_strings_give_a_short_message(name, args):
    assert_error(name, call(name, *args))


@pytest.mark.parametrize("name,args", TEXT_FOR_NUMBER,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(TEXT_FOR_NUMBER)])
def test_text_where_a_number_belongs_gives_a_short_message(name, args):
    assert_error(name, call(name, *args))


@pytest.mark.parametrize("name,args", MISMATCHED, ids=[f"{n}-{i}" for i, (n, _) in enumerate(MISMATCHED)])
def test_mismatched_range_sizes_give_a_short_message(name, args):
    assert_error(name, call(name, *args))


def test_messages_say_what_is_wrong():
    assert "direction" in call("PIB_RAG", "Above Target", "No", "sideways")
    assert "sideways" in call("PIB_RAG", "Above Target", "No", "sideways")
    assert "baseline" in call("PIB_TRAJECTORY", "abc", 290, 20, 36)
    assert "same size" in call("PIB_RAG", ["a", "b"], ["c", "d", "e"])


def test_boolean_where_a_number_belongs_gives_a_short_message():
    assert_error("PIB_CI_COUNT", call("PIB_CI_COUNT", True))


def test_choices_read_loosely_as_analysts_type_them():
    assert call("PIB_TARGET", 303, " Reduction_PCT ", 0.04, "COUNT") == 290
    assert call("PIB_RAG", "Above Target", "No", "Down") == "R"
    assert call("PIB_CI_COUNT", 65, "95%") == call("PIB_CI_COUNT", 65, 0.95) == call("PIB_CI_COUNT", 65, " 0.95 ")
    assert call("PIB_MONTH_STATUS", SERIES_30, "XMR") == call("PIB_MONTH_STATUS", SERIES_30)


def test_numbers_may_arrive_as_text_or_percent():
    assert call("PIB_REDUCTION_REQUIRED", "358", "290") == call("PIB_REDUCTION_REQUIRED", 358, 290)
    assert call("PIB_TARGET", 303, "reduction_pct", "4%") == pytest.approx(303 * 0.96)


# --- seed worked figures through the Excel functions ---------------------------------------------


def test_seed_domestic_burglary_through_udfs():
    target = call("PIB_TARGET", 303, "reduction_pct", 0.04, "count")
    assert target == 290
    assert call("PIB_TARGET", 303, "reduction_pct", 0.04) == 303 * 0.96
    assert round(100 * call("PIB_REDUCTION_REQUIRED", 358, target), 1) == 19.0
    assert call("PIB_POSITION", 358, 303, target, 20, 36) == "Above Target"
    assert call("PIB_RAG", call("PIB_POSITION", 358, 303, target, 20, 36), "No") == "R"


def test_seed_repeat_domestic_burglaries_through_udfs():
    target = call("PIB_TARGET", 10, "maintenance", "")
    assert round(100 * call("PIB_REDUCTION_REQUIRED", 18, target), 1) == 44.4


def test_udfs_match_engine_on_a_column():
    cur = np.array([358.0, 250.0, 18.0])
    tgt = np.array([290.0, 290.0, 10.0])
    expected = targets.reduction_required(cur, tgt)
    got = call("PIB_REDUCTION_REQUIRED", cur, tgt)
    assert got == [[pytest.approx(float(expected[0]))], ["N/A"], [pytest.approx(float(expected[2]))]]
    lo, up = intervals.count_interval(np.array([5.0, 65.0]), 0.95)
    assert call("PIB_CI_COUNT", [5, 65]) == [[pytest.approx(float(lo[0])), pytest.approx(float(up[0]))],
                                             [pytest.approx(float(lo[1])), pytest.approx(float(up[1]))]]


def test_pib_msg_tau2_over_a_column_of_indicators_equals_one_call_each():
    """The live Workings' one array formula: a column of indicators gets each group's τ², as one call per
    indicator would (the engine's msg.between_area_variance_of lays the MSG sheet out as padded groups)."""
    rng = np.random.default_rng(21)
    ids = rng.choice(["VEH", "DB", "CD", "SAC"], 60)
    counts = rng.poisson(120, 60).astype(float)
    populations = rng.integers(40_000, 200_000, 60).astype(float)
    counts = counts.tolist()
    counts[5] = None  # a blank row is left out, as in the single call
    wanted = [["CD"], ["VEH"], ["NONE"], ["DB"], ["VEH"], ["SAC"]]
    column = call("PIB_MSG_TAU2", counts, populations.tolist(), ids.tolist(), wanted)
    one_each = [[call("PIB_MSG_TAU2", counts, populations.tolist(), ids.tolist(), w[0])] for w in wanted]
    assert isinstance(column, list), column
    assert column[2] == ["N/A"] and one_each[2] == ["N/A"]
    for got, want in zip(column, one_each):
        assert got[0] == want[0] or got[0] == pytest.approx(want[0], rel=1e-12)
