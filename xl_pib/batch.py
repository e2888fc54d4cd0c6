"""``xl-pib batch``: rebuild the bulletin of every input workbook in a folder, with worker processes.

- Each worker takes a few input files at a time, reads them, splits any
  workbook holding several areas into one bulletin per area
  (:func:`xl_pib.inputs.split_areas`), assesses all of them in one engine pass
  (:func:`xl_pib.assess.assess_many`) and writes the bulletins one after
  another; no workbook is kept once it is saved.
- A failing input is reported with its file name and the one-line error
  ``xl-pib build`` gives, and the batch carries on; so does a worker that
  dies (its files are retried one at a time, and the one that kills a worker
  again is reported).
- With ``--previous DIR``, each bulletin is compared with last month's (its
  "Since last month" section): the bulletin in DIR of the same file name,
  else the one of the same area (its Partnership setting); a bulletin with
  none is built without the section and noted in the report; a previous
  bulletin that cannot be read, or is another area's, fails that bulletin
  with its one-line error.
- Ctrl-C (SIGINT) or SIGTERM stops the batch: workers finish the bulletin they are writing
  (every output is written to a temporary file and renamed, so a bulletin is
  either complete or absent), temporary files are removed, the report is
  written, and the exit status is 130. A second Ctrl-C stops the workers at
  once: a worker stopped in the middle of its files never sends their rows, so
  the report is reconciled with the folder (:func:`_reconcile`): a bulletin
  this batch wrote is *built*, whatever the worker managed to say.

The parent process only schedules and reports; it never imports the engine.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import re
import shutil
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from .csvfile import write_csv
from .errors import UsageError

REPORT = "batch_report.csv"
INPUT_SUFFIXES = (".xlsx", ".xlsm")
EXIT_FAILED = 2
EXIT_INTERRUPTED = 130
# After Ctrl-C, how long workers get to finish the bulletin they are writing before they are stopped.
GRACE_SECONDS = 20.0
# Files per task: enough to stack several bulletins in one engine pass, few enough to keep every worker busy.
MAX_CHUNK = 4

BUILT, FAILED, INTERRUPTED = "built", "failed", "interrupted"


@dataclass(frozen=True)
class Row:
    """One line of batch_report.csv: a bulletin built, or an input that failed."""

    file: str
    status: str
    error: str = ""
    seconds: float = 0.0
    output: str = ""
    area: str = ""
    warnings: int = 0
    warning_lines: str = ""  # the warnings themselves, as build prints them, joined by " | "
    note: str = ""


# --- what to build -----------------------------------------------------------------------------


def input_files(folder: Path) -> list[Path]:
    """The input workbooks of a folder, in name order (Excel's ~$ lock files and hidden files skipped)."""
    return sorted((p for p in folder.iterdir()
                   if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES and not p.name.startswith((".", "~$"))),
                  key=lambda p: p.name.lower())


def output_path(outdir: Path, source: Path, values: bool, area: str | None = None) -> Path:
    """OUTPUT_DIR/<input stem>.xlsx (a live .xlsm stays .xlsm unless --values); one per area: <stem>-<area>."""
    from .build import output_suffix

    stem = source.stem if area is None else f"{source.stem}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', area).strip('_.')}"
    return outdir / f"{stem}{output_suffix(source, values)}"


def plan(input_dir: Path, output_dir: Path, pdf: bool, values: bool, previous: Path | None = None) -> list[Path]:
    """Check the folders and names up front; the input files to build."""
    from .build import output_suffix, refreshes

    if not input_dir.is_dir():
        raise UsageError(f"{input_dir} is not a folder of input workbooks")
    if previous is not None and not previous.is_dir():
        raise UsageError(f"--previous {previous}: not a folder of last month's bulletins")
    if output_dir.exists() and output_dir.resolve() == input_dir.resolve():
        raise UsageError("the output folder must not be the input folder (bulletins would be read as inputs)")
    sources = input_files(input_dir)
    if not sources:
        raise UsageError(f"no input workbooks (.xlsx, .xlsm) in {input_dir}")
    seen: dict[str, Path] = {}
    for source in sources:
        name = (source.stem + output_suffix(source, values)).lower()
        if name in seen:
            raise UsageError(f"{seen[name].name} and {source.name} would both be written as "
                                  f"{source.stem}{output_suffix(source, values)}; rename one of them")
        seen[name] = source
    if pdf and any(refreshes(s, values) for s in sources):
        raise UsageError("--pdf needs --values for live .xlsm inputs: the PDF is made from the static bulletin")
    return sources


def chunks(sources: list[Path], jobs: int) -> list[list[Path]]:
    size = max(1, min(MAX_CHUNK, len(sources) // (jobs * 8)))
    return [sources[i:i + size] for i in range(0, len(sources), size)]


# --- in a worker -------------------------------------------------------------------------------

_stop = None  # multiprocessing.Event set by the parent on Ctrl-C
_office = None  # this worker's LibreOffice (xl_pib.office.Office) for --pdf, started at the first PDF


def _interrupted(_signum, _frame):
    # SystemExit unwinds through xlsx.save, which deletes its temporary file.
    raise SystemExit(EXIT_INTERRUPTED)


def _worker_office():
    """The LibreOffice this worker prints through, or None where its Python bindings are missing
    (each PDF then starts LibreOffice, as ``xl-pib build --pdf`` does)."""
    global _office
    if _office is None:
        from multiprocessing.util import Finalize

        from . import office

        if not office.available():
            _office = False
        else:
            _office = office.Office(**office.settings())
            # Runs when the worker exits: at the end of the batch, after Ctrl-C, and on SIGTERM
            # (whose handler raises SystemExit); a SIGKILLed worker's LibreOffice is killed by the kernel.
            Finalize(_office, _office.close, exitpriority=10)
    return _office or None


def _init_worker(stop) -> None:
    global _stop
    _stop = stop
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides how to stop
    signal.signal(signal.SIGTERM, _interrupted)
    # A SIGTERM that comes while the worker is already exiting (the parent stops every worker at once
    # after a second Ctrl-C) would raise in an exit handler such as logging's, which prints a traceback.
    # atexit runs the handlers registered last first: this one, before any that could be interrupted.
    atexit.register(signal.signal, signal.SIGTERM, signal.SIG_IGN)
    import gc

    from . import assess, build, bulletin, inputs  # noqa: F401 - imported once, before any bulletin

    # The modules just imported live as long as the worker: keeping them out of the cyclic
    # collector's scans saves ~7% of each bulletin, which builds many short-lived objects.
    gc.freeze()


# --previous DIR: the bulletins found there by area (their Partnership), read once per worker when needed.
_areas_of: dict[str, dict[str, Path]] = {}


def _by_area(folder: Path) -> dict[str, Path]:
    """Lower-case partnership -> bulletin, for every workbook of ``folder`` whose Partnership can be read."""
    from python_calamine import CalamineWorkbook

    if str(folder) not in _areas_of:
        found: dict[str, Path] = {}
        for path in input_files(folder):
            try:
                book = CalamineWorkbook.from_path(str(path))
                name = next((n for n in book.sheet_names if n.strip().lower() == "settings"), None)
                rows = book.get_sheet_by_name(name).to_python() if name else []
            except Exception:  # noqa: BLE001 - an unreadable file matches no area; a name match reports it
                continue
            for row in rows:
                if len(row) > 1 and str(row[0]).strip().lower() == "partnership" and str(row[1]).strip():
                    found.setdefault(str(row[1]).strip().lower(), path)
                    break
        _areas_of[str(folder)] = found
    return _areas_of[str(folder)]


def previous_for(folder: Path | None, output: Path, area: str) -> Path | None:
    """Last month's bulletin of a bulletin about to be written as ``output`` for ``area``: the file of the same
    name in ``folder``, else the one whose Partnership is ``area``; None when there is none."""
    if folder is None:
        return None
    same = folder / output.name
    if same.is_file():
        return same
    for suffix in (".xlsx", ".xlsm"):
        other = same.with_suffix(suffix)
        if other.is_file():
            return other
    return _by_area(folder).get(area.strip().lower())


def build_files(sources: list[str], outdir: str, pdf: bool, values: bool, strict: bool = False,
                previous: str | None = None) -> list[list[Row]]:
    """Build the bulletins of ``sources``: rows for each file, in order (runs in a worker). ``strict``: a
    bulletin with any warning fails, unwritten; ``previous``: the folder of last month's bulletins."""
    from .assess import assess, assess_many
    from .build import check_strict, compared_with, refresh_book, refreshes, write_bulletin
    from .errors import InputError, one_line
    from .inputs import read_workbook, split_areas
    from .pdf import PdfError

    stopped = lambda: _stop is not None and _stop.is_set()  # noqa: E731
    folder = Path(previous) if previous else None
    rows: list[list[Row]] = [[] for _ in sources]
    pending = []  # (file index, area or None, inputs, seconds so far)
    for k, name in enumerate(sources):
        source = Path(name)
        if stopped():
            rows[k].append(Row(source.name, INTERRUPTED))
            continue
        start = time.perf_counter()
        try:
            if refreshes(source, values):
                output = output_path(Path(outdir), source, values)
                done = refresh_book(source, output, strict=strict, previous=previous_for(folder, output, ""))
                rows[k].append(Row(source.name, BUILT, "", time.perf_counter() - start, str(done.path), "",
                                   len(done.assessment.warnings), " | ".join(done.assessment.warnings)))
                continue
            parts = split_areas(read_workbook(source))
        except Exception as error:  # noqa: BLE001 - one bad input never stops the batch
            rows[k].append(Row(source.name, FAILED, one_line(error), time.perf_counter() - start))
            continue
        share = (time.perf_counter() - start) / len(parts)
        several = len(parts) > 1
        pending += [(k, inputs.settings.partnership if several else None, inputs, share) for inputs in parts]

    if not pending:
        return rows
    start = time.perf_counter()
    try:
        assessments = assess_many([p[2] for p in pending])
    except Exception:  # noqa: BLE001 - find the bulletin at fault by assessing each alone
        assessments = []
        for _, _, inputs, _ in pending:
            try:
                assessments.append(assess(inputs))
            except Exception as error:  # noqa: BLE001
                assessments.append(error)
    compute = (time.perf_counter() - start) / len(pending)

    written: set[Path] = set()
    for (k, area, _, seconds), assessment in zip(pending, assessments):
        source = Path(sources[k])
        output = output_path(Path(outdir), source, values, area)
        if output in written:  # two area names that differ only in characters a file name cannot hold
            assessment = InputError("Data", f"area names that give different file names ('{area}' would "
                                    f"overwrite {output.name})", column="Area")
        written.add(output)
        if isinstance(assessment, Exception):
            rows[k].append(Row(source.name, FAILED, one_line(assessment), seconds + compute, "", area or ""))
            continue
        if stopped():
            rows[k].append(Row(source.name, INTERRUPTED, "", 0.0, "", area or ""))
            continue
        start = time.perf_counter()
        note = ""
        try:
            check_strict(assessment, strict)
            last = previous_for(folder, output, assessment.inputs.settings.partnership)
            if folder is not None and last is None:
                note = f"no previous bulletin in {folder.name} (same file name or area): no 'Since last month'"
            write_bulletin(assessment, output, pdf, movement=compared_with(assessment, last),
                           office=_worker_office() if pdf else None)
        except Exception as error:  # noqa: BLE001
            # A PDF that failed leaves its bulletin workbook written: the report points to it.
            rows[k].append(Row(source.name, FAILED, one_line(error), seconds + compute + time.perf_counter() - start,
                               str(output) if isinstance(error, PdfError) else "", area or ""))
            continue
        rows[k].append(Row(source.name, BUILT, "", seconds + compute + time.perf_counter() - start, str(output),
                           area or "", len(assessment.warnings), " | ".join(assessment.warnings), note))
    return rows


# --- in the parent -----------------------------------------------------------------------------


class Progress:
    """A tqdm bar (count, rate, ETA) on a terminal; one plain line per input otherwise."""

    def __init__(self, total: int, stream=None):
        self.stream = stream or sys.stdout
        self.total, self.done = total, 0
        self.bar = None
        if self.stream.isatty():
            from tqdm import tqdm

            # A terminal that reports no size (some CI ptys) still gets a bar: tqdm hides bars below row 0.
            sized = min(shutil.get_terminal_size((0, 0))) > 0
            self.bar = tqdm(total=total, unit="file", file=self.stream, dynamic_ncols=sized,
                            ncols=None if sized else 80, nrows=None if sized else 24, desc="building",
                            smoothing=0.1)

    def file_done(self, rows: list[Row]) -> None:
        self.done += 1
        for row in rows:
            if row.status == FAILED:
                self._say(f"failed {row.file}{f' ({row.area})' if row.area else ''}: {row.error}", sys.stderr)
            elif self.bar is None and row.status == BUILT:
                self._say(f"[{self.done}/{self.total}] built {row.output} ({row.seconds:.2f} s)", self.stream)
        if self.bar is not None:
            self.bar.update(1)

    def _say(self, text: str, stream) -> None:
        if self.bar is not None:
            self.bar.write(text, file=stream)
        else:
            print(text, file=stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def write_report(path: Path, rows: list[Row]) -> Path:
    """batch_report.csv, formula-safe (a file named '=...' stays text) and replaced atomically."""
    lines = [[f.name for f in fields(Row)]]
    for row in rows:
        values = list(astuple(row))
        values[3] = f"{row.seconds:.3f}"
        lines.append(values)
    return write_csv(path, lines)


def _remove_leftovers(outdir: Path, sources: list[Path]) -> None:
    """Temporary files a stopped worker left while writing an input's outputs (xlsx.replacing names them
    .NAME.XXXXXXXX.tmp, where NAME is <stem>.xlsx, <stem>-<area>.xlsx, <stem>.xlsm or <stem>.pdf)."""
    for source in sources:
        mine = re.compile(rf"\.{re.escape(source.stem)}(-.+)?\.(xlsx|xlsm|pdf)\.[^.]+\.tmp")
        for leftover in outdir.glob(".*.tmp"):
            if mine.fullmatch(leftover.name):
                leftover.unlink(missing_ok=True)


def _snapshot(outdir: Path) -> dict[str, tuple[int, int]]:
    """Identity (inode, modification time) of each file in the output folder. Every output is written
    to a temporary file and renamed, so a bulletin this batch wrote is a new name or a new identity."""
    return {e.name: (e.inode(), e.stat().st_mtime_ns) for e in os.scandir(outdir) if e.is_file()}


def _reconcile(outdir: Path, sources: list[Path], results: dict[Path, list[Row]], before: dict, pdf: bool,
               values: bool) -> dict[Path, list[Row]]:
    """After an interrupt, make the report agree with the folder.

    A worker stopped at once (a second Ctrl-C) dies in the middle of its files and never returns their rows,
    though it may have finished some: each file without rows is looked for by its output names (its own,
    or one per area, ``<stem>-<area>``), written since the batch started. One found is *built* (with --pdf,
    only with its PDF; a workbook without one is *interrupted* and pointed to); none found, *interrupted*.
    The seconds and warnings of a bulletin found this way are not known (0). A *built* row whose file is
    gone is *interrupted*.
    """
    from dataclasses import replace

    from .build import output_suffix

    written = {name for name, key in _snapshot(outdir).items() if before.get(name) != key}
    own = {output_path(outdir, s, values).name for s in sources}
    out: dict[Path, list[Row]] = {}
    for source in sources:
        if source in results:
            out[source] = [replace(r, status=INTERRUPTED, output="") if r.status == BUILT and r.output
                           and not Path(r.output).exists() else r for r in results[source]]
            continue
        suffix = output_suffix(source, values)
        mine = re.compile(rf"{re.escape(source.stem)}(?:-(?P<area>.+))?{re.escape(suffix)}")
        rows = []
        for name in sorted(written):
            match = mine.fullmatch(name)
            if match is None or (match["area"] and name in own):  # another input's own bulletin
                continue
            bulletin, area = outdir / name, (match["area"] or "")
            if pdf and bulletin.with_suffix(".pdf").name not in written:
                rows.append(Row(source.name, INTERRUPTED, "stopped before its PDF was printed", 0.0, str(bulletin),
                                area))
            else:
                rows.append(Row(source.name, BUILT, "", 0.0, str(bulletin), area))
        if any(r.area for r in rows):  # areas not found were not built, but their names are not known here
            rows.append(Row(source.name, INTERRUPTED, "stopped while writing its areas' bulletins: any area not "
                            "listed was not built"))
        out[source] = rows or [Row(source.name, INTERRUPTED)]
    return out


def _stop_workers(executor: ProcessPoolExecutor, grace: float) -> None:
    """Let workers finish the bulletin in hand, then end any still running (on SIGTERM they clean up).

    A second Ctrl-C (or SIGTERM) during the wait ends them at once.
    """
    processes = list((getattr(executor, "_processes", None) or {}).values())  # no public handle on them
    hurry = threading.Event()
    previous = {s: signal.signal(s, lambda *_: hurry.set()) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        executor.shutdown(wait=False, cancel_futures=True)  # idle workers exit; busy ones after their task
        deadline = time.monotonic() + grace
        while any(p.is_alive() for p in processes) and time.monotonic() < deadline and not hurry.is_set():
            time.sleep(0.05)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(5)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run(input_dir: Path, output_dir: Path, jobs: int | None = None, pdf: bool = False, values: bool = False,
        stream=None, strict: bool = False, previous: Path | None = None) -> int:
    """Build every input in ``input_dir`` into ``output_dir`` (compared with last month's bulletins in
    ``previous``); 0 all built, 2 any failed (with ``strict``, any with a warning), 130 interrupted."""
    handler = signal.signal(signal.SIGTERM, signal.default_int_handler)  # a service manager's stop = Ctrl-C
    try:
        return _run(Path(input_dir), Path(output_dir), jobs, pdf, values, stream or sys.stdout, strict,
                    Path(previous) if previous else None)
    finally:
        signal.signal(signal.SIGTERM, handler)


def _run(input_dir: Path, output_dir: Path, jobs: int | None, pdf: bool, values: bool, stream,
         strict: bool = False, previous: Path | None = None) -> int:
    start = time.perf_counter()
    sources = plan(input_dir, output_dir, pdf, values, previous)
    if pdf:
        from .office import settings
        from .pdf import soffice

        soffice()  # fail before building anything if PDF output is impossible
        settings()  # and before starting workers if XL_PIB_PDF_TIMEOUT is not a number of seconds
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(sources)))
    output_dir.mkdir(parents=True, exist_ok=True)
    before = _snapshot(output_dir)
    plural = lambda n, word: f"{n} {word}{'s' if n != 1 else ''}"  # noqa: E731
    print(f"building {plural(len(sources), 'input workbook')} from {input_dir} into {output_dir} with "
          f"{plural(jobs, 'worker')}", file=stream, flush=True)

    results: dict[Path, list[Row]] = {}
    progress = Progress(len(sources), stream)
    context = multiprocessing.get_context("spawn")  # clean workers: no copied parent state, honest memory
    stop = context.Event()
    todo, retried, interrupted = chunks(sources, jobs), set(), False
    try:
        while todo and not interrupted:
            broken: list[list[Path]] = []
            executor = ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker, initargs=(stop,))
            futures = {}
            try:
                futures = {executor.submit(build_files, [str(s) for s in chunk], str(output_dir), pdf, values,
                                           strict, str(previous) if previous else None): chunk for chunk in todo}
                running = set(futures)
                while running:
                    finished, running = wait(running, return_when=FIRST_COMPLETED)
                    for future in finished:
                        chunk = futures[future]
                        try:
                            for source, rows in zip(chunk, future.result()):
                                results[source] = rows
                                progress.file_done(rows)
                        except BrokenProcessPool:
                            broken.append(chunk)
            except KeyboardInterrupt:
                interrupted = True
                stop.set()
                progress.close()
                print("xl-pib: interrupted; stopping the workers after the bulletin each is writing",
                      file=sys.stderr, flush=True)
                _stop_workers(executor, GRACE_SECONDS)
                for future, chunk in futures.items():  # bulletins finished while the workers stopped
                    if future.done() and not future.cancelled() and future.exception() is None:
                        for source, rows in zip(chunk, future.result()):
                            results.setdefault(source, rows)
            finally:
                executor.shutdown(wait=True, cancel_futures=True)
            todo = []
            for chunk in broken:
                if len(chunk) > 1 or chunk[0] not in retried:
                    retried.update(chunk)
                    todo += [[source] for source in chunk]
                else:
                    rows = [Row(chunk[0].name, FAILED, "unexpected error: the worker process building it ended "
                                "abruptly (out of memory?)")]
                    results[chunk[0]] = rows
                    progress.file_done(rows)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        progress.close()
        _remove_leftovers(output_dir, sources)

    if interrupted:
        results = _reconcile(output_dir, sources, results, before, pdf, values)
    rows = [row for source in sources for row in results.get(source, [Row(source.name, INTERRUPTED)])]
    report = write_report(output_dir / REPORT, rows)
    seconds = time.perf_counter() - start
    count = {status: sum(r.status == status for r in rows) for status in (BUILT, FAILED, INTERRUPTED)}
    print(summary(count, seconds, jobs), file=stream)
    print(f"report: {report}", file=stream, flush=True)
    if interrupted:
        print(f"xl-pib: batch interrupted: {count[BUILT]} built, {count[FAILED]} failed, "
              f"{count[INTERRUPTED]} not built; see {report}", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_FAILED if count[FAILED] else 0


def summary(count: dict[str, int], seconds: float, jobs: int) -> str:
    lines = [("built", f"{count[BUILT]}"), ("failed", f"{count[FAILED]}")]
    if count[INTERRUPTED]:
        lines.append(("not built", f"{count[INTERRUPTED]}"))
    rate = count[BUILT] / seconds if seconds > 0 else 0.0
    lines.append(("seconds", f"{seconds:.1f}"))
    width = max(len(v) for _, v in lines)
    table = ["", "batch summary", "-------------"]
    table += [f"{name:<10}{value:>{width}}" for name, value in lines]
    table.append(f"({rate:.2f} bulletins/s with {jobs} worker{'s' if jobs > 1 else ''})")
    return "\n".join(table)
