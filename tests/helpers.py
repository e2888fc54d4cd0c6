"""Assertions shared by the workbook tests (imported as a plain module: tests/ is on sys.path)."""

from __future__ import annotations

import datetime as dt
import math
import sys
from contextlib import contextmanager
from pathlib import Path

from xl_pib.assess import RESULTS_COLUMNS

# tools/ holds the one reading of xlwings' registration of the =PIB_ functions, which the
# documentation build uses too (tools/udf_reference.py).
TOOLS = Path(__file__).resolve().parents[1] / "tools"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

from udf_reference import registered_udfs  # noqa: E402  (re-exported for the face tests)


def docs_nav_pages() -> set[str]:
    """Every page the documentation site's navigation (mkdocs.yml) lists."""
    import yaml

    def walk(entries):
        for entry in entries:
            for value in (entry.values() if isinstance(entry, dict) else [entry]):
                yield from (walk(value) if isinstance(value, list) else [value])

    config = Path(__file__).resolve().parents[1] / "mkdocs.yml"
    return set(walk(yaml.safe_load(config.read_text())["nav"]))


def assert_results_equal_engine(rows, assessment) -> None:
    header, *body = rows
    assert header[:len(RESULTS_COLUMNS)] == list(RESULTS_COLUMNS)
    frame = assessment.results
    assert len(body) == len(frame)
    for row, (_, engine) in zip(body, frame.iterrows()):
        for column, got in zip(RESULTS_COLUMNS, row):
            want = engine[column]
            if isinstance(want, (str, dt.date)):
                assert got == want, (engine["Indicator"], column, got, want)
            else:
                assert math.isclose(float(got), float(want), rel_tol=1e-12), (engine["Indicator"], column)


def assert_figures_equal(a, b) -> None:
    """Two Figures objects hold the same arrays (NaN equal to NaN), figure by figure."""
    import dataclasses

    import numpy as np

    for field in dataclasses.fields(a):
        x, y = getattr(a, field.name), getattr(b, field.name)
        assert (x is None) == (y is None), field.name
        if x is not None:
            np.testing.assert_array_equal(np.asarray(x), np.asarray(y), err_msg=field.name)


@contextmanager
def remote_engine():
    """xlwings' remote engine, registered as ``import xlwings`` does when a license key is set.

    xlwings registers the engine at import time only if the key is set then; in a test
    session another module may have imported xlwings first, so it is registered here,
    with the free noncommercial key set, in the same way (and removed afterwards).
    """
    import pytest

    xw = pytest.importorskip("xlwings")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
        added = None
        if "remote" not in [e.name for e in xw.engines]:
            from xlwings.main import Engine
            from xlwings.pro import _xlremote

            added = Engine(impl=_xlremote.engine)
            xw.engines.add(added)
        try:
            yield xw.engines["remote"]
        finally:
            if added is not None:
                xw.engines.engines.remove(added)
                xw.engines.engines_by_name.pop("remote", None)
