"""Print the hardening figures (issue 6's closing note) by running the same checks as the tests.

    PYTHONPATH=.:udfs:tests python tests/hardening_figures.py [--fuzz N]

Cases tried / rejected with a clear error / handled with a warning / accepted come from the bad-input
catalogue (tests/bad_inputs.py) run through ``xl-pib build``; hostile files are among them. Unhandled
exceptions count anything that is not xl-pib's own one-line error, over the catalogue and N fuzzing
examples of each generator (tests/hardening/test_fuzz_inputs.py). Injection attempts are the free-text cells of the
injected demo input found back as text (never a formula) in all four kinds of output; edits are the random
analyst edits still in place after two headless refreshes.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "hardening"))

from bad_inputs import CATALOGUE, available, build, inject  # noqa: E402


def run_cli(args: list[str]) -> tuple[int, list[str]]:
    from xl_pib.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            status = main(args)
        except BaseException as error:  # noqa: BLE001 - counting escapes is the point here
            return -1, [f"escaped: {type(error).__name__}: {error}"]
    return status, err.getvalue().strip().splitlines()


def catalogue(demo_sheets, folder: Path) -> dict:
    import os

    counts = {"tried": 0, "error": 0, "warning": 0, "accepted": 0, "unhandled": 0, "not as defined": 0}
    for n, case in enumerate(CATALOGUE):
        if not available(case):
            continue
        source, _ = build(case, demo_sheets, folder / f"case{n}")
        saved = {k: os.environ.get(k) for k in case.env}
        os.environ.update(case.env)
        try:
            status, lines = run_cli(["build", str(source), "-o", str(folder / f"case{n}" / "out" / "b.xlsx")])
        finally:
            for key, value in saved.items():
                os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)
        counts["tried"] += 1
        if status == 2 and len(lines) == 1 and " expected " in lines[0]:
            got = "error"
        elif status == 0 and lines and all(line.startswith("warning: ") for line in lines):
            got = "warning"
        elif status == 0 and not lines:
            got = "accepted"
        else:
            counts["unhandled"] += 1
            print(f"  unhandled: {case.id}: {status} {lines[:2]}")
            continue
        counts[got] += 1
        if got != case.outcome:
            counts["not as defined"] += 1
            print(f"  not as defined: {case.id}: {got}, defined {case.outcome}")
    return counts


def injection(demo_sheets, folder: Path) -> tuple[int, int, int]:
    """(attempts, attempts read back as text in every output, cells carrying attempts as text)."""
    from test_formula_injection import lf, scan_openpyxl

    from xl_pib.xlsx import write_sheets

    sheets = copy.deepcopy(demo_sheets)
    payloads = inject(sheets)
    source = write_sheets(sheets, folder / "injected.xlsx")
    outputs = [folder / "bulletin.xlsx", folder / "template.xlsm", folder / "refreshed.xlsm", folder / "static.xlsx"]
    for args in (["build", str(source), "-o", str(outputs[0])], ["template", "-i", str(source), "-o", str(outputs[1])],
                 ["build", str(outputs[1]), "-o", str(outputs[2])],
                 ["build", str(outputs[1]), "--values", "-o", str(outputs[3])]):
        assert run_cli(args)[0] == 0, args
    neutralised = {lf(p) for p in payloads}
    cells = 0
    for path in outputs:
        as_text, as_formula, strings = scan_openpyxl(path)
        cells += len(as_text)
        if as_formula:
            print(f"  {path.name}: formulas carrying injection text: {as_formula[:3]}")
            neutralised = set()
        neutralised &= strings
    return len(payloads), len(neutralised), cells


def edits(folder: Path) -> tuple[int, int]:
    from test_nothing_lost import apply_edits, generated_cells, surviving

    from xl_pib.assess import assess
    from xl_pib.demo import demo_sheets
    from xl_pib.inputs import parse_sheets
    from xl_pib.template import build_template

    assessment = assess(parse_sheets(demo_sheets()))
    book = build_template(assessment, folder / "book.xlsm")
    made = apply_edits(book, generated_cells(assessment), seed=6)
    for _ in range(2):
        assert run_cli(["build", str(book), "-o", str(book)])[0] == 0
    return len(made), len(made) - len(surviving(book, made))


def fuzzing(examples: int) -> tuple[int, int, int]:
    """(examples, refused with xl-pib's error, unhandled)."""
    import test_fuzz_inputs as fz

    unhandled = 0
    for strategy in (fz.random_workbooks(), fz.damaged_demo()):
        try:
            fz.fuzz(strategy, examples)
        except BaseException as error:  # noqa: BLE001 - hypothesis re-raises the first escape
            unhandled += 1
            print(f"  fuzzing escape: {type(error).__name__}: {str(error)[:200]}")
    return sum(fz.OUTCOMES.values()), fz.OUTCOMES["refused"], unhandled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fuzz", type=int, default=100, help="fuzzing examples per generator (default 100)")
    args = parser.parse_args()
    from xl_pib.demo import demo_sheets

    sheets = demo_sheets()
    with tempfile.TemporaryDirectory(prefix="xl-pib-figures-") as work:
        work = Path(work)
        c = catalogue(sheets, work / "catalogue")
        attempts, neutralised, cells = injection(sheets, work)
        made, kept = edits(work)
        fuzzed, refused, escaped = fuzzing(args.fuzz)
    rows = [
        ("bad-input cases tried", c["tried"]),
        ("  rejected with a clear one-line error (exit 2)", c["error"]),
        ("  handled with a warning line", c["warning"]),
        ("  accepted and built without a warning", c["accepted"]),
        ("  outcome other than the one defined", c["not as defined"]),
        ("fuzzed workbooks (random + damaged demo)", fuzzed),
        ("  refused with xl-pib's one-line error", refused),
        ("unhandled exceptions (catalogue + fuzzing)", c["unhandled"] + escaped),
        ("injection attempts", attempts),
        ("  neutralised (text in all 4 outputs, never a formula)", neutralised),
        ("  output cells carrying them, all strings", cells),
        ("analyst edits made", made),
        ("  preserved after two refreshes", kept),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value:>6}")


if __name__ == "__main__":
    main()
