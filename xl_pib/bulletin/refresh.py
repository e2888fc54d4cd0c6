"""What a refresh writes: the same ranges whether Excel's Refresh button or ``xl-pib build BOOK.xlsm`` does it.

A refresh writes values only, into ranges whose place is fixed by the
workbook's layout: Results, the Executive Summary, the hidden Chart Data
sheet (so the charts follow), the Series month axis, the Workings sheet's
Checks list (the consistency checks' findings), a status cell and the layout
fingerprint. It never writes to an input sheet (so never to RAG
override or Summary override) and never touches a formula.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np

from .. import months
from openpyxl.utils import get_column_letter

from ..figures import PERFORMANCE_TABLE
from . import appendices, chart_data, metadata, perception, results, section, summary, workings
from .workings import WORKINGS_COLUMNS

STATUS = (summary.SHEET, "E5")
STATUS_LABEL = (summary.SHEET, "E4")
# Beyond the Chart Data blocks' columns, so the refresh of their values never covers it.
FINGERPRINT = (chart_data.SHEET, f"{get_column_letter(chart_data.WIDTH + 2)}1")


@dataclass(frozen=True)
class RangeWrite:
    sheet: str
    cell: str           # top-left cell
    values: list[list]  # rows of plain Python values (str, float, int, date, None)


def _plain(grid) -> list[list]:
    """numpy scalars -> Python scalars and NaN -> None, for every Excel bridge (COM, JSON, openpyxl)."""
    out = []
    for row in grid:
        cells = []
        for v in row:
            if isinstance(v, np.generic):
                v = v.item()
            if isinstance(v, float) and v != v:
                v = None
            cells.append(v)
        out.append(cells)
    return out


def fingerprint(assessment) -> str:
    """A digest of everything that fixes the layout: a refresh into a different layout would scramble it."""
    inputs = assessment.inputs
    t = inputs.targets
    blocks = chart_data.layout(t, inputs.settings.latest_month)
    shape = {
        "indicators": t["indicator"].tolist(),
        "sections": t["section"].tolist(),
        "perception": [b.perception for b in blocks],
        "chart_windows": [[b.months[0], b.months[-1]] for b in blocks],
        "series_axis": [int(assessment.month_axis[0]), int(assessment.month_axis[-1])],
        # Noise-aware blocks are taller, with the SPC chart under the performance chart.
        "spc_charts": [section.has_spc_chart(row, inputs.settings) for _, row in t.iterrows()],
        "outcomes": [[o["theme"], o["outcome"]] for _, o in inputs.outcomes.iterrows()],
        # The live formulas' own layout: a workbook made by another version of xl-pib is rebuilt, not refreshed.
        "table_rows": [spec.key for spec in PERFORMANCE_TABLE], "workings": [key for key, _, _ in WORKINGS_COLUMNS],
    }
    return "pib-layout-" + hashlib.sha1(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:16]


def status_text(assessment) -> str:
    s = assessment.inputs.settings
    text = (f"Refreshed from the input sheets: {len(assessment.results)} indicators, "
            f"{len(assessment.outcomes)} outcomes, data to {months.label(s.latest_month)}.")
    others = assessment.warnings[:len(assessment.warnings) - len(assessment.checks)]
    if others:
        # Warnings are either input notes (rows skipped, gaps, merged cells) or measures short of data.
        text += " Warnings: " + " | ".join(others)
    if assessment.checks:
        count = len(assessment.checks)
        text += (f" Checks ({count} input{'s' if count != 1 else ''} contradicting others, listed on the "
                 f"{workings.WORKINGS} sheet): " + " | ".join(f.line for f in assessment.checks))
    return text


def error_text(error: Exception | str) -> str:
    return f"Refresh stopped, nothing was changed: {error}"


LAYOUT_CHANGED = ("the Targets or Outcomes sheet no longer matches this workbook's layout (an indicator, section, "
                  "outcome or target date was added, removed or moved, or the Judgements setting changed)")


def layout_text(new_book, name: str) -> str:
    """The status after a refresh found a new layout: where its new live workbook is, or how to make one."""
    if new_book is None:
        return error_text(f"{LAYOUT_CHANGED}. This workbook is open through a server, which cannot save a workbook "
                          f"beside it: save it to your computer and click Refresh there, or run "
                          f"'xl-pib build \"{name}\" -o NEW.xlsm', which builds the new workbook.")
    return (f"Not refreshed: {LAYOUT_CHANGED}, so a new live workbook was built beside this one with every input "
            f"sheet (your overrides included) and the xlwings.conf settings: {new_book}. Open it and click Refresh "
            f"there; this workbook is unchanged.")


def text_writes(assessment) -> list[RangeWrite]:
    """Sentences that depend on the data: section subtitles, block texts, Appendices, Metadata.

    Single cells (the top-left of merged text rows), as Excel will not take a
    block of values over part of a merged range. A block's headline is a live
    formula in the live workbook, so it is left alone there.
    """
    inputs = assessment.inputs
    out = [RangeWrite(name, "A2", [[section.subtitle(inputs.settings)]])
           for name in dict.fromkeys(inputs.targets["section"])]
    blocks = chart_data.layout(inputs.targets, inputs.settings.latest_month)
    for index, (sheet, top) in enumerate(section.placements(inputs.targets, inputs.settings)):
        texts = (perception.block_texts if blocks[index].perception else section.block_texts)(assessment, index)
        out += [RangeWrite(sheet, f"A{top + offset}", [[value]]) for offset, value in texts.items()
                if not (offset == 1 and not blocks[index].perception)]
    out += [RangeWrite(appendices.SHEET, f"{get_column_letter(c)}{r}", [[value]])
            for r, c, value, _ in appendices.cells(assessment)]
    out.append(RangeWrite(metadata.SHEET, f"B{metadata.FIRST_ROW}",
                          [[value] for _, value in metadata.rows(assessment)]))
    return out


def writes(assessment) -> list[RangeWrite]:
    blocks = chart_data.layout(assessment.inputs.targets, assessment.inputs.settings.latest_month)
    return text_writes(assessment) + [
        RangeWrite(results.SHEET, "A1", _plain(results.grid(assessment))),
        RangeWrite(summary.SHEET, "A1", _plain(summary.grid(assessment))),
        RangeWrite(chart_data.SHEET, "A1", _plain(chart_data.grid(assessment, blocks))),
        RangeWrite(workings.SERIES, f"A{workings.FIRST_MONTH_ROW}", _plain(workings.axis_cells(assessment))),
        RangeWrite(workings.WORKINGS, workings.checks_cell(), workings.checks_grid(assessment)),
        RangeWrite(STATUS_LABEL[0], STATUS_LABEL[1], [["Status"]]),
        RangeWrite(STATUS[0], STATUS[1], [[status_text(assessment)]]),
        RangeWrite(FINGERPRINT[0], FINGERPRINT[1], [[fingerprint(assessment)]]),
    ]


def apply_openpyxl(wb, planned: list[RangeWrite]) -> None:
    """Apply the writes to an openpyxl workbook (the headless twin of the Refresh button)."""
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

    from ..xlsx import put

    for w in planned:
        ws = wb[w.sheet]
        letter, top = coordinate_from_string(w.cell)
        left = column_index_from_string(letter)
        for r, row in enumerate(w.values, start=top):
            for c, value in enumerate(row, start=left):
                put(ws.cell(r, c), value)
