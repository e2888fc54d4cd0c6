"""Movement since the last bulletin through the command line (issue 17, deliverable 2).

The issue's "Done when": the demo built with ``--previous`` on a copy of itself with its last month of data
removed (and, as a real month brings, one month already published revised) shows the movement a real month
would show. Both bulletins are real ``xl-pib build`` outputs read back with python-calamine; every moved
judgement is found by comparing the two Results sheets cell by cell, independently of xl_pib.movement.
Also: ``--previous`` on a live workbook's own refreshes, the one-line errors, and ``batch --previous DIR``.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from test_batch import xl_pib  # the same subprocess runner (the worktree on the path)
from xl_pib import labels, months
from xl_pib.figures import SPEC
from xl_pib.movement import BETTER, WORSE

REVISED = ("NI16", "2009-06", -5)  # (indicator, month, change) made in last month's copy: a revision now


def sheet(path: Path, name: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def sheet_names(path: Path) -> list[str]:
    return CalamineWorkbook.from_path(str(path)).sheet_names


def last_months_input(source: Path, target: Path, partnership: str | None = None) -> Path:
    """``source`` as it was a month earlier: its last month of Data removed, Latest month one earlier, and
    the month REVISED as it was first published."""
    wb = openpyxl.load_workbook(source)
    settings = {str(r[0].value).strip().lower(): r[1] for r in wb["Settings"].iter_rows() if r[0].value}
    latest = months.parse(str(settings["latest month"].value))
    settings["latest month"].value = months.iso(latest - 1)
    if partnership:
        settings["partnership"].value = partnership
    ws = wb["Data"]
    indicator, month, change = REVISED
    doomed = []
    for row in ws.iter_rows(min_row=2):
        when = months.parse(str(row[0].value)) if row[0].value else None
        if when == latest:
            doomed.append(row[0].row)
        elif when == months.parse(month) and row[1].value == indicator:
            row[2].value += change
    for r in reversed(doomed):
        ws.delete_rows(r)
    wb.save(target)
    return target


def results_by_indicator(path: Path) -> dict[str, dict]:
    rows = sheet(path, "Results")
    return {str(r[0]): dict(zip(rows[0], r)) for r in rows[1:] if r and r[0]}


def outcome_rags(path: Path) -> dict[str, tuple]:
    """Outcome code -> (RAG, the fourth column or None) from the Executive Summary."""
    out = {}
    for row in sheet(path, "Executive Summary"):
        if len(row) > 2 and row[2] and ":" in str(row[0]) and not str(row[0]).startswith("Theme"):
            out[str(row[0]).split(":")[0]] = (row[2], row[3] if len(row) > 3 else None)
    return out


@pytest.fixture(scope="module")
def month_pair(demo_files, tmp_path_factory):
    """(last month's bulletin, this month's bulletin built --previous it, the folder)."""
    folder = tmp_path_factory.mktemp("since")
    demo_input, _ = demo_files
    last_input = last_months_input(demo_input, folder / "last_input.xlsx")
    assert xl_pib("build", last_input, "-o", folder / "last.xlsx").returncode == 0
    done = xl_pib("build", demo_input, "-o", folder / "now.xlsx", "--previous", folder / "last.xlsx")
    assert done.returncode == 0, done.stderr
    return folder / "last.xlsx", folder / "now.xlsx", folder


def since_rows(path: Path) -> list[list]:
    return sheet(path, "Since last month")


def test_since_last_month_follows_the_executive_summary(month_pair):
    last, now, _ = month_pair
    assert sheet_names(now)[:2] == ["Executive Summary", "Since last month"]
    assert "Since last month" not in sheet_names(last)  # built without --previous: no section


def test_every_moved_judgement_is_one_sentence(month_pair):
    """Each judged Results column that differs between the two bulletins, for each indicator, is one sentence
    naming the indicator with the old and the new result; nothing that did not move is listed."""
    last, now, _ = month_pair
    before, after = results_by_indicator(last), results_by_indicator(now)
    names = {i: r[SPEC.rag.column] for i, r in after.items()}
    assert names
    sentences = [r[1] for r in since_rows(now)]
    judged = [SPEC.rag.column, SPEC.position.column, SPEC.trend_sufficient.column, SPEC.past_month.column]
    moved = [(i, c) for i in after for c in judged if c in after[i] and
             str(before[i].get(c) or labels.NA) != str(after[i][c] or labels.NA)]
    assert moved, "a real month moves some judgements"
    targets = {str(r[0]): r[1] for r in sheet(now, "Targets")[1:]}
    for indicator, column in moved:
        name, was, now_ = targets[indicator], before[indicator][column] or labels.NA, after[indicator][column] or labels.NA
        if column == SPEC.past_month.column:
            hits = [s for s in sentences if s.startswith(f"{name}: ") and "the past month" in s and str(now_) in s]
        else:
            hits = [s for s in sentences if s.startswith(f"{name}: ") and
                    f"{column} from {was} to {now_}".lower() in s.lower() and f" from {was} to {now_}" in s]
        assert len(hits) == 1, (indicator, column, was, now_, hits)
    indicator_lines = [r for r in since_rows(now) if r[0] in (BETTER, WORSE)]
    assert len(indicator_lines) >= len(moved) - 1  # each moved ranked judgement carries an arrow


def test_new_special_causes_are_named(month_pair):
    last, now, _ = month_pair
    before, after = results_by_indicator(last), results_by_indicator(now)
    special = (labels.ABOVE_EXPECTED, labels.BELOW_EXPECTED)
    column = SPEC.past_month.column
    new = [i for i in after if after[i][column] in special and before[i][column] not in special]
    assert new
    text = "\n".join(r[1] for r in since_rows(now))
    assert text.count("a new special cause") == len(new)


def test_outcome_rags_that_moved_have_arrows_on_the_executive_summary(month_pair):
    last, now, _ = month_pair
    before, after = outcome_rags(last), outcome_rags(now)
    order = {labels.RED: 0, labels.AMBER: 1, labels.GREEN: 2}
    moved = {code for code in after if before[code][0] != after[code][0]}
    assert moved, "the demo's last month moves some outcome RAGs"
    for code, (rag, arrow) in after.items():
        if code not in moved:
            assert not arrow, code
            continue
        was = before[code][0]
        expected = BETTER if order.get(rag, -1) > order.get(was, -1) else WORSE
        assert arrow == f"{expected} from {was}", (code, rag, arrow)
    outcome_sentences = [r[1] for r in since_rows(now) if str(r[1]).startswith("Outcome ")]
    assert len(outcome_sentences) == len(moved)


def test_a_revised_published_month_is_one_sentence(month_pair):
    _, now, _ = month_pair
    indicator, month, change = REVISED
    name = {str(r[0]): r[1] for r in sheet(now, "Targets")[1:]}[indicator]
    value = next(r[2] for r in sheet(now, "Data")[1:] if r[1] == indicator and months.parse(str(r[0])) ==
                 months.parse(month))
    revisions = [r[1] for r in since_rows(now) if str(r[1]).startswith("Revised:")]
    assert revisions == [f"Revised: {name}'s {months.label(months.parse(month))} value is now {value:,.0f} "
                         f"({value + change:,.0f} in the last bulletin)."]


def test_the_printed_bulletin_has_the_section_after_the_summary(month_pair, soffice):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed")
    _, _, folder = month_pair
    done = xl_pib("build", folder / "last_input.xlsx", "-o", folder / "printed.xlsx", "--pdf", "--previous",
                  folder / "last.xlsx")
    assert done.returncode == 0, done.stderr
    pages = subprocess.run(["pdftotext", "-layout", str(folder / "printed.pdf"), "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")
    assert "Executive Summary" in pages[0]
    assert "Since last month" in pages[0]  # the Executive Summary's arrows column
    since = next(k for k, page in enumerate(pages) if "Changes since the bulletin for data to" in page)
    assert since >= 1 and all("Executive Summary" not in p for p in pages[since:])
    first_section = next(k for k, page in enumerate(pages) if "County Targets" in page and k > 0)
    assert since < first_section
    # Against itself nothing moved: the section says so in one line per group.
    assert "No outcome's RAG moved." in pages[since]
    assert "No month already published was revised" in " ".join(pages[since:since + 2])


# --- errors: one line, nothing written ----------------------------------------------------------------------


@pytest.mark.parametrize("make, expected", [
    (lambda f: (f / "junk.xlsx").write_text("not a workbook") and f / "junk.xlsx", "junk.xlsx"),
    (lambda f: f / "absent.xlsx", "absent.xlsx: expected an earlier bulletin"),
    (lambda f: f / "last_input.xlsx", "last_input.xlsx: expected a bulletin with a Results sheet"),
    (lambda f: f / "notes.csv", "--previous notes.csv"),
])
def test_an_unusable_previous_bulletin_is_a_one_line_error(month_pair, demo_files, make, expected):
    _, _, folder = month_pair
    output = folder / "never.xlsx"
    done = xl_pib("build", demo_files[0], "-o", output, "--previous", make(folder))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and expected in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and not output.exists()


def test_another_areas_bulletin_is_refused(month_pair, demo_files):
    _, _, folder = month_pair
    other_input = last_months_input(demo_files[0], folder / "corby_input.xlsx", partnership="Corby")
    assert xl_pib("build", other_input, "-o", folder / "corby.xlsx").returncode == 0
    done = xl_pib("build", demo_files[0], "-o", folder / "never.xlsx", "--previous", folder / "corby.xlsx")
    assert done.returncode == 2
    assert "corby.xlsx: expected an earlier bulletin for Kettering; got 'Corby'" in done.stderr
    assert not (folder / "never.xlsx").exists()


# --- a live workbook compares with its own last refresh of an earlier month --------------------------------


def test_a_live_workbook_compares_with_its_last_refresh_of_an_earlier_month(month_pair, demo_files):
    last, now, folder = month_pair
    assert xl_pib("template", "-i", folder / "last_input.xlsx", "-o", folder / "live.xlsm").returncode == 0
    assert since_rows(folder / "live.xlsm")[2][1].startswith("No earlier bulletin")
    # The analyst pastes the new month (and the revised month as it is now) and sets Latest month.
    wb = openpyxl.load_workbook(folder / "live.xlsm", keep_vba=True)
    current = openpyxl.load_workbook(demo_files[0])
    wb.remove(wb["Data"])
    data = wb.create_sheet("Data", wb.sheetnames.index("MSG"))
    for row in current["Data"].iter_rows(values_only=True):
        data.append(list(row))
    for r in wb["Settings"].iter_rows():
        if str(r[0].value).strip().lower() == "latest month":
            r[1].value = current["Settings"][r[0].row][1].value
    wb.save(folder / "live.xlsm")
    for _ in range(2):  # refreshing again within the month still compares with last month
        done = xl_pib("build", folder / "live.xlsm", "-o", folder / "live.xlsm")
        assert done.returncode == 0 and "refreshed" in done.stdout, done.stderr
        live = [r[1] for r in since_rows(folder / "live.xlsm") if r[1]]
        static = [r[1] for r in since_rows(now) if r[1]]
        assert live[1:] == [s.replace(" (last.xlsx)", "") for s in static[1:]]
    # --previous on the live workbook itself: its kept record of the earlier month.
    done = xl_pib("build", folder / "live.xlsm", "--values", "-o", folder / "from_live.xlsx", "--previous",
                  folder / "live.xlsm")
    assert done.returncode == 0, done.stderr
    assert [r[1] for r in since_rows(folder / "from_live.xlsx") if r[1]][2:] == \
        [r[1] for r in since_rows(now) if r[1]][2:]


# --- batch --previous DIR ------------------------------------------------------------------------------------


def test_batch_matches_last_months_bulletins_by_file_name_or_area(month_pair, demo_files, tmp_path):
    last, _, folder = month_pair
    inputs, previous, output = tmp_path / "in", tmp_path / "prev", tmp_path / "out"
    for d in (inputs, previous):
        d.mkdir()
    shutil.copy(demo_files[0], inputs / "kettering.xlsx")        # matched by file name
    shutil.copy(demo_files[0], inputs / "kettering_dec.xlsx")    # matched by area (no file of that name)
    last_months_input(demo_files[0], inputs / "corby.xlsx", partnership="Corby")  # no previous: a note
    shutil.copy(last, previous / "kettering.xlsx")
    done = subprocess.run([sys.executable, "-m", "xl_pib", "batch", str(inputs), "-o", str(output), "--jobs", "1",
                           "--previous", str(previous)], capture_output=True, text=True, env=_env())
    assert done.returncode == 0, done.stdout + done.stderr
    with open(output / "batch_report.csv", newline="", encoding="utf-8") as handle:
        report = {r["file"]: r for r in csv.DictReader(handle)}
    assert {r["status"] for r in report.values()} == {"built"}
    assert report["kettering.xlsx"]["note"] == report["kettering_dec.xlsx"]["note"] == ""
    assert "no previous bulletin" in report["corby.xlsx"]["note"]
    expected = [r[1] for r in since_rows(month_pair[1]) if r[1]][2:]
    for name in ("kettering.xlsx", "kettering_dec.xlsx"):
        assert [r[1] for r in since_rows(output / name) if r[1]][2:] == expected, name
    assert "Since last month" not in sheet_names(output / "corby.xlsx")


def test_batch_previous_must_be_a_folder(tmp_path, demo_files):
    (tmp_path / "in").mkdir()
    done = xl_pib("batch", tmp_path / "in", "-o", tmp_path / "out", "--previous", demo_files[0])
    assert done.returncode == 2 and "--previous" in done.stderr and done.stderr.count("\n") == 1, done.stderr


def _env():
    from test_batch import _env as env

    return env()
