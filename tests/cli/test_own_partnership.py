"""The README's "Your own partnership", run end to end (issue 13, deliverable 7 and "Done when").

``tools/own_partnership.py`` writes a counts file with MM/YYYY months, runs the README's commands exactly as
written there and types the targets into the Targets rows ``xl-pib new`` made. This module checks the bulletin
and its PDF (read by poppler's ``pdftotext``) against its own computation from the counts file, with the csv
module and plain arithmetic: every baseline, target and current figure, the headlines and the sentences, no
demo (Kettering) content and no note meant for the analyst on any printed page.
"""

from __future__ import annotations

import csv
import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

import helpers  # noqa: F401  (puts tools/ on sys.path)
import own_partnership as walkthrough
from conftest import _require_libreoffice
from xl_pib.inputs.schema import INPUT_SHEETS

pytestmark = pytest.mark.libreoffice
DOCS = Path(__file__).resolve().parents[2] / "docs"
IDS = {"All crime": "ALL_CRIME", "Burglary": "BURGLARY", "Vehicle crime": "VEHICLE_CRIME",
       "ASB incidents": "ASB_INCIDENTS"}


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    """The folder after all seven steps, with copies of the bulletin (and PDF) of step 4."""
    _require_libreoffice()
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed")
    folder = tmp_path_factory.mktemp("anytown")

    def keep(step):
        if step.number == 4:
            for name in (walkthrough.BULLETIN, Path(walkthrough.BULLETIN).with_suffix(".pdf").name):
                shutil.copy(folder / name, folder / f"step4_{name}")

    steps = walkthrough.walk(folder, pdf=True, after=keep)
    print("\n" + "\n".join(f"step {s.number}: {s.seconds:.2f} s  {s.what}" for s in steps))
    return folder


# --- the independent computation, from the counts file alone -------------------------------------


def counts(folder: Path) -> dict[str, list[int]]:
    """Each crime type's monthly counts from April 2021, the new month's file appended."""
    out: dict[str, list[int]] = {}
    for name in (walkthrough.COUNTS, walkthrough.NEW_MONTH):
        with open(folder / name, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for series, value in row.items():
                    if series != "Month":
                        out.setdefault(series, []).append(int(value))
    return out


def twelve_to(values: list[int], month: str) -> int:
    """The 12 months to ``month`` (MM/YYYY), the counts starting April 2021."""
    mm, yyyy = map(int, month.split("/"))
    end = (yyyy * 12 + mm - 1) - (2021 * 12 + 3)
    return sum(values[end - 11:end + 1])


def month_index(month: str) -> int:
    mm, yyyy = map(int, month.split("/"))
    return yyyy * 12 + mm - 1


def expected(folder: Path, latest: str) -> dict[str, dict]:
    """Per crime type: baseline (the 12 months to March 2022), target, current (the 12 months to ``latest``),
    the change, the figure at the target date once it is reached, and the comparative 12 months."""
    out = {}
    for name, values in counts(folder).items():
        base, current = twelve_to(values, "03/2022"), twelve_to(values, latest)
        kind, amount, date = walkthrough.TYPED_TARGETS.get(name, ("none", None, None))
        if kind == "reduction_pct":
            target = base - math.ceil(base * amount - 1e-9)  # held to whole crimes, in the target's favour
        else:
            target = amount if kind == "level" else None
        reached = date is not None and month_index(date) <= month_index(latest)
        out[name] = {"baseline": base, "target": target, "current": current, "change": current / base - 1,
                     "kind": kind, "amount": amount, "date": date,
                     "at_date": twelve_to(values, date) if reached else None,
                     "comparative": current / twelve_to(values, _back(latest, 12)) - 1}
    return out


def _back(month: str, n: int) -> str:
    mm, yyyy = map(int, month.split("/"))
    index = yyyy * 12 + mm - 1 - n
    return f"{index % 12 + 1:02d}/{index // 12}"


def label(month: str) -> str:
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    mm, yyyy = month.split("/")
    return f"{names[int(mm) - 1]} {yyyy}"


def results(bulletin: Path) -> dict[str, dict]:
    rows = CalamineWorkbook.from_path(str(bulletin)).get_sheet_by_name("Results").to_python()
    header, *body = rows
    return {row[header.index("Name")]: dict(zip(header, row)) for row in body}


def pdf_text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


def printed(sentence: str, text: str) -> bool:
    """``sentence`` is in the PDF's text; pdftotext may put the Executive Summary's RAG cell ("R", "A/G", "N/A")
    between two of its words, as it reads the page's columns side by side."""
    words = [re.escape(w) for w in sentence.split()]
    return re.search(r"(?: (?:[RAG](?:/[RAG])?|N/A))? ".join(words), text) is not None


def article(size: str) -> str:
    whole = size.split(".")[0]
    return "An" if whole.startswith("8") or (len(whole) % 3 == 2 and whole[:2] in ("11", "18")) else "A"


# --- the checks ------------------------------------------------------------------------------------


@pytest.mark.parametrize("stage,latest", [("step4_", "03/2025"), ("", walkthrough.NEW_LATEST)])
def test_every_baseline_target_and_current_figure(walked, stage, latest):
    want = expected(walked, latest)
    got = results(walked / f"{stage}{walkthrough.BULLETIN}")
    assert set(got) == set(want) == set(IDS)
    for name, figures in want.items():
        row = got[name]
        assert row["Indicator"] == IDS[name]
        assert row["Baseline"] == figures["baseline"], name
        assert row["Current"] == figures["current"], name
        if figures["target"] is None:
            assert row["Target"] in ("", "N/A", None), name
        else:
            assert row["Target"] == figures["target"], name
        assert row["Change from baseline"] == pytest.approx(figures["change"], rel=1e-12), name


@pytest.mark.parametrize("stage,latest,heading", [("step4_", "03/2025", "Apr 2025"),
                                                  ("", walkthrough.NEW_LATEST, "May 2025")])
def test_the_printed_bulletin_says_the_same(walked, stage, latest, heading):
    text = pdf_text(walked / f"{stage}{Path(walkthrough.BULLETIN).with_suffix('.pdf').name}")
    assert f"Anytown CSP - Performance Improvement Bulletin - {heading}" in text
    assert f"PERFORMANCE IMPROVEMENT BULLETIN - {heading}" in text and f"Data to {label(latest)}" in text
    for name, f in expected(walked, latest).items():
        assert f"The 2021/22 baseline for {name} was {f['baseline']:,}." in text, name
        size = f"{abs(f['change']) * 100:.1f}"
        way = "reduction" if f["change"] < 0 else "increase"
        assert f"{article(size)} {size}% {way} has been recorded from the baseline" in text, name
        was = "was" if f["at_date"] is not None else "is"
        if f["kind"] == "reduction_pct":
            assert (f"The target {was} a reduction of {f['amount']:.1%} ({f['baseline'] - f['target']:,}) by "
                    f"{label(f['date'])}.") in text, name
        elif f["kind"] == "level":
            assert f"The target {was} a reduction to {f['target']:,} by {label(f['date'])}." in text, name
        else:
            verb = "have fallen" if f["comparative"] < 0 else "have risen"
            assert printed(f"{name} {verb} by {abs(f['comparative']) * 100:.1f}% over the past 12 months", text)
        if f["at_date"] is not None:
            met = f["at_date"] <= f["target"]
            gap = abs(f["at_date"] / f["target"] - 1) * 100
            assert printed(f"The target date for {name} ({label(f['date'])}) has been reached and the target was "
                           f"{'met' if met else 'missed'}: the 12 months to {label(f['date'])} recorded "
                           f"{f['at_date']:,}, {gap:.1f}% {'below' if f['at_date'] < f['target'] else 'above'} the "
                           f"target of {f['target']:,}", text), name
        elif f["target"] is not None:
            assert printed(f"The current position for {name} is", text), name


def test_both_a_met_and_a_missed_target_are_in_the_walk_through(walked):
    """Guard: the typed targets reach both sentences (Burglary's date has passed, Vehicle crime's is the latest)."""
    f = expected(walked, "03/2025")
    assert f["Burglary"]["at_date"] <= f["Burglary"]["target"] < f["Vehicle crime"]["at_date"]
    assert f["All crime"]["at_date"] is None


def test_no_demo_content_and_no_analyst_note_on_any_printed_page(walked):
    pdf = walked / Path(walkthrough.BULLETIN).with_suffix(".pdf").name
    text = pdf_text(pdf)
    for demo in ("Kettering", "Northamptonshire", "NI16", "SCB 091204D", "Carol Stevens", "ComPaSS"):
        assert demo not in text, demo
    for note in ("Added by xl-pib", "set its target", "warning", "Start here", "(required)", "(optional)"):
        assert note not in text, note
    notes = [c.note for s in INPUT_SHEETS for c in s.columns]
    assert not [n for n in notes if " ".join(n.split()) in text]
    book = CalamineWorkbook.from_path(str(walked / walkthrough.BULLETIN))
    for sheet in book.sheet_names:
        cells = " ".join(str(v) for row in book.get_sheet_by_name(sheet).to_python() for v in row)
        assert "Kettering" not in cells and "Northamptonshire" not in cells, sheet


def test_the_sentences_the_docs_page_quotes_are_the_bulletins(walked):
    page = (DOCS / "own-partnership.md").read_text()
    section = "\n".join(line for line in page[page.index("## 4. Build"):page.index("## 5.")].splitlines()
                         if not line.startswith("!["))  # the pictures' captions are not quotes
    quoted = [" ".join(q.split()) for q in re.findall(r'"([^"]{20,})"', section)]
    assert len(quoted) >= 4
    text = pdf_text(walked / f"step4_{Path(walkthrough.BULLETIN).with_suffix('.pdf').name}")
    for sentence in quoted:
        assert printed(sentence.rstrip("."), text), sentence


def test_the_live_workbook_of_step_7_refreshes(walked):
    live = walked / walkthrough.LIVE
    done = subprocess.run([walkthrough.sys.executable, "-m", "xl_pib", "build", str(live), "-o", str(live)],
                          capture_output=True, text=True, cwd=walked)
    assert done.returncode == 0 and done.stdout.startswith("refreshed"), done.stderr
