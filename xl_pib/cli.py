"""The ``xl-pib`` command: new | build | batch | demo | ingest (and, for the Excel add-in, template).

Errors in the input are one line naming sheet, row and column, with exit
status 2 and nothing written; there is never a traceback unless ``--debug``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .errors import UsageError

EXIT_INPUT = 2
STRICT_HELP = ("turn every warning (inputs that contradict each other, figures short of data, notes) into an "
               "error: exit 2 and write nothing")



class Timer:
    """Wall-clock breakdown of a run: imports, read, compute, write."""

    def __init__(self):
        self.start = self.last = time.perf_counter()
        self.parts: dict[str, float] = {}

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        self.parts[name] = self.parts.get(name, 0.0) + now - self.last
        self.last = now

    def report(self) -> str:
        total = self.last - self.start
        return "timings: " + ", ".join(f"{k} {v:.3f}s" for k, v in self.parts.items()) + f", total {total:.3f}s"


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _build(input_path: Path, output: Path, pdf: bool, timer: Timer, strict: bool = False,
           previous: Path | None = None) -> int:
    from .build import build_bulletin

    assessment = build_bulletin(input_path, output, pdf, timer.mark, strict, previous)
    for line in assessment.warnings:
        print(f"warning: {line}", file=sys.stderr)
    print(f"wrote {output}" + (f" and {output.with_suffix('.pdf')}" if pdf else "") +
          f" ({_count(len(assessment.results), 'indicator')}, {_count(len(assessment.outcomes), 'outcome')})")
    return 0


def _refresh_book(input_path: Path, output: Path, timer: Timer, strict: bool = False,
                  previous: Path | None = None) -> int:
    from .build import refresh_book

    done = refresh_book(input_path, output, timer.mark, strict, previous)
    for line in done.assessment.warnings:
        print(f"warning: {line}", file=sys.stderr)
    if done.rebuilt:
        print(f"the Targets or Outcomes sheet of {input_path.name} changed its layout, so wrote {done.path}: a new "
              f"live workbook with its input sheets and xlwings.conf ({_count(len(done.assessment.results), 'indicator')}"
              f"); {input_path.name} is unchanged")
        return 0
    print(f"refreshed {done.path} ({_count(len(done.assessment.results), 'indicator')}); formulas, VBA and the "
          "Refresh button kept")
    return 0


def cmd_build(args, timer: Timer) -> int:
    source, output = Path(args.input), Path(args.output)
    previous = Path(args.previous) if args.previous else None
    if previous is not None and previous.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UsageError(f"--previous {previous.name}: give an earlier bulletin (.xlsx, or a live .xlsm)")
    if args.values or source.suffix.lower() != ".xlsm":
        if output.suffix.lower() != ".xlsx":
            raise UsageError("the bulletin is written as .xlsx (use -o NAME.xlsx)")
        if output.resolve() == source.resolve():
            raise UsageError("the bulletin would replace its own input workbook: choose another -o name")
        return _build(source, output, args.pdf, timer, args.strict, previous)
    if output.suffix.lower() != ".xlsm":
        raise UsageError("a live workbook is written as .xlsm (use -o NAME.xlsm, or --values for a static .xlsx)")
    if args.pdf:
        raise UsageError("--pdf needs --values: the PDF is made from the static bulletin")
    return _refresh_book(source, output, timer, args.strict, previous)


def cmd_template(args, timer: Timer) -> int:
    from .assess import assess
    from .inputs import parse_sheets, read_workbook
    from .template import build_template

    if Path(args.output).suffix.lower() != ".xlsm":
        raise UsageError("the template is a macro-enabled workbook: use -o NAME.xlsm")
    if args.input:
        inputs = read_workbook(Path(args.input))
    else:
        from .demo import demo_sheets

        inputs = parse_sheets(demo_sheets())
    path = build_template(assess(inputs), Path(args.output))
    print(f"wrote {path} ({len(inputs.targets)} indicators, live =PIB_ formulas, Refresh button)")
    return 0


def cmd_new(args, timer: Timer) -> int:
    from . import months
    from .starter import new_workbook

    made = new_workbook(args.partnership, Path(args.output), args.counts, args.latest, args.live)
    source = f" from {Path(args.counts).name}" if args.counts else " (an example to overwrite)"
    span = f", {months.label(made.first_month)} to " if made.first_month is not None else ", data to "
    print(f"wrote {made.path} for {made.partnership}: {len(made.indicators)} indicator"
          f"{'s' if len(made.indicators) != 1 else ''}{source}{span}{months.label(made.latest_month)}")
    if made.live:
        print("next: open it in Excel, type the targets on the Targets sheet, and click Refresh on the "
              "Executive Summary sheet")
    else:
        bulletin = made.path.with_name(made.path.stem + "_bulletin.xlsx")
        print(f"next: type the targets on its Targets sheet (its Start here sheet says how), then run: "
              f"xl-pib build {made.path} -o {bulletin} --pdf")
    return 0


def cmd_demo(args, timer: Timer) -> int:
    from .demo import write_demo_input

    outdir = Path(args.output)
    outdir.mkdir(parents=True, exist_ok=True)
    source = write_demo_input(outdir / "demo_input.xlsx")
    print(f"wrote {source} (Kettering CDRP, data to November 2009)")
    return _build(source, outdir / "demo_bulletin.xlsx", args.pdf, timer)


def cmd_batch(args, timer: Timer) -> int:
    from .batch import run

    return run(Path(args.input_dir), Path(args.output), args.jobs, args.pdf, args.values, strict=args.strict,
               previous=Path(args.previous) if args.previous else None)


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def cmd_serve(args, timer: Timer) -> int:
    from .serve import serve

    return serve(args.host, args.port, args.insecure)


def cmd_health(args, timer: Timer) -> int:
    from .serve import health

    return health(args.url, args.wait)


def cmd_ingest(args, timer: Timer) -> int:
    from .ingest import commands

    timer.mark("imports")
    if args.source == "police-uk":
        text = commands.police_uk(args.paths, args.lookup, args.mapping, args.output, args.into, args.area_column,
                                  args.replace, args.add_unmatched, args.strict, timer.mark)
    elif args.source == "recorded-crime":
        text = commands.recorded_crime(args.files, args.mapping, args.populations, args.area, args.group,
                                       args.output)
    else:
        text = commands.counts(args.file, args.into, args.output, args.replace, args.add_unmatched, args.strict)
    if not timer.parts.keys() - {"imports"}:
        timer.mark("ingest")
    print(text)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="xl-pib", description="Build Performance Improvement Bulletins.")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p.add_argument("--timings", action="store_true", help="print a time breakdown (imports, read, compute, write)")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the bulletin from an input workbook, or refresh a live .xlsm")
    b.add_argument("input", help="input workbook (.xlsx) with Settings, Targets, Outcomes, Data [, MSG], "
                                 "or a live workbook (.xlsm) made by 'xl-pib template'")
    b.add_argument("-o", "--output", required=True,
                   help="bulletin to write: .xlsx (static), or .xlsm when refreshing a live workbook")
    b.add_argument("--pdf", action="store_true", help="also write OUTPUT.pdf with headless LibreOffice")
    b.add_argument("--values", action="store_true",
                   help="from a live .xlsm: write a static .xlsx bulletin (every formula replaced by its value)")
    b.add_argument("--previous", metavar="LAST",
                   help="an earlier bulletin of the same partnership (.xlsx, or a live .xlsm's last refresh of an "
                        "earlier month): adds 'Since last month', what moved since it, and arrows beside the "
                        "outcome RAGs that moved")
    b.add_argument("--strict", action="store_true", help=STRICT_HELP)
    b.set_defaults(run=cmd_build)
    t = sub.add_parser("template", help="generate the analysts' live workbook (.xlsm) with =PIB_ formulas")
    t.add_argument("-o", "--output", default="workbook/pib_bulletin.xlsm", help="workbook to write (.xlsm)")
    t.add_argument("-i", "--input", help="input workbook whose sheets to use (default: the Kettering demo)")
    t.set_defaults(run=cmd_template)
    n = sub.add_parser("new", help="write a new partnership's input workbook, from its monthly counts if given")
    n.add_argument("partnership", help='the partnership\'s name, e.g. "Anytown CSP"')
    n.add_argument("-o", "--output", required=True,
                   help="workbook to write: .xlsx (an input workbook), or .xlsm with --live; never replaced")
    n.add_argument("--from", dest="counts", metavar="COUNTS",
                   help="monthly counts (.csv or .xlsx, wide or long, as 'xl-pib ingest counts' reads them): one "
                        "indicator per series, with its Data")
    n.add_argument("--latest", metavar="MONTH", help="the Latest month setting (default: the last month of the "
                                                     "counts), e.g. 2024-03, 03/2024 or Mar 2024")
    n.add_argument("--live", action="store_true",
                   help="write the macro-enabled live workbook (=PIB_ formulas, Refresh button) instead")
    n.set_defaults(run=cmd_new)
    d = sub.add_parser("demo", help="write the Kettering December 2009 demo input and build its bulletin")
    d.add_argument("-o", "--output", default="out", help="folder for demo_input.xlsx and demo_bulletin.xlsx")
    d.add_argument("--pdf", action="store_true", help="also write demo_bulletin.pdf with headless LibreOffice")
    d.set_defaults(run=cmd_demo)
    bt = sub.add_parser("batch", help="build the bulletin of every input workbook in a folder, in parallel")
    bt.add_argument("input_dir", help="folder of input workbooks (.xlsx, or live .xlsm)")
    bt.add_argument("-o", "--output", required=True, help="folder for the bulletins and batch_report.csv")
    bt.add_argument("--jobs", type=_positive_int, default=None, help="worker processes (default: number of cores)")
    bt.add_argument("--pdf", action="store_true", help="also write each bulletin's PDF with headless LibreOffice")
    bt.add_argument("--values", action="store_true", help="from live .xlsm inputs: write static .xlsx bulletins")
    bt.add_argument("--previous", metavar="DIR",
                    help="a folder of last month's bulletins: each bulletin is compared with the one of the same file "
                         "name, or else of the same area ('Since last month'); one with none gets a note in the "
                         "report")
    bt.add_argument("--strict", action="store_true",
                    help="fail (exit 2) every bulletin whose inputs give a warning, writing none of them")
    bt.set_defaults(run=cmd_batch)
    s = sub.add_parser("serve", help="serve the =PIB_ functions, the Refresh button and POST /pib/build "
                                     "to Office.js (xlwings Server; pip install 'xl-pib[server]')")
    s.add_argument("--host", help="address to listen on (default: $XL_PIB_HOST or 127.0.0.1)")
    s.add_argument("--port", type=int, help="port (default: $XL_PIB_PORT or 8000)")
    s.add_argument("--insecure", action="store_true",
                   help="listen beyond loopback without sign-in (XL_PIB_AUTH unset): anyone who can reach the port "
                        "can call the functions")
    s.set_defaults(run=cmd_serve)
    h = sub.add_parser("health", help="check that 'xl-pib serve' on this machine answers (exit 0), for container "
                                      "and service health checks")
    h.add_argument("--url", help="address to check (default: http(s)://127.0.0.1:$XL_PIB_PORT/)")
    h.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                   help="keep checking for up to SECONDS (a server that is starting)")
    h.set_defaults(run=cmd_health)
    _ingest_parser(sub)
    return p


def _ingest_parser(sub) -> None:
    i = sub.add_parser("ingest", help="build Data (and MSG) sheets from police.uk, Home Office or analysts' counts")
    kinds = i.add_subparsers(dest="source", required=True)
    out_help = "write the counts: .xlsx (Data and Mapping sheets) or .csv; with --into, the merged workbook"
    into_help = "merge into this input workbook: replace only the ingested Data rows, keep everything else"
    p = kinds.add_parser("police-uk", help="police.uk street-level CSV files, download folders or .zip archives")
    p.add_argument("paths", nargs="+", help="street-level .csv files, folders (YYYY-MM/YYYY-MM-<force>-street.csv) "
                                            "or downloaded .zip archives")
    p.add_argument("--lookup", required=True, action="append",
                   help="LSOA lookup: 'LSOA code' and 'Area', or an ONS lookup as published (LSOA01CD, LSOA11CD or "
                        "LSOA21CD); give it twice for two censuses' LSOAs")
    p.add_argument("--area-column", help="the lookup column naming each LSOA's area (e.g. LAD19NM, CSP23NM, WD22NM); "
                                         "default: Area, or the lookup's one CSP..NM column")
    p.add_argument("--mapping", help="crime type -> indicator table (.csv, or a workbook's Mapping sheet); "
                                     "default: the workbook's own Mapping sheet, else the shipped one")
    p.add_argument("-o", "--output", required=True, help=out_help)
    p.add_argument("--into", help=into_help)
    r = kinds.add_parser("recorded-crime", help="Home Office police recorded crime open data tables")
    r.add_argument("files", nargs="+", help="tables at offence-code level (.csv, or the published .ods/.xlsx)")
    r.add_argument("--mapping", help="offence code -> indicator table (.csv or a workbook's Offence Mapping sheet)")
    r.add_argument("--populations", help="CSV with 'Area' and 'Population' (for the MSG sheet)")
    r.add_argument("--area", help="the area whose most similar group the MSG sheet compares")
    r.add_argument("--group", help="CSV listing the most similar group ('Area' column)")
    r.add_argument("-o", "--output", required=True, help="write .xlsx (Quarterly, MSG, Offence Mapping) or .csv")
    c = kinds.add_parser("counts", help="monthly counts analysts already keep (wide or long, .csv or .xlsx)")
    c.add_argument("file", help="a .csv or .xlsx table")
    c.add_argument("-o", "--output", required=True, help=out_help)
    c.add_argument("--into", help=into_help)
    for merging in (p, c):
        merging.add_argument("--replace", action="store_true",
                             help="with --into: replace series even where the merge changes their level by more "
                                  "than half (refused otherwise)")
        merging.add_argument("--add-unmatched", action="store_true",
                             help="ingest columns or series that match no indicator as new indicators (with --into, "
                                  "adding their Targets rows) instead of refusing them")
        merging.add_argument("--strict", action="store_true",
                             help="with --into: write nothing (exit 2) if the merged workbook gives any warning "
                                  "'xl-pib build' would print")
    for sub_parser in (p, r, c):
        sub_parser.set_defaults(run=cmd_ingest)


def main(argv: list[str] | None = None) -> int:
    timer = Timer()
    args = parser().parse_args(argv)
    from .errors import InputError, PibError, StrictRefusal, one_line

    try:
        status = args.run(args, timer)
    except StrictRefusal as error:
        for line in error.warnings:
            print(f"warning: {line}", file=sys.stderr)
        print(f"xl-pib: {error.summary}", file=sys.stderr)
        return EXIT_INPUT
    except UsageError as error:
        print(f"xl-pib: {error}", file=sys.stderr)
        return EXIT_INPUT
    except InputError as error:
        print(f"xl-pib: {one_line(error)}", file=sys.stderr)
        return EXIT_INPUT
    except PibError as error:
        print(f"xl-pib: {one_line(error)}", file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 - analysts get one line, developers use --debug
        if args.debug:
            raise
        print(f"xl-pib: {one_line(error)} (run with --debug for details)", file=sys.stderr)
        return 1
    if args.timings:
        print(timer.report(), file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
