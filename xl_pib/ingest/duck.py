"""DuckDB, embedded: the heavy reading and aggregation of published crime files.

Every file is read once by DuckDB's parallel CSV reader with the columns
named up front (all text), and only the aggregated counts come back to
pandas. Rows DuckDB cannot read (a short line at the end of a truncated file,
an unterminated quote, bytes that are not UTF-8) are collected with
``store_rejects`` and turned into one error naming the file and line.

Encoding, deliberately: DuckDB decodes only the columns a query uses, so a
byte that is not UTF-8 in one of those is refused with its line, while the
columns never read (Location, LSOA name, ...) are never decoded. A police.uk
file that Excel re-saved as Windows-1252 ("Caf\xe9" in a Location) therefore
counts exactly as the UTF-8 original; its Month, force, LSOA and crime type
are plain ASCII in every published file.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import InputError
from .small_tables import decode_utf8, header_key

# A 10-million-row ingest stays well inside the 1.5 GB budget; DuckDB spills beyond this.
MEMORY_LIMIT = "1GB"

_REJECTS = {
    "MISSING COLUMNS": "every column on the line (the file may be truncated)",
    "TOO MANY COLUMNS": "no more columns than the header",
    "UNQUOTED VALUE": "a closing quote (the file may be truncated)",
    "INVALID ENCODING": "UTF-8 text (save it as 'CSV UTF-8')",
    "INVALID UNICODE": "UTF-8 text (save it as 'CSV UTF-8')",
}


def connect():
    import duckdb

    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "preserve_insertion_order": False})
    # No progress bar: DuckDB draws one on stdout for a query over 2 s, into the report the command prints.
    con.execute("SET enable_progress_bar = false")
    # DuckDB guesses a few thousand rows for a CSV scan, so its build-side optimizer puts the millions of
    # CSV rows, not the small lookup or mapping, into the join's hash table: 2.5x the memory and 1.6x the
    # time of a police.uk ingest. Every ingest joins a large scan to a small table, as the queries are written.
    con.execute("SET disabled_optimizers = 'build_side_probe_side'")
    return con


def header(path: Path, name: str) -> list[str]:
    """The first line of a CSV file as column names (trimmed)."""
    with open(path, "rb") as handle:
        first = handle.readline(1 << 16)
    if not first.strip():
        raise InputError(name, "a header row (the file is empty or truncated)", row=1)
    text = decode_utf8(first, name)
    return [c.strip() for c in next(csv.reader(io.StringIO(text)))]


def check_header(path: Path, name: str, expected: list[str]) -> None:
    """Refuse a file whose header is not ``expected`` (case, spaces and underscores aside), naming the first
    difference."""
    found = header(path, name)
    for index, want in enumerate(expected):
        got = found[index] if index < len(found) else None
        if got is None or header_key(got) != header_key(want):
            raise InputError(name, f"'{want}' (the header is {', '.join(expected)})", row=1,
                             column=str(index + 1), got=got)
    if len(found) > len(expected):
        raise InputError(name, f"{len(expected)} columns ({', '.join(expected)})", row=1,
                         column=str(len(expected) + 1), got=found[len(expected)])


def read_csv_sql(files: list[str], columns: list[str]) -> str:
    """A read_csv(...) table expression over ``files`` with every column as text and rejects stored."""
    listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    typed = ", ".join("'" + c.replace("'", "''") + "': 'VARCHAR'" for c in columns)
    return (f"read_csv([{listed}], header=true, auto_detect=false, delim=',', quote='\"', escape='\"', "
            f"columns={{{typed}}}, filename=true, store_rejects=true, encoding='utf-8')")


REJECTS_SQL = """
    SELECT s.file_path, e.line, e.error_type FROM reject_errors e JOIN reject_scans s USING (scan_id, file_id)
    ORDER BY s.file_path, e.line LIMIT 1"""


def first_reject(con) -> list[tuple]:
    """The first row DuckDB could not read in this connection's scans: [(file, line, error type)] or []."""
    return con.sql(REJECTS_SQL).fetchall()


def raise_first_reject(rejected: list[tuple], display: dict[str, str]) -> None:
    """One error for the first unreadable row, naming the file (as the analyst gave it) and line."""
    if not rejected:
        return
    path, line, kind = rejected[0]
    expected = _REJECTS.get(kind, f"a readable CSV line ({kind.lower()})")
    raise InputError(display.get(path, Path(path).name), expected, row=int(line))
