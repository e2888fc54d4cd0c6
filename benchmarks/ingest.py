"""Ingest benchmark (issue 7): police.uk street-level rows -> monthly counts per area and indicator.

    python benchmarks/ingest.py            # 3 and 10 million rows (10M is about 2.3 GB of CSV, in a temporary folder)
    python benchmarks/ingest.py --quick    # 200,000 rows

Synthetic files in the real layout (``YYYY-MM/YYYY-MM-<force>-street.csv``, the
twelve published columns, 35,000 LSOAs in 300 areas, 2% of rows without a
location) are generated with DuckDB's COPY. Then, each in its own process so
that peak RSS (ru_maxrss of a probe's only child) belongs to that run alone:

- ``xl-pib --timings ingest police-uk FOLDER --lookup LOOKUP.csv -o counts.csv``,
  the whole command including interpreter start-up, with its stages; targets
  (issues 7 and 18): <= 20 s at 10 million rows, < 600 MiB, and >= 2x the peer;
- the same counts with ``pandas.read_csv`` (the three columns needed) and
  ``groupby``, file by file, checked equal to the ingest's output.

At 3 and 10 million rows (200,000 with ``--quick``). At the smaller size the
DuckDB pass is also taken apart (the scan alone, then with the LSOA join) to
show where its time goes. ``bench_ingest(row, quick)`` is the entry point
benchmarks/run.py registers.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FULL_ROWS, QUICK_ROWS = 10_000_000, 200_000
LSOAS, AREAS = 35_000, 300
CRIME_TYPES = {  # roughly the national mix on police.uk
    "Anti-social behaviour": 17, "Violence and sexual offences": 30, "Public order": 8, "Criminal damage and arson": 8,
    "Other theft": 7, "Vehicle crime": 6, "Shoplifting": 6, "Burglary": 4, "Drugs": 3, "Other crime": 2,
    "Theft from the person": 2, "Robbery": 1, "Possession of weapons": 1, "Bicycle theft": 1,
}
OUTCOMES = ["Investigation complete; no suspect identified", "Unable to prosecute suspect", "Under investigation",
            "Status update unavailable", "Court result unavailable"]
STREETS = ["High Street", "Church Lane", "Station Road", "Mill Road", "Park Avenue", "Supermarket", "Parking Area"]


def _sql_list(values) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def generate(folder: Path, rows: int, month_count: int, forces: int) -> tuple[Path, Path]:
    """Street-level files and an LSOA lookup; returns (download folder, lookup.csv)."""
    import duckdb

    con = duckdb.connect()
    weighted = [t for t, w in CRIME_TYPES.items() for _ in range(w)]
    per_file = rows // (month_count * forces)
    download = folder / "download"
    for m in range(month_count):
        month = f"{2021 + m // 12}-{m % 12 + 1:02d}"
        (download / month).mkdir(parents=True, exist_ok=True)
        for f in range(forces):
            force = f"Force {f + 1} Police"
            out = download / month / f"{month}-force-{f + 1}-street.csv"
            con.execute(f"""
                COPY (
                  SELECT CASE WHEN t = 'Anti-social behaviour' THEN NULL ELSE md5(i::VARCHAR || '{month}{f}')
                              || md5(i::VARCHAR) END AS "Crime ID",
                         '{month}' AS "Month", '{force}' AS "Reported by", '{force}' AS "Falls within",
                         CASE WHEN nowhere THEN NULL ELSE round(-2 + random() * 2, 6)::VARCHAR END AS "Longitude",
                         CASE WHEN nowhere THEN NULL ELSE round(51 + random() * 2, 6)::VARCHAR END AS "Latitude",
                         CASE WHEN nowhere THEN 'No location'
                              ELSE 'On or near ' || {_sql_list(STREETS)}[1 + (i % {len(STREETS)})] END AS "Location",
                         CASE WHEN nowhere THEN NULL ELSE printf('E01%06d', lsoa) END AS "LSOA code",
                         CASE WHEN nowhere THEN NULL ELSE printf('Area %03d %03dA', lsoa % {AREAS}, lsoa % 997) END
                             AS "LSOA name",
                         t AS "Crime type",
                         CASE WHEN t = 'Anti-social behaviour' THEN NULL
                              ELSE {_sql_list(OUTCOMES)}[1 + (i % {len(OUTCOMES)})] END AS "Last outcome category",
                         NULL AS "Context"
                  FROM (SELECT range AS i, random() < 0.02 AS nowhere,
                               (hash(range * 7919 + {m * forces + f}) % {LSOAS})::INTEGER AS lsoa,
                               {_sql_list(weighted)}[1 + (hash(range + {m * 1000 + f}) % {len(weighted)})::INTEGER] AS t
                        FROM range({per_file}))
                ) TO '{out}' (HEADER, DELIMITER ',')""")
    lookup = folder / "lookup.csv"
    con.execute(f"""COPY (SELECT printf('E01%06d', range) AS "LSOA code", printf('CSP %03d', range % {AREAS}) AS "Area"
                    FROM range({LSOAS})) TO '{lookup}' (HEADER, DELIMITER ',')""")
    con.close()
    return download, lookup


PANDAS_BASELINE = r'''
import sys
from pathlib import Path
import pandas as pd
folder, lookup, mapping, out = map(Path, sys.argv[1:5])
areas = pd.read_csv(lookup, dtype=str).set_index("LSOA code")["Area"]
parts = []
for path in sorted(folder.rglob("*-street.csv")):
    frame = pd.read_csv(path, usecols=["Month", "LSOA code", "Crime type"], dtype=str)
    frame["Area"] = frame["LSOA code"].map(areas)
    parts.append(frame.groupby(["Month", "Area", "Crime type"]).size())
by_type = pd.concat(parts).groupby(level=[0, 1, 2]).sum().rename("n").reset_index()
pairs = pd.read_csv(mapping, dtype=str).dropna(subset=["Crime type", "Indicator"])
counts = by_type.merge(pairs, on="Crime type").groupby(["Month", "Area", "Indicator"])["n"].sum()
counts.rename("Value").reset_index().to_csv(out, index=False)
'''


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "udfs"), os.environ.get("PYTHONPATH", "")]))


def _measured(args: list[str]) -> tuple[float, float, str, str]:
    """Run ``args`` under a small probe process whose only child it is, so the wall time and peak RSS
    (the probe's RUSAGE_CHILDREN) are that run's alone (this process's would mix in every earlier child).
    Returns wall seconds, peak RSS in MiB, stdout and stderr."""
    probe = ("import os, subprocess, sys, time, json\n"
             "start = time.perf_counter()\n"
             "child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)\n"
             "out, err = child.communicate()\n"
             "wall = time.perf_counter() - start\n"
             "import resource\n"
             "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
             "print(json.dumps({'wall': wall, 'rss': rss, 'status': child.returncode, 'out': out, 'err': err}))\n")
    import json

    done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, env=_env(), check=True)
    result = json.loads(done.stdout)
    if result["status"]:
        raise RuntimeError(f"{' '.join(args[:5])} failed: {result['err'].strip()}")
    return result["wall"], result["rss"] / 1024, result["out"], result["err"]


STAGE_QUERIES = {  # the one DuckDB pass of police_uk.Counted taken apart, to show where its time goes
    "CSV scan (the four columns used)": """SELECT count(*), count("Month"), count("Reported by"), count("Crime type"),
                                              count("LSOA code") FROM {src}""",
    "scan + LSOA join": """SELECT count(*), count(l.area_id) FROM {src} AS s LEFT JOIN lookup AS l
                           ON s."LSOA code" = l.lsoa""",
    "scan + join + grouping (the ingest's query)": None,  # police_uk's own, timed by --timings
}

STAGE_SCRIPT = r'''
import sys, time
from pathlib import Path
from xl_pib.ingest import duck, police_uk
from xl_pib.ingest.lookup import read_lookup
queries = eval(sys.argv[3])
files = sorted(str(p) for p in Path(sys.argv[1]).rglob("*-street.csv"))
con = duck.connect()
con.register("lookup_frame", read_lookup(sys.argv[2]).table)
con.execute("CREATE TEMP TABLE lookup AS SELECT lsoa, dense_rank() OVER (ORDER BY area)::INTEGER AS area_id FROM lookup_frame")
src = duck.read_csv_sql(files, police_uk.COLUMNS)
for name, sql in queries.items():
    start = time.perf_counter()
    con.sql(sql.format(src=src)).fetchall()
    print(f"{name}\t{time.perf_counter() - start:.3f}")
'''


def _stages(stderr: str) -> dict[str, float]:
    """The ``--timings`` line of an xl-pib run: stage -> seconds."""
    line = stderr.split("timings: ")[-1].strip()
    pairs = (part.rsplit(" ", 1) for part in line.split(", "))
    return {name.strip(): float(value.removesuffix("s")) for name, value in pairs if name.strip() != "total"}


def bench_ingest(row, quick: bool) -> None:
    """police.uk ingest at 3 and 10 million rows (200,000 with --quick) against the pandas peer."""
    for rows in ((QUICK_ROWS,) if quick else (3_000_000, FULL_ROWS)):
        _bench_size(row, rows, quick, breakdown=rows == (QUICK_ROWS if quick else 3_000_000))


def _bench_size(row, rows: int, quick: bool, breakdown: bool) -> None:
    import pandas as pd

    month_count, forces = (6, 2) if quick else (24, 5)
    label = f"{rows:,}"
    work = Path(tempfile.mkdtemp(prefix="xl-pib-bench-ingest-"))
    try:
        start = time.perf_counter()
        download, lookup = generate(work, rows, month_count, forces)
        generated = time.perf_counter() - start
        size = sum(p.stat().st_size for p in download.rglob("*.csv"))
        row(f"ingest: synthetic police.uk files ({month_count * forces} files, {label} rows)",
            f"{size / 2**30:.2f} GiB in {generated:.1f} s", "", None)
        counts = work / "counts.csv"
        wall, rss, _, err = _measured([sys.executable, "-m", "xl_pib", "--timings", "ingest", "police-uk",
                                       str(download), "--lookup", str(lookup), "-o", str(counts)])
        baseline = work / "pandas.csv"
        mapping = ROOT / "xl_pib" / "ingest" / "mappings" / "police_uk_mapping.csv"
        pandas_wall, pandas_rss, _, _ = _measured([sys.executable, "-c", PANDAS_BASELINE, str(download), str(lookup),
                                                   str(mapping), str(baseline)])
        ours = pd.read_csv(counts).set_index(["Month", "Area", "Indicator"])["Value"]
        theirs = pd.read_csv(baseline).set_index(["Month", "Area", "Indicator"])["Value"]
        theirs = theirs.reindex(ours.index, fill_value=0)  # the ingest writes zeros the groupby leaves out
        assert (ours == theirs).all() and ours.sum() == theirs.sum(), "ingest and pandas disagree"
        full = rows == FULL_ROWS
        row(f"ingest police-uk, {label} rows -> monthly counts per area and indicator (wall, incl. start-up)",
            f"{wall:.2f} s", "<= 20 s" if full else "", (wall <= 20) if full else None)
        row("  peak RSS of the ingest process", f"{rss:.0f} MiB", "< 600 MiB", rss < 600)
        row("  pandas.read_csv + groupby on the same files (same counts checked): wall, peak RSS",
            f"{pandas_wall:.2f} s, {pandas_rss:.0f} MiB", "", None)
        row("  ingest speed-up over pandas (wall, one after the other)", f"{pandas_wall / wall:.2f}x", ">= 2x",
            pandas_wall / wall >= 2 if not quick else None)
        stages = _stages(err)
        row("  of which (--timings) " + ", ".join(stages), "; ".join(f"{v:.2f}" for v in stages.values()) + " s",
            "", None)
        if breakdown:
            queries = {k: v for k, v in STAGE_QUERIES.items() if v}
            probe = subprocess.run([sys.executable, "-c", STAGE_SCRIPT, str(download), str(lookup), repr(queries)],
                                   capture_output=True, text=True, env=_env(), check=True)
            parts = dict(line.split("\t") for line in probe.stdout.strip().splitlines())
            parts["scan + join + grouping (the ingest's query)"] = f"{stages.get('scan+join+group', 0):.3f}"
            row("  the DuckDB pass alone, cumulatively: " + "; ".join(parts),
                "; ".join(f"{float(v):.2f}" for v in parts.values()) + " s", "", None)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ROWS:,} rows instead of {FULL_ROWS:,}")
    args = parser.parse_args()
    rows: list[tuple[str, str, str, str]] = []

    def row(name, measured, target, ok):
        rows.append((name, measured, target, "" if ok is None else ("yes" if ok else "NO")))
        print(f"  {name}: {measured}", file=sys.stderr)

    bench_ingest(row, args.quick)
    width = max(len(r[0]) for r in rows)
    print(f"\n{'benchmark'.ljust(width)} | {'measured':>20} | {'target':>10} | met")
    for name, measured, target, ok in rows:
        print(f"{name.ljust(width)} | {measured:>20} | {target:>10} | {ok}")
    print(f"\n{os.cpu_count()} cores; Python {sys.version.split()[0]}")
    return 0 if all(r[3] != "NO" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
