"""xl-pib batch (issue 5): real subprocesses over real folders of input workbooks.

Inputs are small workbooks from benchmarks/generate.py (the benchmark's own generator) and the demo
input; broken ones are the demo's sheets with one thing wrong. Every bulletin is read back with openpyxl
and python-calamine and compared with the engine's assessment of its input.
"""

from __future__ import annotations

import copy
import csv
import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from helpers import assert_figures_equal, assert_results_equal_engine
from xl_pib.assess import assess, assess_many
from xl_pib.demo import write_demo_input
from xl_pib.inputs import parse_sheets, read_workbook, split_areas
from xl_pib.xlsx import write_sheets

REPO = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = _generator()


def xl_pib(*args, cwd=None, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xl_pib", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout, env=_env())


def _env() -> dict:
    paths = [str(REPO), str(REPO / "udfs"), os.environ.get("PYTHONPATH", "")]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in paths if p))


def read_report(folder: Path) -> list[dict]:
    with open(folder / "batch_report.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def hidden_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# --- a folder with good inputs and two broken ones ----------------------------------------------------


def _bad_measure(sheets):
    rows = sheets["Targets"]
    rows[3][rows[0].index("Measure")] = "cnt"


@pytest.fixture(scope="module")
def mixed_batch(tmp_path_factory, demo_sheets):
    inputs = tmp_path_factory.mktemp("inputs")
    good = generate.generate(inputs, 3, indicators=8, months_=60)
    good.append(write_demo_input(inputs / "kettering.xlsx"))
    broken_sheets = copy.deepcopy(demo_sheets)
    _bad_measure(broken_sheets)
    write_sheets(broken_sheets, inputs / "bad_measure.xlsx")
    (inputs / "not_a_workbook.xlsx").write_bytes(b"this is not a zip archive")
    (inputs / "~$kettering.xlsx").write_bytes(b"Excel's lock file")  # skipped, not reported
    (inputs / "notes.txt").write_text("not an input")
    output = tmp_path_factory.mktemp("bulletins")
    done = xl_pib("batch", inputs, "-o", output, "--jobs", 2)
    return inputs, output, good, done


def test_exit_status_2_when_any_input_fails(mixed_batch):
    done = mixed_batch[3]
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout


@pytest.mark.parametrize("name", ["bad_measure.xlsx", "not_a_workbook.xlsx"])
def test_broken_input_reported_with_the_error_xl_pib_build_gives(mixed_batch, name, tmp_path):
    inputs, output, _, done = mixed_batch
    alone = xl_pib("build", inputs / name, "-o", tmp_path / "out.xlsx")
    assert alone.returncode == 2
    (line,) = alone.stderr.strip().splitlines()
    error = line.removeprefix("xl-pib: ")
    assert f"failed {name}: {error}" in done.stderr.splitlines()
    (row,) = [r for r in read_report(output) if r["file"] == name]
    assert (row["status"], row["error"], row["output"]) == ("failed", error, "")
    assert not (output / name).exists()


def test_bad_measure_error_names_sheet_row_and_column(mixed_batch):
    (row,) = [r for r in read_report(mixed_batch[1]) if r["file"] == "bad_measure.xlsx"]
    assert row["error"] == "Targets row 4, column 'Measure': expected one of count, rate, percentage; got 'cnt'"


def test_report_lists_every_input_once_with_status_and_seconds(mixed_batch):
    inputs, output, good, _ = mixed_batch
    rows = read_report(output)
    assert list(rows[0]) == ["file", "status", "error", "seconds", "output", "area", "warnings", "warning_lines",
                             "note"]
    assert sorted(r["file"] for r in rows) == sorted(
        [p.name for p in good] + ["bad_measure.xlsx", "not_a_workbook.xlsx"])
    for r in rows:
        if r["file"] in {p.name for p in good}:
            assert r["status"] == "built" and r["error"] == ""
            assert Path(r["output"]) == output / r["file"]
            assert 0 < float(r["seconds"]) < 60
    assert hidden_files(output) == []


def test_good_inputs_built_and_match_the_engine(mixed_batch):
    inputs, output, good, _ = mixed_batch
    for source in good:
        bulletin = output / source.name
        wb = openpyxl.load_workbook(bulletin)
        assert {"Executive Summary", "Results", "Data"} <= set(wb.sheetnames)
        rows = CalamineWorkbook.from_path(str(bulletin)).get_sheet_by_name("Results").to_python()
        assert_results_equal_engine(rows, assess(read_workbook(source)))


def test_summary_table_and_plain_log_lines_when_not_a_terminal(mixed_batch):
    done, good = mixed_batch[3], mixed_batch[2]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("building 6 input workbooks from ")
    built = [line for line in lines if " built " in line and line.startswith("[")]
    assert len(built) == len(good)
    assert "\r" not in done.stdout  # no progress bar redraws in a log
    table = lines[lines.index("batch summary"):]
    assert table[2].split() == ["built", str(len(good))]
    assert table[3].split() == ["failed", "2"]
    assert table[4].split()[0] == "seconds" and float(table[4].split()[1]) > 0
    assert lines[-1] == f"report: {mixed_batch[1] / 'batch_report.csv'}"


def test_progress_bar_on_a_terminal(tmp_path):
    """On a TTY the count, rate and ETA are drawn by tqdm (a pseudo-terminal stands in for the screen)."""
    import pty

    inputs = tmp_path / "in"
    generate.generate(inputs, 2, indicators=4, months_=48)
    import fcntl
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # a 120-column terminal
    process = subprocess.Popen([sys.executable, "-m", "xl_pib", "batch", str(inputs), "-o", str(tmp_path / "out"),
                                "--jobs", "1"], stdout=follower, stderr=subprocess.PIPE, env=_env())
    os.close(follower)
    screen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the process has ended
            break
        if not chunk:
            break
        screen += chunk
    assert process.wait(120) == 0, process.stderr.read()
    text = screen.decode()
    assert "building: 100%" in text and "2/2" in text and "file/s" in text
    assert "[1/2] built" not in text


def test_live_workbooks_are_refreshed_or_copied_as_values(demo_template, tmp_path):
    """A live .xlsm is refreshed as `xl-pib build BOOK.xlsm -o BOOK.xlsm` does; with --values it becomes .xlsx."""
    import shutil
    import zipfile

    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(demo_template, inputs / "kettering_live.xlsm")
    live = xl_pib("batch", inputs, "-o", tmp_path / "live", "--jobs", 1)
    assert live.returncode == 0, live.stderr
    refreshed = tmp_path / "live" / "kettering_live.xlsm"
    assert "xl/vbaProject.bin" in zipfile.ZipFile(refreshed).namelist()
    static = xl_pib("batch", inputs, "-o", tmp_path / "static", "--values", "--jobs", 1)
    assert static.returncode == 0, static.stderr
    rows = CalamineWorkbook.from_path(str(tmp_path / "static" / "kettering_live.xlsx")).get_sheet_by_name(
        "Results").to_python()
    assert_results_equal_engine(rows, assess(read_workbook(inputs / "kettering_live.xlsm")))
    pdf = xl_pib("batch", inputs, "-o", tmp_path / "pdf", "--pdf")
    assert pdf.returncode == 2
    assert pdf.stderr.strip() == ("xl-pib: --pdf needs --values for live .xlsm inputs: the PDF is made from the "
                                  "static bulletin")


# --- usage errors -------------------------------------------------------------------------------


def test_output_folder_must_differ_from_input_folder(tmp_path):
    generate.generate(tmp_path, 1, indicators=4, months_=48)
    done = xl_pib("batch", tmp_path, "-o", tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == ("xl-pib: the output folder must not be the input folder "
                                   "(bulletins would be read as inputs)")


def test_empty_folder_is_an_error(tmp_path):
    (tmp_path / "in").mkdir()
    done = xl_pib("batch", tmp_path / "in", "-o", tmp_path / "out")
    assert done.returncode == 2
    assert done.stderr.strip() == f"xl-pib: no input workbooks (.xlsx, .xlsm) in {tmp_path / 'in'}"


def test_jobs_must_be_positive(tmp_path):
    done = xl_pib("batch", tmp_path, "-o", tmp_path / "out", "--jobs", "0")
    assert done.returncode == 2 and "--jobs" in done.stderr and "Traceback" not in done.stderr


# --- interrupted batch -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def many_inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("many")
    generate.generate(folder, 40, indicators=12, months_=72)
    return folder


def _interrupt(inputs: Path, output: Path, second_after: float | None):
    """Start a real batch, SIGINT it once the first bulletin is written (twice if asked)."""
    process = subprocess.Popen([sys.executable, "-m", "xl_pib", "batch", str(inputs), "-o", str(output),
                                "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=_env())
    seen = []
    for line in process.stdout:
        seen.append(line)
        if " built " in line:
            break
    process.send_signal(signal.SIGINT)
    if second_after is not None:
        time.sleep(second_after)
        process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    return process.returncode, "".join(seen) + out, err


@pytest.mark.parametrize("second_after", [None, 0.2], ids=["once", "twice"])
def test_interrupted_batch_leaves_no_partial_outputs(many_inputs, tmp_path, second_after):
    output = tmp_path / "out"
    status, out, err = _interrupt(many_inputs, output, second_after)
    assert status == 130, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("xl-pib: batch interrupted: ")
    assert hidden_files(output) == []  # no temporary files of half-written bulletins or report
    bulletins = sorted(output.glob("*.xlsx"))
    for path in bulletins:  # every bulletin present is complete
        wb = openpyxl.load_workbook(path, read_only=True)
        assert "Results" in wb.sheetnames
        wb.close()
    rows = read_report(output)
    assert len(rows) == 40
    built = {r["file"] for r in rows if r["status"] == "built"}
    assert built == {p.name for p in bulletins}
    assert 0 < len(built) < 40
    assert {r["status"] for r in rows} == {"built", "interrupted"}


def test_after_an_interrupt_the_report_follows_the_folder(tmp_path):
    """A worker stopped at once never returns its chunk's rows: the bulletins it finished are found on disk
    (written since the batch started), the others are interrupted, and a stale bulletin is not counted."""
    from xl_pib import batch

    out = tmp_path / "out"
    out.mkdir()
    sources = [tmp_path / f"{name}.xlsx" for name in ("a", "a-b", "c", "d", "e")]
    (out / "d.xlsx").write_bytes(b"from an earlier batch")
    before = batch._snapshot(out)
    for name in ("a.xlsx", "a-b.xlsx", "c-North.xlsx", "e.xlsx"):
        (out / name).write_bytes(b"written by this batch")
    (out / "e.pdf").write_bytes(b"%PDF")
    returned = {sources[1]: [batch.Row("a-b.xlsx", batch.BUILT, output=str(out / "a-b.xlsx"))],
                sources[4]: [batch.Row("e.xlsx", batch.BUILT, output=str(out / "gone.xlsx"))]}
    rows = batch._reconcile(out, sources, returned, before, pdf=False, values=False)
    status = {s.name: [(r.status, Path(r.output).name if r.output else "", r.area) for r in rows[s]] for s in sources}
    assert status == {
        "a.xlsx": [("built", "a.xlsx", "")],  # a-b.xlsx is the input a-b's own bulletin, not an area of a
        "a-b.xlsx": [("built", "a-b.xlsx", "")],
        "c.xlsx": [("built", "c-North.xlsx", "North"), ("interrupted", "", "")],
        "d.xlsx": [("interrupted", "", "")],  # the stale file is older than the batch
        "e.xlsx": [("interrupted", "", "")],  # reported built, but its file is not there
    }
    with_pdf = batch._reconcile(out, sources, {}, before, pdf=True, values=False)
    assert [(r.status, r.error) for r in with_pdf[sources[0]]] == [("interrupted", "stopped before its PDF was printed")]
    assert [r.status for r in with_pdf[sources[4]]] == ["built"]


# --- several areas in one workbook --------------------------------------------------------------------


@pytest.fixture(scope="module")
def multi_area(tmp_path_factory):
    inputs = tmp_path_factory.mktemp("areas_in")
    (source,) = generate.generate(inputs, 1, indicators=6, months_=60, areas=3)
    output = tmp_path_factory.mktemp("areas_out")
    done = xl_pib("batch", inputs, "-o", output, "--jobs", 1)
    return source, output, done


def test_one_bulletin_per_area(multi_area):
    source, output, done = multi_area
    assert done.returncode == 0, done.stderr
    rows = read_report(output)
    assert [(r["file"], r["area"], r["status"]) for r in rows] == [
        (source.name, f"Partnership {n:03d}", "built") for n in (1, 2, 3)]
    for n in (1, 2, 3):
        bulletin = output / f"{source.stem}-Partnership_{n:03d}.xlsx"
        book = CalamineWorkbook.from_path(str(bulletin))
        settings = dict((r[0], r[1]) for r in book.get_sheet_by_name("Settings").to_python()[1:])
        assert settings["Partnership"] == f"Partnership {n:03d}"
        data = book.get_sheet_by_name("Data").to_python()
        assert {r[data[0].index("Area")] for r in data[1:]} == {f"Partnership {n:03d}"}
        # The bulletin carries its own inputs: rebuilt alone, it gives the Results it shows.
        assert_results_equal_engine(book.get_sheet_by_name("Results").to_python(), assess(read_workbook(bulletin)))


def test_areas_are_assessed_as_their_own_partnership(multi_area, tmp_path):
    """Splitting a workbook gives exactly what each area's own single-area workbook gives."""
    source = multi_area[0]
    sheets = generate.partnership_sheets(1, indicators=6, months_=60, areas=3)
    parts = split_areas(parse_sheets(sheets))
    assert [p.settings.partnership for p in parts] == ["Partnership 001", "Partnership 002", "Partnership 003"]
    for part in parts:
        alone = assess(parse_sheets(part.sheets))  # the area's own sheets, as its bulletin copies them
        pd.testing.assert_frame_equal(alone.results, assess(part).results)
        assert_figures_equal(alone.figures, assess(part).figures)
    assert source.exists()


def test_xl_pib_build_refuses_a_workbook_of_several_areas(multi_area, tmp_path):
    done = xl_pib("build", multi_area[0], "-o", tmp_path / "out.xlsx")
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("xl-pib: Data row ") and ", column 'Area': expected rows for the partnership " \
        "'Partnership 001' only" in line and "use 'xl-pib batch'" in line and line.endswith("got 'Partnership 002'")
    assert not (tmp_path / "out.xlsx").exists()


# --- the engine's stacked pass -------------------------------------------------------------------------


def test_assess_many_equals_assessing_each_alone(demo_sheets):
    """Bulletins of different month axes, MSG widths and engine settings stacked in one call."""
    books = [generate.partnership_sheets(n, indicators=10, months_=m) for n, m in ((1, 48), (2, 120), (3, 72))]
    books.append(demo_sheets)
    no_msg = copy.deepcopy(demo_sheets)
    del no_msg["MSG"]
    for row in no_msg["Settings"]:
        if row[0] == "Trend window":
            row[1] = 36
    books.append(no_msg)
    inputs = [parse_sheets(b) for b in books]
    together = assess_many(inputs)
    for one, stacked in zip(inputs, together):
        alone = assess(one)
        pd.testing.assert_frame_equal(alone.results, stacked.results)
        assert_figures_equal(alone.figures, stacked.figures)
        pd.testing.assert_frame_equal(alone.outcomes, stacked.outcomes)
        np.testing.assert_array_equal(alone.month_axis, stacked.month_axis)
        assert alone.reasons == stacked.reasons
        assert alone.warnings == stacked.warnings


def test_the_documented_batch_example_runs(tmp_path):
    """The Batch page's example (docs/batch.md), run as written (from a folder where benchmarks/ is the repo's)."""
    import re

    page = (REPO / "docs" / "batch.md").read_text()
    command = re.findall(r"```bash\n(.*?)```", page, flags=re.S)[0].strip()
    (tmp_path / "benchmarks").symlink_to(REPO / "benchmarks")
    done = subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True, text=True, env=_env(),
                          timeout=600)
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in (tmp_path / "bulletins").iterdir())
    assert names == ["batch_report.csv", *(f"partnership_{n:03d}.xlsx" for n in range(1, 11))]
    assert [r["status"] for r in read_report(tmp_path / "bulletins")] == ["built"] * 10
