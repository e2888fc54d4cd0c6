"""benchmarks/run.py --quick: every benchmark runs and the table is printed (a smoke test, not a speed test)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_quick_benchmark_prints_the_whole_table():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(REPO), str(REPO / "udfs"), os.environ.get("PYTHONPATH", "")) if p))
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick"], capture_output=True,
                          text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("benchmark "))
    assert [c.strip() for c in lines[header].split("|")] == ["benchmark", "measured", "target", "met"]
    table = [line for line in lines[header + 2:] if "|" in line]
    names = [line.split("|")[0].strip() for line in table]
    for expected in ("engine, 20 x 30 x 120", "peer: per-indicator pandas loop", "engine speed-up over the loop",
                     "PIB_RAG over a 10,000-row range", "UDF scalar overhead", "demo build", "peer: openpyxl floor",
                     "build / floor", "input read", "peer: openpyxl read-only", "batch of 4 x 8 x 60 inputs",
                     "peak RSS, parent + workers summed", "refresh of the demo workbook",
                     "UDF calls per full recalculation", "projection model, 20 x 30 x 120",
                     "peer: per-series statsmodels GLM loop", "projection speed-up over the statsmodels loop",
                     "batch of 4 x 8 x 60 inputs, --jobs 2, no PDFs",
                     "the same with --pdf", "the same with --pdf, one LibreOffice start per bulletin",
                     "PDF bulletins per second: kept LibreOffice / one start per bulletin",
                     "LibreOffice processes left running after the batches",
                     "ingest police-uk, 200,000 rows", "peak RSS of the ingest process",
                     "ingest speed-up over pandas", "of which (--timings) imports",
                     "the DuckDB pass alone, cumulatively"):
        assert any(name.startswith(expected) for name in names), expected
    for line in table:
        name, measured, target, met = (c.strip() for c in line.split("|"))
        assert measured, name
        assert met in ("", "yes", "NO"), name
    assert "cores" in lines[-1] and "--quick" in lines[-1]


def test_only_rejects_unknown_benchmarks():
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--only", "nosuch"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "unknown benchmark(s): nosuch" in done.stderr


def test_write_puts_the_table_in_a_markdown_page(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(REPO), str(REPO / "udfs"), os.environ.get("PYTHONPATH", "")) if p))
    target = tmp_path / "RESULTS.md"
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--only", "rag",
                           "--write", str(target)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    page = target.read_text().splitlines()
    assert page[0] == "# Benchmarks"
    machine = done.stdout.strip().splitlines()[-1]
    assert any(machine in line and "shared" in line for line in page)
    header = page.index("| benchmark | measured | target | met |")
    (row,) = page[header + 2:]
    assert row.startswith("| PIB_RAG over a 10,000-row range (one call) | ") and row.endswith(" |")
