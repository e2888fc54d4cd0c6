"""The PDF path of `xl-pib batch --pdf` (issue 18): the printed copy of a saved bulletin, and one LibreOffice
(xl_pib.office.Office) kept running, restarted when it dies, and gone when closed. Real LibreOffice throughout."""

from __future__ import annotations

import os
import signal
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import psutil
import pytest

from xl_pib.bulletin import build_workbook, print_sheets, save
from xl_pib.pdf import PdfError, export_pdf, print_saved, printed_copy


@pytest.fixture(scope="module")
def saved_bulletin(demo_assessment, tmp_path_factory):
    folder = tmp_path_factory.mktemp("office")
    wb, layout = build_workbook(demo_assessment)
    path = save(wb, folder / "bulletin.xlsx")
    return path, print_sheets(layout)


def test_printed_copy_shows_only_the_printed_sheets_and_keeps_what_the_charts_draw(saved_bulletin, tmp_path):
    path, printed = saved_bulletin
    copy = openpyxl.load_workbook(printed_copy(path, printed, tmp_path / "copy.xlsx"))
    whole = openpyxl.load_workbook(path)
    assert copy.sheetnames == whole.sheetnames  # same sheets, so names and print settings still point right
    assert [ws.title for ws in copy.worksheets if ws.sheet_state == "visible"] == printed
    for name in printed + ["Chart Data"]:  # what is printed, and what its charts read, is untouched
        assert [[c.value for c in r] for r in copy[name].iter_rows()] == \
               [[c.value for c in r] for r in whole[name].iter_rows()], name
    assert copy["Data"].max_row == 1 and copy["Data"]["A1"].value is None  # read by nothing printed: emptied
    assert whole["Data"].max_row > 100
    charts = lambda book: sorted(n for n in zipfile.ZipFile(book).namelist() if n.startswith("xl/charts/"))  # noqa
    assert charts(tmp_path / "copy.xlsx") == charts(path) != []


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_one_office_prints_many_survives_a_kill_and_leaves_nothing(office_bindings, demo_assessment, saved_bulletin,
                                                                     tmp_path):
    from xl_pib.office import Office

    path, printed = saved_bulletin
    wb, _ = build_workbook(demo_assessment)
    simple = export_pdf(wb, printed, tmp_path / "simple.pdf")  # xl-pib build --pdf: its own LibreOffice start
    office = Office()
    try:
        first = print_saved(path, printed, tmp_path / "first.pdf", office)
        pid = office.pid()
        assert pid is not None and office.starts == 1
        starts = office.starts
        second = print_saved(path, printed, tmp_path / "second.pdf", office)
        assert office.pid() == pid and office.starts == starts  # the same LibreOffice printed both
        assert _pdf_text(first) == _pdf_text(second) == _pdf_text(simple)  # the same pages as the simple way

        os.killpg(pid, signal.SIGKILL)  # dies between two bulletins: the next one starts a new LibreOffice
        third = print_saved(path, printed, tmp_path / "third.pdf", office)
        assert office.pid() not in (None, pid) and office.starts > starts
        assert _pdf_text(third) == _pdf_text(first)

        not_a_workbook = tmp_path / "broken.xlsx"
        not_a_workbook.write_bytes(b"PK\x03\x04 not really a zip")
        with pytest.raises(PdfError, match="LibreOffice could not (load|print) broken.xlsx"):
            office.export_pdf(not_a_workbook, tmp_path / "broken.pdf")
        assert not (tmp_path / "broken.pdf").exists() or (tmp_path / "broken.pdf").stat().st_size == 0
        fourth = print_saved(path, printed, tmp_path / "fourth.pdf", office)  # and the next PDF still prints
        assert _pdf_text(fourth) == _pdf_text(first)
        live = office.pid()
        work = office._work
    finally:
        office.close()
    assert not psutil.pid_exists(live) or psutil.Process(live).status() == psutil.STATUS_ZOMBIE
    assert not work.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_killed_worker_takes_its_libreoffice_with_it(office_bindings, saved_bulletin, tmp_path):
    """soffice.bin is started with PR_SET_PDEATHSIG: SIGKILL the process that started it and it goes too."""
    import sys

    path, printed = saved_bulletin
    code = ("import sys, time; from pathlib import Path; from xl_pib.office import Office\n"
            "o = Office(); o.export_pdf(Path(sys.argv[1]), Path(sys.argv[2])); print(o.pid(), flush=True)\n"
            "time.sleep(60)\n")
    copy = printed_copy(path, printed, tmp_path / "copy.xlsx")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).resolve().parents[2]),
                                                       os.environ.get("PYTHONPATH", "")]))
    worker = subprocess.Popen([sys.executable, "-c", code, str(copy), str(tmp_path / "out.pdf")],
                              stdout=subprocess.PIPE, text=True, env=env)
    office_pid = int(worker.stdout.readline())
    assert psutil.pid_exists(office_pid)
    worker.kill()
    worker.wait()
    try:
        psutil.Process(office_pid).wait(10)
    except psutil.NoSuchProcess:
        pass
    assert not psutil.pid_exists(office_pid)


def test_the_simple_way_stops_libreoffice_at_its_timeout_with_a_one_line_error(saved_bulletin, tmp_path):
    """One LibreOffice start per PDF (no Office): a conversion past its timeout is a PdfError (a failed row in a
    batch), and soffice.bin, not only the soffice script, is ended with it."""
    import time

    from xl_pib.pdf import convert

    path, _ = saved_bulletin
    started = time.time()
    with pytest.raises(PdfError, match=r"^LibreOffice took more than 0.3 s to convert bulletin.xlsx$"):
        convert([path], "pdf", tmp_path / "out", timeout=0.3)

    def leaked(process):  # one this test started, whose throw-away profile (removed by convert) is gone
        profile = next((a.split("file://", 1)[1] for a in process.info["cmdline"] or [] if "xl-pib-lo-" in a), None)
        return process.info["create_time"] >= started - 1 and profile is not None and not Path(profile).exists()

    time.sleep(0.5)
    assert [p.pid for p in psutil.process_iter(["cmdline", "create_time"]) if leaked(p)] == []
