"""The README's "Your own partnership" walk-through, run end to end in a folder.

    python tools/own_partnership.py FOLDER [--no-pdf]

It writes the counts a partnership keeps (``anytown_counts.csv``: one column per
crime type, months written MM/YYYY), runs the README's commands in their order
(``python -m xl_pib ...``, exactly as written there), and between them types into
the cells the README's steps name what an analyst would type: the targets on
the Targets rows ``xl-pib new`` made, the outcomes, and the new Latest month.
Each step's wall time is printed.

``tests/cli/test_own_partnership.py`` runs it and checks the bulletin against
its own computation from the counts; ``tools/screenshots.py --docs`` draws the
pictures of ``docs/own-partnership.md`` from the workbooks it leaves.
"""

from __future__ import annotations

import argparse
import csv
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SECTION = "## Your own partnership"

PARTNERSHIP = "Anytown CSP"
COUNTS, NEW_MONTH = "anytown_counts.csv", "anytown_april.csv"
BOOK, BULLETIN, LIVE = "anytown.xlsx", "anytown_bulletin.xlsx", "anytown.xlsm"
FIRST = (2021, 4)          # the counts run from April 2021 ...
MONTHS = 48                # ... to March 2025; the new month is April 2025
# Each crime type's monthly level at the start and its change per month (a Poisson count around it).
SERIES = {"All crime": (930.0, -2.5), "Burglary": (64.0, -0.35), "Vehicle crime": (75.0, 0.2),
          "ASB incidents": (410.0, -1.2)}
SEED = 13
# What the analyst types on Targets (step 2): Target type, Target amount, Target date, by the series' name.
# Burglary's date has passed (the bulletin says whether it was met); Vehicle crime's is the latest month.
TYPED_TARGETS = {"All crime": ("reduction_pct", 0.05, "03/2026"),
                 "Burglary": ("reduction_pct", 0.10, "03/2024"),
                 "Vehicle crime": ("level", 800, "03/2025")}
# What the analyst types on Outcomes (step 3): Theme, Outcome, Description, names of its indicators.
TYPED_OUTCOMES = (("Safer neighbourhoods", "S1", "Fewer crimes against residents and their property",
                   ("All crime", "Burglary", "Vehicle crime")),
                  ("Safer neighbourhoods", "S2", "Less anti-social behaviour", ("ASB incidents",)))
NEW_LATEST = "04/2025"     # step 6


@dataclass(frozen=True)
class Step:
    number: int
    what: str
    seconds: float


def month_text(index: int) -> str:
    """The n-th month of the counts as MM/YYYY."""
    year, month = divmod(FIRST[0] * 12 + FIRST[1] - 1 + index, 12)
    return f"{month + 1:02d}/{year}"


def counts(months: int = MONTHS + 1) -> dict[str, list[int]]:
    """Every series' monthly counts, the new month included (numpy's seeded Poisson draws)."""
    import numpy as np

    rng = np.random.default_rng(SEED)
    t = np.arange(months)
    return {name: rng.poisson(np.maximum(start + slope * t, 1.0)).astype(int).tolist()
            for name, (start, slope) in SERIES.items()}


def write_counts(folder: Path) -> tuple[Path, Path]:
    """The counts file to March 2025 and the new month's file (April 2025), as an analyst keeps them."""
    values = counts()
    paths = []
    for name, rows in ((COUNTS, range(MONTHS)), (NEW_MONTH, range(MONTHS, MONTHS + 1))):
        path = Path(folder) / name
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Month", *SERIES])
            for i in rows:
                writer.writerow([month_text(i), *(values[s][i] for s in SERIES)])
        paths.append(path)
    return paths[0], paths[1]


def readme_commands() -> dict[str, str]:
    """The commands of the README's walk-through, by what they do: new, build, ingest, template."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION):]
    section = section[:section.index("\n## ", 1)] if "\n## " in section[1:] else section
    blocks = [b.strip() for b in re.findall(r"```bash\n(.*?)```", section, flags=re.S)]
    found = {}
    for block in blocks:
        for kind in ("new", "build", "ingest", "template"):
            if f"xl_pib {kind} " in block:
                found[kind] = block
    missing = {"new", "build", "ingest", "template"} - set(found)
    if missing:
        raise SystemExit(f"README.md: the '{SECTION[3:]}' section has no {', '.join(sorted(missing))} command")
    return found


def run(command: str, folder: Path) -> float:
    """One README command in ``folder`` (``python`` is this interpreter); its wall time."""
    line = command.replace("python -m", f'"{sys.executable}" -m', 1)
    start = time.perf_counter()
    done = subprocess.run(line, shell=True, cwd=folder, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{command}: exit {done.returncode}: {done.stderr.strip()[-500:]}")
    return time.perf_counter() - start


def _headers(ws) -> dict[str, int]:
    return {str(c.value).strip().lower(): c.column for c in ws[1] if c.value}


def type_targets(book: Path) -> None:
    """Step 2: the targets typed into the Targets rows ``xl-pib new`` made (found by their Name)."""
    import openpyxl

    wb = openpyxl.load_workbook(book)
    ws = wb["Targets"]
    at = _headers(ws)
    for row in range(2, ws.max_row + 1):
        typed = TYPED_TARGETS.get(ws.cell(row, at["name"]).value)
        if typed:
            for header, value in zip(("target type", "target amount", "target date"), typed):
                ws.cell(row, at[header]).value = value
    wb.save(book)


def ids_by_name(book: Path) -> dict[str, str]:
    import openpyxl

    ws = openpyxl.load_workbook(book, read_only=True)["Targets"]
    rows = list(ws.iter_rows(values_only=True))
    header = [str(h).strip().lower() for h in rows[0]]
    i, n = header.index("indicator"), header.index("name")
    return {row[n]: row[i] for row in rows[1:] if row[i]}


def type_outcomes(book: Path) -> None:
    """Step 3: one Outcomes row per outcome, its indicators by the ids ``xl-pib new`` gave them."""
    import openpyxl

    ids = ids_by_name(book)
    wb = openpyxl.load_workbook(book)
    ws = wb["Outcomes"]
    at = _headers(ws)
    for row, (theme, code, description, names) in enumerate(TYPED_OUTCOMES, start=2):
        for header, value in (("theme", theme), ("outcome", code), ("description", description),
                              ("indicators", ", ".join(ids[n] for n in names))):
            ws.cell(row, at[header]).value = value
    wb.save(book)


def set_latest(book: Path, month: str) -> None:
    """Step 6: the Latest month setting."""
    import openpyxl

    wb = openpyxl.load_workbook(book)
    ws = wb["Settings"]
    at = _headers(ws)
    row = next(r for r in range(2, ws.max_row + 1)
               if str(ws.cell(r, at["setting"]).value).strip().lower() == "latest month")
    ws.cell(row, at["value"]).value = month
    wb.save(book)


def walk(folder: Path, pdf: bool = True, through: int = 7, after=None) -> list[Step]:
    """Run the README's steps 1 to ``through`` in ``folder``; each step's time (typing is done for the analyst).

    ``after(step)`` is called after each step (a test looks at the bulletin of step 4 before step 6 rebuilds it).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    commands = readme_commands()
    build = commands["build"] if pdf else commands["build"].replace(" --pdf", "")
    write_counts(folder)
    book = folder / BOOK

    def timed(number: int, what: str, action) -> Step:
        start = time.perf_counter()
        action()
        return Step(number, what, time.perf_counter() - start)

    plan = [
        (1, commands["new"], lambda: run(commands["new"], folder)),
        (2, "type the targets on Targets", lambda: type_targets(book)),
        (3, "type the outcomes on Outcomes", lambda: type_outcomes(book)),
        (4, build, lambda: run(build, folder)),
        (5, commands["ingest"], lambda: run(commands["ingest"], folder)),
        (6, f"set Latest month to {NEW_LATEST}, then {build}", lambda: (set_latest(book, NEW_LATEST), run(build, folder))),
        (7, commands["template"], lambda: run(commands["template"], folder)),
    ]
    done = []
    for number, what, action in plan:
        if number > through:
            break
        done.append(timed(number, what, action))
        if after is not None:
            after(done[-1])
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--no-pdf", action="store_true", help="build without the PDF (no LibreOffice needed)")
    args = parser.parse_args(argv)
    for step in walk(args.folder, pdf=not args.no_pdf):
        print(f"step {step.number}: {step.seconds:6.2f} s  {step.what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
