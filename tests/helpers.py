"""Assertions shared by the workbook tests (imported as a plain module: tests/ is on sys.path)."""

from __future__ import annotations

import math

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
