"""Formula level: the live template (workbook/pib_bulletin.xlsm) evaluated by the ``formulas`` package.

Issue 4, "Tests required - Formula level": load the template, register the
``pib_udfs`` functions as custom functions, calculate, and check that every
=PIB_ cell of every Performance Table equals the engine's figure; then change a
Data value, recalculate and check that the affected cells follow the engine.

Which cell holds which figure comes from the static layout: the headless build
(``build_workbook(..., live=False)``) writes the engine's values into exactly the
cells where the template has formulas. The UDFs are the real ``pib_udfs``
functions, called through an adapter that hands them what Excel and xlwings hand
them (see :func:`to_xlwings`), and every call is counted.
"""

from __future__ import annotations

from helpers import registered_udfs

import collections
import datetime as dt
import inspect
import math
import shutil

import numpy as np
import pytest

formulas = pytest.importorskip("formulas")
import formulas.functions  # noqa: E402
import schedula as sh  # noqa: E402
from formulas.tokens.operand import XlError  # noqa: E402

import pib_udfs  # noqa: E402
from xl_pib import months  # noqa: E402
from xl_pib.assess import assess  # noqa: E402
from xl_pib.bulletin import build_workbook, workings  # noqa: E402
from xl_pib.inputs import parse_sheets  # noqa: E402

UDF_NAMES = sorted(n for n in dir(pib_udfs) if n.startswith("PIB_") and callable(getattr(pib_udfs, n)))

# Performance Table keys and the Results column holding the same figure.
RESULTS_COLUMN = {
    "baseline": "Baseline", "target": "Target", "current": "Current",
    "change_from_baseline": "Change from baseline", "reduction_required": "Reduction required",
    "trend_sufficient": "Trend sufficient", "past_month": "Past month",
    "comparative_12m": "Comparative 12 months", "msg_distance": "MSG distance",
    "msg_position": "MSG position", "position": "Position", "rag": "RAG",
}

# The edits an analyst makes: 25 more at the latest month of data of a count, a percentage
# (numerator) and a rate indicator; all in one workbook, recalculated once.
EDITED_INDICATORS = ("NI16", "RDC", "NI49_1")
EDIT = 25

EXCEL_EPOCH = dt.date(1899, 12, 30)


# --- what xlwings hands a UDF, and what it writes back -----------------------------------------


def _ndim2_arguments() -> dict[str, set[str]]:
    """Arguments declared ``@xw.arg(..., ndim=2)``, per function, as xlwings itself registers them.

    xlwings passes those arguments as lists of rows even for one cell, and
    every other argument as a scalar (one cell) or a flat list (one row or column).
    """
    _, module = registered_udfs()
    return {name: {a["name"] for a in getattr(module, name).__xlfunc__["args"] if a["options"].get("ndim") == 2}
            for name in dir(module) if name.startswith("PIB_")}


NDIM2 = _ndim2_arguments()


def _cell_to_xlwings(value):
    """One cell as xlwings passes it: blanks, "" and error values as None (xlwings' default), numpy as Python."""
    if value is sh.EMPTY or isinstance(value, XlError):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str) and value == "":
        return None
    return value


def to_xlwings(value, ndim2: bool):
    """What formulas passes (numpy arrays, EMPTY, XlError) -> what Excel/xlwings passes."""
    if isinstance(value, np.ndarray):
        grid = np.atleast_2d(value)
        rows = [[_cell_to_xlwings(v) for v in row] for row in grid.tolist()]
        if ndim2:
            return rows
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        if len(rows) == 1:
            return rows[0]
        if all(len(row) == 1 for row in rows):
            return [row[0] for row in rows]
        return rows
    value = _cell_to_xlwings(value)
    return [[value]] if ndim2 else value


def _cell_to_excel(value):
    """A returned value as xlwings writes it: None and NaN as an empty string, numpy as Python."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value


def from_xlwings(result):
    """A UDF's answer -> what formulas stores: a 2-D object array for lists, else the scalar."""
    if isinstance(result, list):
        rows = result if result and isinstance(result[0], list) else [result]
        return np.array([[_cell_to_excel(v) for v in row] for row in rows], dtype=object)
    return _cell_to_excel(result)


class Udfs:
    """The pib_udfs functions registered with formulas, with a call counter per name."""

    def __init__(self):
        self.calls: collections.Counter = collections.Counter()
        self.failures: list[str] = []
        for name in UDF_NAMES:
            formulas.get_functions()[name] = formulas.functions.wrap_ranges_func(self._adapter(name))

    def _adapter(self, name):
        func = getattr(pib_udfs, name)
        params = list(inspect.signature(func).parameters)
        declared = NDIM2[name]

        def call(*args):
            self.calls[name] += 1
            converted = [to_xlwings(a, params[i] in declared) for i, a in enumerate(args)]
            result = func(*converted)
            if isinstance(result, str) and result.startswith(f"{name}:"):
                self.failures.append(result)
            return from_xlwings(result)

        call.__name__ = name
        return call


# --- the evaluated workbooks ------------------------------------------------------------------


class Evaluated:
    """A workbook loaded and calculated by formulas, with the UDF calls the calculation made."""

    def __init__(self, path):
        self.book = path.name
        self.udfs = Udfs()
        self.model = formulas.ExcelModel().loads(str(path)).finish()
        self.calls_while_loading = sum(self.udfs.calls.values())
        self.udfs.calls.clear()
        self.solution = self.model.calculate()
        self.calls = collections.Counter(self.udfs.calls)
        self.failures = list(self.udfs.failures)

    def recalculated(self, cells: dict[tuple[str, str], object]) -> "Evaluated":
        """The same model recalculated with some input cells changed, as Excel does on an edit."""
        other = object.__new__(Evaluated)
        other.book, other.model = self.book, self.model
        other.udfs = self.udfs  # the compiled model calls the functions registered when it was loaded
        failures = len(self.udfs.failures)
        self.udfs.calls.clear()
        other.solution = self.model.calculate(inputs={self.key(s, c): v for (s, c), v in cells.items()})
        other.calls = collections.Counter(self.udfs.calls)
        other.failures = self.udfs.failures[failures:]
        return other

    def key(self, sheet: str, cell: str) -> str:
        return f"'[{self.book}]{sheet.upper()}'!{cell}"

    def value(self, sheet: str, cell: str):
        """One cell's value; a cell inside an array formula's range is read from that range."""
        key = self.key(sheet, cell)
        if key in self.solution:
            value = self.solution[key].value
            if isinstance(value, np.ndarray):
                assert value.size == 1, f"{sheet}!{cell} gave {value.shape} values"
                value = value.ravel()[0]
        else:
            value = self._from_array(sheet, cell)
        return value.item() if isinstance(value, np.generic) else value

    def _from_array(self, sheet: str, cell: str):
        from openpyxl.utils.cell import coordinate_from_string, column_index_from_string, range_boundaries

        letter, row = coordinate_from_string(cell)
        column = column_index_from_string(letter)
        prefix = f"'[{self.book}]{sheet.upper()}'!"
        for key, ranges in self.solution.items():
            if not key.startswith(prefix) or ":" not in key:
                continue
            left, top, right, bottom = range_boundaries(key[len(prefix):])
            if left <= column <= right and top <= row <= bottom:
                return np.asarray(ranges.value)[row - top, column - left]
        raise AssertionError(f"{sheet}!{cell} was not calculated")

    def block(self, sheet: str, cells: str) -> np.ndarray:
        """The values of an array formula's range, e.g. Series!B3:AC65."""
        key = self.key(sheet, cells)
        assert key in self.solution, f"{sheet}!{cells} was not calculated (no {key})"
        return np.asarray(self.solution[key].value, dtype=object)


def engine_cell(value):
    """A static workbook value in the form a calculated formula gives it (dates as serials)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return float((dt.date(value.year, value.month, value.day) - EXCEL_EPOCH).days)
    return value


def same_figure(got, expected) -> bool:
    expected = engine_cell(expected)
    if isinstance(expected, str) or isinstance(got, str):
        return got == expected
    if isinstance(expected, bool) or isinstance(got, bool) or expected is None or got is None:
        return got == expected
    if isinstance(got, XlError):
        return False
    return math.isclose(float(got), float(expected), rel_tol=1e-9, abs_tol=1e-12)


def performance_cells(layout):
    """(indicator index, key, sheet, cell) of every Performance Table value."""
    return [(b.index, key, b.sheet, cell) for b in layout.blocks for key, cell in b.cells.items()]


def workings_cells(count: int):
    return [(i, key, workings.WORKINGS, workings.workings_ref(i, key, absolute=False))
            for i in range(count) for key, _, _ in workings.WORKINGS_COLUMNS]


def mismatches(evaluated: Evaluated, static_wb, cells) -> list[str]:
    bad = []
    for index, key, sheet, cell in cells:
        got, expected = evaluated.value(sheet, cell), static_wb[sheet][cell].value
        if not same_figure(got, expected):
            bad.append(f"{sheet}!{cell} ({key} of indicator #{index}): workbook {got!r}, engine {expected!r}")
    return bad


def edited_sheets(sheets):
    """A copy of the input sheets with EDIT added at each edited indicator's latest month; the Data cells."""
    data = [list(r) for r in sheets["Data"]]
    header = [str(h).strip().lower() for h in data[0]]
    month, indicator, value = header.index("month"), header.index("indicator"), header.index("value")
    cells = []
    for edited in EDITED_INDICATORS:
        rows = [r for r, row in enumerate(data) if r and row[indicator] == edited and row[value] is not None]
        last = max(rows, key=lambda r: months.parse(data[r][month]))
        data[last][value] = data[last][value] + EDIT
        cells.append((last + 1, value + 1, data[last][value]))
    return {**sheets, "Data": data}, cells


# --- fixtures: one calculation of the template, one of an edited copy ---------------------------


@pytest.fixture(scope="module", autouse=True)
def function_registry():
    """formulas' function registry is global: put back what other modules registered."""
    registry = formulas.get_functions()
    saved = {name: registry[name] for name in UDF_NAMES if name in registry}
    yield registry
    for name in UDF_NAMES:
        registry.pop(name, None)
    registry.update(saved)


@pytest.fixture(scope="module")
def static(demo_assessment):
    """The engine's figures laid out as the headless bulletin lays them out."""
    return build_workbook(demo_assessment, live=False)


@pytest.fixture(scope="module")
def evaluated(demo_template):
    result = Evaluated(demo_template)
    print(f"\nUDF calls per full recalculation: {sum(result.calls.values())} "
          f"{dict(sorted(result.calls.items()))}")
    return result


@pytest.fixture(scope="module")
def edited(demo_template, demo_sheets, tmp_path_factory):
    """The template with one Data value changed (as an analyst would), recalculated; and the engine's view."""
    import openpyxl

    sheets, cells = edited_sheets(demo_sheets)
    path = tmp_path_factory.mktemp("edited") / demo_template.name
    shutil.copy(demo_template, path)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    for row, column, value in cells:
        cell = wb["Data"].cell(row, column)
        assert cell.value == value - EDIT
        cell.value = value
    wb.save(path)
    assessment = assess(parse_sheets(sheets))
    return Evaluated(path), assessment, build_workbook(assessment, live=False)


# --- the template's Performance Tables are live formulas ----------------------------------------


def _array_formulas(ws) -> dict[str, str]:
    """Every cell an array formula fills -> that formula's text."""
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet.formula import ArrayFormula

    covered = {}
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, ArrayFormula):
                left, top, right, bottom = range_boundaries(cell.value.ref)
                for r in range(top, bottom + 1):
                    for c in range(left, right + 1):
                        covered[ws.cell(r, c).coordinate] = cell.value.text
    return covered


def test_every_performance_table_value_is_a_pib_formula(demo_template, static):
    """Each value is filled by its table's one =PIB_PERFORMANCE_TABLE array formula: no typed values."""
    import openpyxl

    _, layout = static
    wb = openpyxl.load_workbook(demo_template)
    covered = {name: _array_formulas(wb[name]) for name in layout.sections}
    typed = []
    for _, key, sheet, cell in performance_cells(layout):
        text = covered[sheet].get(cell, "")
        if not (text.startswith("=PIB_PERFORMANCE_TABLE(") and key in text):
            typed.append(f"{sheet}!{cell} ({key}): {wb[sheet][cell].value!r}")
    assert len(layout.blocks) == 28
    assert not typed, "Performance Table cells without a =PIB_ formula:\n" + "\n".join(typed)


def test_template_has_the_static_layout(demo_template, static):
    """Same sheets, same row labels beside each Performance Table value: the layout the figures are mapped by."""
    import openpyxl

    static_wb, layout = static
    wb = openpyxl.load_workbook(demo_template)
    # Every live workbook carries a Breaks sheet (if only its headers) for its formulas to read.
    assert [n for n in wb.sheetnames if n not in ("xlwings.conf", "Breaks")] == static_wb.sheetnames
    assert wb["Breaks"]["A1"].value == "Indicator"
    for block in layout.blocks:
        for key, cell in block.cells.items():
            label = "A" + cell[1:]
            assert wb[block.sheet][label].value == static_wb[block.sheet][label].value, (block.indicator, key)


# --- calculated: every figure equals the engine ------------------------------------------------


def test_performance_tables_equal_the_engine(evaluated, static):
    static_wb, layout = static
    cells = performance_cells(layout)
    assert len(cells) == 254  # 26 blocks of 9 rows (the MSG side added) and 2 survey blocks of 10
    bad = mismatches(evaluated, static_wb, cells)
    assert not bad, f"{len(bad)} of {len(cells)} Performance Table cells differ:\n" + "\n".join(bad)


def test_performance_tables_equal_the_results_sheet(evaluated, static, demo_assessment):
    """The figures an analyst sees live are the Results that ``xl-pib build`` writes."""
    _, layout = static
    results = demo_assessment.results
    checked, bad = 0, []
    for block in layout.blocks:
        row = results.iloc[block.index]
        assert row["Indicator"] == block.indicator
        for key, cell in block.cells.items():
            if key not in RESULTS_COLUMN:
                continue
            checked += 1
            got, expected = evaluated.value(block.sheet, cell), row[RESULTS_COLUMN[key]]
            if not same_figure(got, expected):
                bad.append(f"{block.indicator} {key}: workbook {got!r}, Results {expected!r}")
    assert checked >= 200
    assert not bad, "\n".join(bad)


def test_workings_equal_the_engine(evaluated, static, demo_assessment):
    static_wb, _ = static
    cells = workings_cells(len(demo_assessment.inputs.targets))
    bad = mismatches(evaluated, static_wb, cells)
    assert not bad, f"{len(bad)} of {len(cells)} Workings cells differ:\n" + "\n".join(bad)


def test_series_blocks_equal_the_engine(evaluated, demo_assessment):
    """The two PIB_SERIES blocks lay the Data sheet along the month axis exactly as the engine pivots it."""
    values, denominators = workings.series_values(demo_assessment)
    layout = workings.series_layout(demo_assessment)
    bad = []
    for block, grid in ((0, values), (1, denominators)):
        got_block = evaluated.block(workings.SERIES, layout.block_range(block))
        assert got_block.shape == grid.shape == (layout.rows, layout.count)
        for (r, i), expected in np.ndenumerate(grid):
            got = got_block[r, i]
            ok = got == "" if expected != expected else same_figure(got, expected)
            if not ok:
                bad.append(f"Series {layout.column(block, i)}{r + workings.FIRST_MONTH_ROW}: {got!r} vs {expected!r}")
    assert not np.isnan(values).all()
    assert not bad, "\n".join(bad[:20])


def test_headlines_equal_the_engine(demo_template, evaluated, static):
    """The sentence above each Performance Table is a live formula too, and reads as the engine's."""
    import openpyxl

    static_wb, layout = static
    template = openpyxl.load_workbook(demo_template)
    live, bad = 0, []
    for block in layout.blocks:
        cell = f"A{block.top + 1}"
        text = template[block.sheet][cell].value
        if not (isinstance(text, str) and text.startswith("=")):
            continue
        live += 1
        got, expected = evaluated.value(block.sheet, cell), static_wb[block.sheet][cell].value or ""
        if got != expected:
            bad.append(f"{block.sheet}!{cell} ({block.indicator}): workbook {got!r}, engine {expected!r}")
    assert live >= 20, "the headlines are not live formulas"
    assert not bad, "\n".join(bad)


def test_no_cell_shows_an_error(evaluated):
    """No =PIB_ function answered with its error message, and no calculated cell is an Excel error."""
    assert not evaluated.failures, "\n".join(sorted(set(evaluated.failures))[:20])
    errors = []
    for key, ranges in evaluated.solution.items():
        value = getattr(ranges, "value", None)
        if isinstance(value, np.ndarray) and any(isinstance(v, XlError) for v in value.ravel()):
            errors.append(key)
    assert not errors, f"{len(errors)} cells or ranges hold Excel errors, e.g. {errors[:10]}"


# --- calls per recalculation ------------------------------------------------------------------


def test_udf_calls_per_recalculation(evaluated, demo_assessment):
    calls = evaluated.calls
    total = sum(calls.values())
    layout = workings.series_layout(demo_assessment)
    series_cells = 2 * layout.count * layout.rows
    print(f"\nUDF calls per full recalculation: total {total} (Series blocks fill {series_cells} cells); "
          + ", ".join(f"{k} {v}" for k, v in calls.most_common()))
    assert calls["PIB_SERIES"] == 2, "PIB_SERIES must run once per Series block, not once per cell or month"
    assert total < series_cells
    # Every other function runs at most a few times per indicator, never per month.
    per_indicator = {name: count / layout.count for name, count in calls.items() if name != "PIB_SERIES"}
    assert max(per_indicator.values()) <= 3, per_indicator


# --- an analyst changes a Data value: the tables follow without a refresh ----------------------


def edited_indices(assessment) -> set[int]:
    ids = assessment.inputs.targets["indicator"].tolist()
    return {ids.index(i) for i in EDITED_INDICATORS}


def test_edit_changes_the_engine_figures(edited, demo_assessment):
    """Guard: the edits move the edited indicators' figures (count, percentage and rate measures)."""
    _, assessment, _ = edited
    measures = set()
    for index in edited_indices(assessment):
        before, after = demo_assessment.figures.at(index), assessment.figures.at(index)
        assert after.current != before.current, EDITED_INDICATORS
        measures.add(assessment.inputs.targets["measure"].iloc[index])
    assert measures == {"count", "percentage", "rate"}


def test_edited_indicators_follow_the_engine(edited, static):
    evaluated, assessment, (static_after, layout_after) = edited
    _, layout = static
    indices = edited_indices(assessment)
    cells = [c for c in performance_cells(layout_after) if c[0] in indices]
    cells += [c for c in workings_cells(len(assessment.inputs.targets)) if c[0] in indices]
    assert len(cells) > 20 * len(indices)
    bad = mismatches(evaluated, static_after, cells)
    for block in layout_after.blocks:
        if block.index in indices and static_after[block.sheet][f"A{block.top + 1}"].value:
            cell = f"A{block.top + 1}"
            got, expected = evaluated.value(block.sheet, cell), static_after[block.sheet][cell].value
            if got != expected:
                bad.append(f"headline {block.sheet}!{cell}: workbook {got!r}, engine {expected!r}")
    assert not bad, "\n".join(bad)
    assert [(b.sheet, b.cells) for b in layout_after.blocks] == [(b.sheet, b.cells) for b in layout.blocks]


def test_edit_moves_the_tables(edited, evaluated, static):
    """The edited indicators' current positions and Performance Tables moved; the count moved by the edit."""
    recalculated, assessment, _ = edited
    _, layout = static
    for block in (b for b in layout.blocks if b.index in edited_indices(assessment)):
        moved = [key for key, cell in block.cells.items()
                 if not same_figure(recalculated.value(block.sheet, cell), evaluated.value(block.sheet, cell))]
        assert moved, f"no Performance Table cell of {block.indicator} changed"
        current = workings.workings_ref(block.index, "current", absolute=False)
        before, after = evaluated.value(workings.WORKINGS, current), recalculated.value(workings.WORKINGS, current)
        assert after != before, block.indicator
        if block.indicator == "NI16":
            assert after == before + EDIT


def test_other_indicators_unchanged_by_the_edit(edited, evaluated, static):
    recalculated, assessment, (static_after, _) = edited
    _, layout = static
    indices = edited_indices(assessment)
    others = [c for c in performance_cells(layout) if c[0] not in indices]
    others += [c for c in workings_cells(len(assessment.inputs.targets)) if c[0] not in indices]
    changed = [f"{sheet}!{cell} ({key})" for _, key, sheet, cell in others
               if not same_figure(recalculated.value(sheet, cell), evaluated.value(sheet, cell))]
    assert not changed, "cells of other indicators changed:\n" + "\n".join(changed)
    # ... and they still equal the engine for the edited inputs.
    assert not mismatches(recalculated, static_after, others)


def test_edited_recalculation_makes_the_same_calls(edited, evaluated):
    recalculated, _, _ = edited
    assert recalculated.calls == evaluated.calls
    assert not recalculated.failures


# --- an analyst changes the Settings: every table follows -----------------------------------------

CHANGED_SETTINGS = {"band fraction": 0.2, "expected level method": "poisson", "trend window": 12,
                    "confidence": 0.998}


def test_settings_edit_follows_the_engine(evaluated, demo_sheets, static):
    """Band fraction, expected-level method, trend window and confidence are live references too."""
    settings = [list(r) for r in demo_sheets["Settings"]]
    cells = {}
    for r, row in enumerate(settings[1:], start=2):
        key = str(row[0]).strip().lower()
        if key in CHANGED_SETTINGS:
            row[1] = CHANGED_SETTINGS[key]
            cells[("Settings", f"B{r}")] = row[1]
    assert len(cells) == len(CHANGED_SETTINGS)
    recalculated = evaluated.recalculated(cells)
    assessment = assess(parse_sheets({**demo_sheets, "Settings": settings}))
    static_after, layout = build_workbook(assessment, live=False)
    checked = performance_cells(layout) + workings_cells(len(assessment.inputs.targets))
    bad = mismatches(recalculated, static_after, checked)
    assert not bad, f"{len(bad)} cells differ from the engine:\n" + "\n".join(bad[:20])
    static_before, _ = static
    moved = mismatches(recalculated, static_before, performance_cells(layout))
    assert len(moved) >= 5, "the settings change moved (almost) nothing: the test would prove nothing"
    assert recalculated.calls == evaluated.calls
    assert not recalculated.failures


# --- the headline formula reads as the engine's, for any change -----------------------------------

HEADLINE_CHANGES = (0.112, -0.112, 0.08, -0.0804, 0.18, -0.85, 0.046, -0.0004, 0.0, 0.0006, 1.1, 11.0, -0.10955,
                    0.8, 0.011)


@pytest.mark.parametrize("measure", ["count", "percentage"])
def test_the_headline_formula_follows_the_engine_for_any_change(demo_assessment, measure):
    """Excel's own functions give "An 11.2% ...", "A 4.6% ...", "No change ..." exactly as the engine's
    text.headline does (the demo's headlines are checked in the workbook above; these cover every article)."""
    import re

    from xl_pib.bulletin import text
    from xl_pib.bulletin.live import LiveFormulas

    index = demo_assessment.inputs.targets["measure"].tolist().index(measure)
    template = LiveFormulas(demo_assessment, workings.series_layout(demo_assessment)).headline(index)
    (reference,) = set(re.findall(r"Workings!\$[A-Z]+\$\d+", template))
    parser = formulas.Parser()
    for change in HEADLINE_CHANGES:
        got = parser.ast(template.replace(reference, repr(change)))[1].compile()()
        assert got == text.headline(change, measure), change
