"""xl-pib batch --pdf (issue 18): one LibreOffice per worker, in real batches with a real LibreOffice.

Every batch runs with XL_PIB_RUN=<tag> in its environment; LibreOffice inherits it, so the process tree
is read for this test's LibreOffice processes only (other work on the machine may run its own).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psutil
import pytest

from test_batch import _env, generate, hidden_files, read_report

SHAPE = dict(indicators=6, months_=48)  # small bulletins: the LibreOffice behaviour is what is tested


def _tagged_office(tag: str) -> dict[int, int]:
    """Running soffice.bin / oosplash processes started with XL_PIB_RUN=tag: pid -> parent pid."""
    found = {}
    for process in psutil.process_iter(["cmdline", "ppid"]):
        try:
            text = " ".join(process.info["cmdline"] or [])
            if ("soffice.bin" in text or "oosplash" in text) and process.environ().get("XL_PIB_RUN") == tag:
                found[process.pid] = process.info["ppid"]
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


class Watch:
    """The LibreOffice starts of a tagged batch while it runs (polled every 20 ms): processes whose parent
    is not itself LibreOffice (LibreOffice forks helpers of its own, which are not starts)."""

    def __init__(self, tag: str):
        self.tag, self.seen, self._done = tag, {}, threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._done.is_set():
            self.seen.update(_tagged_office(self.tag))
            time.sleep(0.02)

    def stop(self) -> set[int]:
        self._done.set()
        self._thread.join()
        return {pid for pid, parent in self.seen.items() if parent not in self.seen}


def _batch(inputs: Path, output: Path, *extra, env=None, tag: str) -> subprocess.Popen:
    environment = dict(_env(), XL_PIB_RUN=tag, **(env or {}))
    return subprocess.Popen([sys.executable, "-m", "xl_pib", "batch", str(inputs), "-o", str(output), "--pdf",
                             *map(str, extra)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=environment)


def _left_after(tag: str, seconds: float = 5.0) -> dict[int, int]:
    """This batch's LibreOffice processes still running ``seconds`` after it ended (none expected)."""
    deadline = time.monotonic() + seconds
    while (left := _tagged_office(tag)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


@pytest.fixture(scope="module")
def pdf_inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf_in")
    generate.generate(folder, 3, **SHAPE)
    return folder


def test_one_libreoffice_per_worker_prints_what_xl_pib_build_prints(office_bindings, pdf_inputs, tmp_path):
    tag = uuid.uuid4().hex
    watch = Watch(tag)
    process = _batch(pdf_inputs, tmp_path / "out", "--jobs", 1, tag=tag)
    out, err = process.communicate(timeout=300)
    seen = watch.stop()
    assert process.returncode == 0, err
    rows = read_report(tmp_path / "out")
    assert [r["status"] for r in rows] == ["built"] * 3
    # One LibreOffice for the worker's three PDFs (and the short run that sets up its new profile).
    assert len(seen) <= 2, f"one worker, one LibreOffice for its three PDFs; saw {len(seen)} starts"
    assert _left_after(tag) == {}
    assert hidden_files(tmp_path / "out") == []
    # The same pages as `xl-pib build --pdf` (one LibreOffice start, the whole workbook re-saved) prints.
    source = pdf_inputs / "partnership_002.xlsx"
    alone = subprocess.run([sys.executable, "-m", "xl_pib", "build", str(source), "-o", str(tmp_path / "alone.xlsx"),
                            "--pdf"], capture_output=True, text=True, env=_env(), timeout=300)
    assert alone.returncode == 0, alone.stderr
    assert page_texts(tmp_path / "out" / "partnership_002.pdf") == page_texts(tmp_path / "alone.pdf")


def test_libreoffice_killed_mid_batch_is_restarted_and_nothing_is_lost(office_bindings, tmp_path):
    inputs = tmp_path / "in"
    generate.generate(inputs, 4, **SHAPE)
    tag = uuid.uuid4().hex
    watch = Watch(tag)
    process = _batch(inputs, tmp_path / "out", "--jobs", 1, tag=tag)
    deadline = time.monotonic() + 120
    while not (tmp_path / "out" / "partnership_001.pdf").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    victims = set(_tagged_office(tag))
    assert victims, "no LibreOffice running after the first PDF"
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    out, err = process.communicate(timeout=300)
    seen = watch.stop()
    assert process.returncode == 0, err
    assert [r["status"] for r in read_report(tmp_path / "out")] == ["built"] * 4
    assert len(seen - victims) >= 1, "a new LibreOffice took over"
    for n in range(1, 5):
        assert (tmp_path / "out" / f"partnership_{n:03d}.pdf").read_bytes()[:5] == b"%PDF-"
    assert _left_after(tag) == {}
    assert hidden_files(tmp_path / "out") == []


def test_a_pdf_that_fails_is_reported_and_the_batch_goes_on(office_bindings, pdf_inputs, tmp_path):
    """Every conversion stopped by a tiny XL_PIB_PDF_TIMEOUT: each bulletin is a failed row naming why, its
    workbook is there, no PDF or temporary file is left, and neither is any LibreOffice."""
    tag = uuid.uuid4().hex
    process = _batch(pdf_inputs, tmp_path / "out", "--jobs", 2, env={"XL_PIB_PDF_TIMEOUT": "0.001"}, tag=tag)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 2, err
    assert "Traceback" not in err
    rows = read_report(tmp_path / "out")
    assert len(rows) == 3
    for row in rows:
        assert row["status"] == "failed"
        assert row["error"].startswith("LibreOffice took more than 0.001 s to print partnership_"), row["error"]
        assert Path(row["output"]).is_file() and Path(row["output"]).suffix == ".xlsx"
        assert f"failed {row['file']}: {row['error']}" in err.splitlines()
    assert sorted(p.suffix for p in (tmp_path / "out").iterdir()) == [".csv", ".xlsx", ".xlsx", ".xlsx"]
    assert _left_after(tag) == {}


def test_a_bad_pdf_timeout_is_refused_up_front(pdf_inputs, tmp_path):
    process = _batch(pdf_inputs, tmp_path / "out", env={"XL_PIB_PDF_TIMEOUT": "soon"}, tag="unused")
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert err.strip() == "xl-pib: XL_PIB_PDF_TIMEOUT: expected a number of seconds above 0; got 'soon'"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_stopped_batch_leaves_no_libreoffice_running(office_bindings, tmp_path, stop):
    inputs = tmp_path / "in"
    generate.generate(inputs, 8, **SHAPE)
    tag = uuid.uuid4().hex
    process = _batch(inputs, tmp_path / "out", "--jobs", 2, tag=tag)
    for line in process.stdout:
        if " built " in line:
            break
    assert _tagged_office(tag), "LibreOffice is running mid-batch"
    process.send_signal(stop)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert _left_after(tag) == {}
    assert hidden_files(tmp_path / "out") == []
    rows = read_report(tmp_path / "out")
    assert {r["status"] for r in rows} <= {"built", "interrupted"} and len(rows) == 8
    for row in rows:
        if row["status"] == "built":
            assert Path(row["output"]).with_suffix(".pdf").read_bytes()[:5] == b"%PDF-"


def test_without_the_bindings_each_pdf_starts_libreoffice(soffice, pdf_inputs, tmp_path):
    """XL_PIB_PDF_LISTENER=0 (what a Python without LibreOffice's bindings gets): the PDFs are still made."""
    tag = uuid.uuid4().hex
    watch = Watch(tag)
    process = _batch(pdf_inputs, tmp_path / "out", "--jobs", 1, env={"XL_PIB_PDF_LISTENER": "0"}, tag=tag)
    out, err = process.communicate(timeout=300)
    seen = watch.stop()
    assert process.returncode == 0, err
    assert [r["status"] for r in read_report(tmp_path / "out")] == ["built"] * 3
    assert len(seen) >= 3, "one LibreOffice start per bulletin"
    assert _left_after(tag) == {}
