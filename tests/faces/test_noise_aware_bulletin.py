"""The printed bulletin under noise-aware judgements with a Breaks sheet (issues 15 and 16): read back by
openpyxl and calamine and rendered by a real LibreOffice. Each block of a section sheet gains its SPC chart,
the Chart Data sheet carries the projection band, the break and the SPC series, and the block's notes say the
projection, the SPC rule that fired and the break in the figures' own numbers."""

from __future__ import annotations

import copy
import re
import subprocess

import numpy as np
import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from xl_pib.assess import assess
from xl_pib.bulletin import chart_data
from xl_pib.cli import main
from xl_pib.inputs import parse_sheets
from xl_pib.xlsx import write_sheets

BREAKS = [["Indicator", "Month", "Reason", "Rebase"],
          ["VEH", "2008-10", "Home Office Counting Rules change", None],
          ["CD", "2009-02", "New neighbourhood policing model", "chart"]]


def _sheets(demo_sheets, judgements):
    sheets = copy.deepcopy(demo_sheets)
    for row in sheets["Settings"]:
        if row[0] == "Judgements":
            row[1] = judgements
    sheets["Breaks"] = copy.deepcopy(BREAKS)
    return sheets


@pytest.fixture(scope="module")
def built(demo_sheets, tmp_path_factory):
    """{judgements: (assessment, bulletin path)} for a build under each set, through the CLI."""
    out = {}
    for judgements in ("classic", "noise-aware"):
        folder = tmp_path_factory.mktemp(judgements)
        sheets = _sheets(demo_sheets, judgements)
        source = write_sheets(sheets, folder / "input.xlsx")
        assert main(["build", str(source), "-o", str(folder / "bulletin.xlsx")]) == 0
        out[judgements] = (assess(parse_sheets(sheets)), folder / "bulletin.xlsx")
    return out


def _section_sheets(assessment):
    targets = assessment.inputs.targets
    return {sheet: list(rows["indicator"]) for sheet, rows in targets.groupby("section", sort=False)}


def _texts(path, sheet):
    return [v for row in CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
            for v in row if isinstance(v, str)]


def _block_note(path, sheet, name):
    """The notes line of the block headed by the indicator's name."""
    texts = _texts(path, sheet)
    start = texts.index(name)
    marks = ("95% interval", "Series break", "SPC chart rebased", "Projected", "Past month:", "Not yet assessable")
    return next(t for t in texts[start + 1:] if any(m in t for m in marks))


def test_each_performance_block_has_its_spc_chart_only_under_noise_aware(built):
    for judgements, charts_per_block in (("classic", 1), ("noise-aware", 2)):
        assessment, path = built[judgements]
        book = openpyxl.load_workbook(path)
        for sheet, ids in _section_sheets(assessment).items():
            want = len(ids) if sheet == "Perception" else charts_per_block * len(ids)  # surveys: no SPC chart
            assert len(book[sheet]._charts) == want, (judgements, sheet)


def test_the_spc_chart_draws_the_chart_data_s_spc_columns(built):
    assessment, path = built["noise-aware"]
    book = openpyxl.load_workbook(path)
    headers = chart_data.PERFORMANCE_COLUMNS
    spc = headers[chart_data.SPC_COLUMN - 1:]
    assert spc == ("Monthly", "Average", "Lower process limit", "Upper process limit", "Special cause: concern",
                   "Special cause: improvement")
    charts = book["CDRP Targets"]._charts
    second = charts[1]
    columns = {re.match(r"'Chart Data'!\$([A-Z]+)\$", s.val.numRef.f).group(1) for s in second.series}
    want = {openpyxl.utils.get_column_letter(chart_data.SPC_COLUMN + i) for i in range(len(spc))}
    assert columns == want


def test_chart_data_holds_the_spc_series_and_the_break_of_each_block(built):
    assessment, path = built["noise-aware"]
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(chart_data.SHEET).to_python()
    ids = list(assessment.inputs.targets["indicator"])
    f = assessment.figures
    k = ids.index("VEH")
    start = next(i for i, r in enumerate(rows) if r[0] == "VEH")
    headers = list(chart_data.PERFORMANCE_COLUMNS)
    headers[chart_data.BREAK_COLUMN - 1] = "Oct 2008: Home Office Counting Rules change"  # the line's label
    assert rows[start + 1][:len(headers)] == headers
    block = []
    for r in rows[start + 2:]:
        if r[0] in ("", None) or isinstance(r[0], str):
            break
        block.append(r)
    marked = [r for r in block if r[chart_data.BREAK_COLUMN - 1] not in ("", None)]
    assert len(marked) == 1  # the break's one vertical line, in October 2008
    average = np.array([r[chart_data.SPC_COLUMN] for r in block if r[chart_data.SPC_COLUMN] not in ("", None)],
                       dtype=float)
    mean = f.spc_mean[k]
    assert set(np.round(average, 6)) == set(np.round(mean[~np.isnan(mean)], 6)) and len(set(average)) == 2


def test_block_notes_say_the_projection_the_rule_and_the_break(built):
    assessment, path = built["noise-aware"]
    ids = list(assessment.inputs.targets["indicator"])
    f = assessment.figures
    names = dict(zip(ids, assessment.inputs.targets["name"]))
    veh = _block_note(path, "CDRP Targets", names["VEH"])
    assert veh.startswith("Series break Oct 2008 (Home Office Counting Rules change): comparisons across a break "
                          "are not made.")
    cd = _block_note(path, "CDRP Targets", names["CD"])
    assert cd.startswith("SPC chart rebased Feb 2009 (New neighbourhood policing model).")
    on_sheet = [i for i, section in enumerate(assessment.inputs.targets["section"]) if section == "CDRP Targets"]
    projected = [i for i in on_sheet if f.projected[i] == f.projected[i] and f.target[i] == f.target[i]
                 and assessment.inputs.targets["measure"][i] == "count"]
    assert len(projected) >= 5
    for k in projected:
        p = f.target_probability[k]
        likely = "likely" if p >= 0.8 else "unlikely" if p <= 0.2 else "too close to call"
        words = (f"Projected {f.projected[k]:,.0f} (80% range {f.projected_low[k]:,.0f}–{f.projected_high[k]:,.0f}) "
                 f"against a target of {f.target[k]:,.0f}: {likely}")
        assert words in _block_note(path, "CDRP Targets", names[ids[k]])
    ruled = [i for i in ids if f.past_month_rule[ids.index(i)]]
    assert ruled
    for indicator in ruled:
        i = ids.index(indicator)
        sheet = assessment.inputs.targets["section"][i]
        if sheet == "Perception":
            continue
        assert f"Past month: {f.past_month_rule[i]} (SPC chart)." in _block_note(path, sheet, names[indicator])


def test_classic_notes_never_speak_of_the_models(built):
    _, path = built["classic"]
    texts = " ".join(_texts(path, "CDRP Targets"))
    assert "Projected" not in texts and "(SPC chart)" not in texts
    assert "Series break Oct 2008" in texts  # breaks are honoured under both sets


@pytest.mark.libreoffice
def test_libreoffice_prints_the_spc_notes_and_both_charts(soffice, built, tmp_path):
    from xl_pib.pdf import convert

    _, path = built["noise-aware"]
    (pdf,) = convert([path], "pdf", tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"\s+", " ", text)
    assert "Past month: above the upper process limit (SPC chart)." in flat
    assert "Series break Oct 2008 (Home Office Counting Rules change)" in flat
    assert "SPC chart rebased Feb 2009 (New neighbourhood policing model)." in flat
    # the SPC charts' legends are drawn as text: one per performance block
    assert flat.count("Upper process limit") >= 2 and flat.count("Special cause: concern") >= 2
