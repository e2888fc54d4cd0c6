"""Assertions shared by the workbook tests (imported as a plain module: tests/ is on sys.path)."""

from __future__ import annotations

import math
from contextlib import contextmanager

from xl_pib.assess import RESULTS_COLUMNS


def assert_results_equal_engine(rows, assessment) -> None:
    header, *body = rows
    assert header[:len(RESULTS_COLUMNS)] == list(RESULTS_COLUMNS)
    frame = assessment.results
    assert len(body) == len(frame)
    for row, (_, engine) in zip(body, frame.iterrows()):
        for column, got in zip(RESULTS_COLUMNS, row):
            want = engine[column]
            if isinstance(want, str):
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


def registered_udfs():
    """(xlwings.udfs, pib_udfs as xlwings' Windows decorators register it).

    On Windows ``@xw.func``/``@xw.arg`` record each function's arguments,
    conversions (``ndim``) and help text; that code lives in ``xlwings.udfs``,
    which imports the Windows COM libraries at the top. Those imports are
    satisfied with empty modules (nothing of them is called) so xlwings' real
    decorators run over a private copy of ``pib_udfs``; the imported modules
    are restored afterwards.
    """
    import importlib
    import importlib.util
    import sys
    import types

    import xlwings

    import pib_udfs

    stubs = {name: types.ModuleType(name) for name in ("pythoncom", "pywintypes", "win32com", "win32com.client")}
    stubs["win32com.client"].Dispatch = None
    stubs["pythoncom"].CoInitialize = lambda: None  # only named as a thread initializer
    saved = {name: sys.modules.get(name) for name in [*stubs, "xlwings.udfs"]}
    originals = xlwings.func, xlwings.arg, xlwings.ret
    try:
        sys.modules.update(stubs)
        sys.modules.pop("xlwings.udfs", None)
        udfs = importlib.import_module("xlwings.udfs")
        xlwings.func, xlwings.arg, xlwings.ret = udfs.xlfunc, udfs.xlarg, udfs.xlret
        spec = importlib.util.spec_from_file_location("pib_udfs_as_registered", pib_udfs.__file__)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return udfs, module
    finally:
        xlwings.func, xlwings.arg, xlwings.ret = originals
        for name, old in saved.items():
            if old is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = old


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
