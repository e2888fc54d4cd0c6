"""A catalogue of bad and awkward input workbooks, each built from the Kettering demo input.

Every case is the demo's input sheets (``xl_pib.demo.demo_sheets``) with one
thing changed, written to a real file. Each has one defined outcome, which
``tests/hardening/test_bad_input_catalogue.py`` asserts by running ``xl-pib build``:

- ``error``: exit status 2, one line ``xl-pib: SHEET row R, column 'C': expected ...``
  (a whole-file problem names the file instead of a sheet), nothing written;
- ``warning``: the bulletin is built and a ``warning:`` line says what was done
  (a blank row skipped, a gap left as a gap, merged cells filled...);
- ``accepted``: the bulletin is built with no warning; with ``same_results`` its
  Results sheet equals the demo's (the input meant the same thing).

The "Bad input" table of docs/hardening.md documents these decisions; this file is the
executable version of it. Row numbers are spreadsheet rows (headers are row 1).
The cases complement, and do not repeat, the 19 in ``tests/cli/test_cli_bad_input.py``.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from xl_pib import months
from xl_pib.xlsx import write_sheets

EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class BadInput:
    id: str
    outcome: str                          # "error" | "warning" | "accepted"
    change: Callable[[dict], int | None] | None = None   # edits the sheets; returns the bad row
    write: Callable[[dict, Path], Path] | None = None      # writes a special file (default: write_sheets)
    sheet: str = ""                       # error: the sheet (or file) the message starts with
    column: str | None = None             # error: the column it names
    expected: str = ""                    # error: text after "expected"; warning: text of a warning line
    same_results: bool = False            # accepted/warning: Results equal the demo's
    env: dict = field(default_factory=dict)
    needs: str = ""                       # "soffice" when LibreOffice makes the file
    name: str = "input.xlsx"


def build(case: BadInput, demo_sheets: dict, folder: Path) -> tuple[Path, int | None]:
    """Write the case's input file into ``folder``; returns (path, bad spreadsheet row or None)."""
    sheets = copy.deepcopy(demo_sheets)
    row = case.change(sheets) if case.change else None
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / case.name
    if case.write:
        return case.write(sheets, path), row
    return write_sheets(sheets, path), row


# --- editing the demo sheets ----------------------------------------------------------------------


def col(sheets, sheet: str, header: str) -> int:
    return sheets[sheet][0].index(header)


def rows_of(sheets, sheet: str, column: str, value) -> list[int]:
    """List indices (row number − 1) of the rows whose ``column`` holds ``value``."""
    c = col(sheets, sheet, column)
    return [i for i, row in enumerate(sheets[sheet]) if i and row[c] == value]


def set_cell(sheets, sheet: str, index: int, column: str, value) -> int:
    sheets[sheet][index][col(sheets, sheet, column)] = value
    return index + 1


def target(indicator: str, column: str, value):
    def change(sheets):
        return set_cell(sheets, "Targets", rows_of(sheets, "Targets", "Indicator", indicator)[0], column, value)
    return change


def data_cell(indicator: str, nth: int, column: str, value):
    def change(sheets):
        return set_cell(sheets, "Data", rows_of(sheets, "Data", "Indicator", indicator)[nth], column, value)
    return change


def setting(key: str, value):
    def change(sheets):
        return set_cell(sheets, "Settings", rows_of(sheets, "Settings", "Setting", key)[0], "Value", value)
    return change


def drop_sheet(name: str):
    def change(sheets):
        del sheets[name]
    return change


def rename_sheet(old: str, new: str):
    def change(sheets):
        sheets[new] = sheets.pop(old)
    return change


def rename_column(sheet: str, old: str, new: str):
    def change(sheets):
        sheets[sheet][0][col(sheets, sheet, old)] = new
        return 1
    return change


def drop_column(sheet: str, header: str):
    def change(sheets):
        c = col(sheets, sheet, header)
        for row in sheets[sheet]:
            del row[c]
        return 1
    return change


def title_row_above(sheet: str):
    def change(sheets):
        sheets[sheet].insert(0, [f"{sheet} (exported from the police system)"])
        return 1
    return change


def blank_rows(sheet: str, after: int, count: int):
    def change(sheets):
        width = len(sheets[sheet][0])
        for _ in range(count):
            sheets[sheet].insert(after, [None] * width)
    return change


def every_month(convert):
    """Every Data month cell converted (to a date, an Excel serial...)."""
    def change(sheets):
        c = col(sheets, "Data", "Month")
        for row in sheets["Data"][1:]:
            row[c] = convert(months.to_date(months.parse(row[c])))
    return change


def serial(day: dt.date) -> int:
    return (day - EXCEL_EPOCH).days


def drop_data_row(indicator: str, month: str):
    def change(sheets):
        c = col(sheets, "Data", "Month")
        (i,) = [i for i in rows_of(sheets, "Data", "Indicator", indicator) if sheets["Data"][i][c] == month]
        del sheets["Data"][i]
    return change


def future_rows(sheets):
    for month in ("2009-12", "2010-01", "2010-02"):
        sheets["Data"].append([month, "VEH", 70, None])


def duplicate_as_date(sheets):
    """The same VEH month given again as a real date in the middle of the month."""
    first = rows_of(sheets, "Data", "Indicator", "VEH")[0]
    month = months.to_date(months.parse(sheets["Data"][first][0])) + dt.timedelta(days=14)
    sheets["Data"].append([month, "VEH", 5, None])
    return len(sheets["Data"])


def duplicate_row(sheets):
    rows = sheets["Data"]
    i = rows_of(sheets, "Data", "Indicator", "DB")[10]
    rows.insert(i + 1, list(rows[i]))
    return i + 2


def percentage_over_100(sheets):
    i = rows_of(sheets, "Data", "Indicator", "NI17")[-2]
    row = sheets["Data"][i]
    row[col(sheets, "Data", "Value")] = row[col(sheets, "Data", "Denominator")] + 5
    return i + 1


def all_zero(indicator: str):
    def change(sheets):
        for i in rows_of(sheets, "Data", "Indicator", indicator):
            set_cell(sheets, "Data", i, "Value", 0)
    return change


def empty_data(sheets):
    sheets["Data"] = sheets["Data"][:1]


def no_data_at_all(sheets):
    sheets["Data"] = []
    return 1


def repeat_setting(sheets):
    sheets["Settings"].append(["Latest month", "2009-10"])
    return len(sheets["Settings"])


def unknown_setting(sheets):
    sheets["Settings"].append(["Confidnce", 0.9])


def month_text_percent(sheets):
    i = rows_of(sheets, "Targets", "Indicator", "NI17")[0]
    return set_cell(sheets, "Targets", i, "Baseline", "23%")


def stray_note_at_row(column: str, value):
    def change(sheets):
        width = len(sheets["Data"][0])
        while len(sheets["Data"]) < 999_999:
            sheets["Data"].append(None)  # placeholder rows, written as empty by write_sparse
        sheets["Data"].append([None] * max(width, 6))
        row = sheets["Data"][-1]
        if column == "F":
            row[5] = value
        else:
            row[col(sheets, "Data", column)] = value
            row[col(sheets, "Data", "Indicator")] = "VEH"
        return len(sheets["Data"])
    return change


# --- special files --------------------------------------------------------------------------------


def write_sparse(sheets, path: Path) -> Path:
    """Write sheets whose placeholder rows (None) stay empty, so a million-row sheet costs kilobytes."""
    from openpyxl import Workbook

    from xl_pib.xlsx import put, save

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row or (), start=1):
                if value is not None:
                    put(ws.cell(r, c), value)
    return save(wb, path)


def merge_in(sheet: str, column: str, key_column: str, key, count: int):
    """Merge ``count`` cells of ``column`` down from the first row whose key matches, as an analyst would."""
    def write(sheets, path: Path) -> Path:
        import openpyxl
        from openpyxl.utils import get_column_letter

        first = rows_of(sheets, sheet, key_column, key)[0] + 1
        letter = get_column_letter(col(sheets, sheet, column) + 1)
        for r in range(first + 1, first + count):  # Excel keeps only the top-left value of a merge
            sheets[sheet][r - 1][col(sheets, sheet, column)] = None
        write_sheets(sheets, path)
        wb = openpyxl.load_workbook(path)
        wb[sheet].merge_cells(f"{letter}{first}:{letter}{first + count - 1}")
        wb.save(path)
        return path
    return write


def merge_sections(sheets, path: Path) -> Path:
    """Each run of Targets rows with the same Section merged into one cell."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    c = col(sheets, "Targets", "Section")
    rows = sheets["Targets"]
    runs, start = [], 1
    for i in range(2, len(rows) + 1):
        if i == len(rows) or rows[i][c] != rows[start][c]:
            if i - start > 1:
                runs.append((start + 1, i))
            start = i
    for top, bottom in runs:
        for r in range(top + 1, bottom + 1):
            rows[r - 1][c] = None
    write_sheets(sheets, path)
    wb = openpyxl.load_workbook(path)
    letter = get_column_letter(c + 1)
    for top, bottom in runs:
        wb["Targets"].merge_cells(f"{letter}{top}:{letter}{bottom}")
    wb.save(path)
    return path


def raw_text(sheet: str, placeholder: str, text: str):
    """Put ``text`` into the sheet's XML where openpyxl wrote ``placeholder`` (text openpyxl would refuse
    or cut short, as other tools write it)."""
    def write(sheets, path: Path) -> Path:
        write_sheets(sheets, path)
        part = f"xl/worksheets/sheet{list(sheets).index(sheet) + 1}.xml"
        with zipfile.ZipFile(path) as source:
            xml = source.read(part)
        assert placeholder.encode() in xml
        _rewrite_part(path, part, xml.replace(placeholder.encode(), text.encode()))
        return path
    return write


def protected_sheets(sheets, path: Path) -> Path:
    import openpyxl

    write_sheets(sheets, path)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        ws.protection.sheet = True
        ws.protection.password = "analyst"
    wb.save(path)
    return path


def encrypted(sheets, path: Path) -> Path:
    """The demo input with a password to open (Excel's File > Info > Encrypt), via msoffcrypto-tool."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_sheets(sheets, path.with_name("plain.xlsx"))
    with open(plain, "rb") as source, open(path, "wb") as target:
        OOXMLFile(source).encrypt("secret", target)
    plain.unlink()
    return path


def legacy_xls(sheets, path: Path) -> Path:
    """The demo input saved by LibreOffice as an Excel 97-2003 .xls."""
    from xl_pib.pdf import convert

    plain = write_sheets(sheets, path.with_name("plain.xlsx"))
    (written,) = convert([plain], "xls", path.parent / "xls")
    shutil.move(written, path)
    shutil.rmtree(path.parent / "xls")
    plain.unlink()
    return path


def truncated(sheets, path: Path) -> Path:
    data = write_sheets(sheets, path).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _rewrite_part(path: Path, part: str, content: bytes) -> None:
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            target.writestr(info, content if info.filename == part else data)


def damaged_sheet_xml(sheets, path: Path) -> Path:
    write_sheets(sheets, path)
    _rewrite_part(path, "xl/worksheets/sheet4.xml",
                  b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                  b'main"><sheetData><row r="1"><c r="A1" t="s"><v>99999</v></c></row>')
    return path


def not_a_workbook_zip(sheets, path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as target:
        target.writestr("word/document.xml", "<document/>")
    return path


def empty_file(sheets, path: Path) -> Path:
    path.write_bytes(b"")
    return path


def csv_file(encoding: str):
    def write(sheets, path: Path) -> Path:
        import csv

        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in sheets["Data"][:50]:
            writer.writerow(["" if v is None else v for v in row])
        buffer.write("2009-11,NOTE,0,,Café £ – recorded by the partnership\n")
        path.write_bytes(buffer.getvalue().encode(encoding))
        return path
    return write


# The two hostile files are also used by tests/hardening/test_hostile_files.py, which measures time and memory.

BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE worksheet [\n<!ENTITY lol "lol">\n'
    + b"".join(b'<!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
               for i in range(1, 10))
    + b']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
)


def xml_bomb(sheets, path: Path) -> Path:
    """Billion laughs as the Data sheet: 10^9 'lol's (3 GB) from under 1 KB of entities."""
    write_sheets(sheets, path)
    _rewrite_part(path, f"xl/worksheets/sheet{list(sheets).index('Data') + 1}.xml", BILLION_LAUGHS)
    return path


_made: dict[tuple, Path] = {}


def zip_bomb(sheets, path: Path, gigabytes: float = 2.0) -> Path:
    """A valid-looking workbook whose Data sheet part unpacks to ``gigabytes`` of XML (2 MB packed).

    Packing gigabytes takes seconds, so each bomb is made once per test run and copied.
    """
    key = ("zip bomb", gigabytes)
    if key in _made and _made[key].exists():
        return Path(shutil.copyfile(_made[key], path))
    _made[key] = _make_zip_bomb(sheets, Path(tempfile.mkdtemp(prefix="xl-pib-bomb-")) / "bomb.xlsx", gigabytes)
    return Path(shutil.copyfile(_made[key], path))


def _make_zip_bomb(sheets, path: Path, gigabytes: float, zip64: bool = True) -> Path:
    write_sheets(sheets, path)
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    head = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData>')
    filler = b"<!-- " + b" " * (1 << 20) + b" -->"  # compresses about a thousand to one
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info, data in parts:
            if info.filename != "xl/worksheets/sheet4.xml":
                target.writestr(info, data)
        info = zipfile.ZipInfo("xl/worksheets/sheet4.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=zip64) as part:
            part.write(head)
            for _ in range(int(gigabytes * 1024)):
                part.write(filler)
            part.write(b"</sheetData></worksheet>")
    return path


def lying_zip_bomb(sheets, path: Path) -> Path:
    """A 0.5 GB sheet part whose zip entry declares 100 kB, with the checksum of its first 100 kB:
    Python's zipfile reads 100 kB and is satisfied; a reader that inflates what is there gets 0.5 GB."""
    import struct
    import zlib

    _make_zip_bomb(sheets, path, 0.5, zip64=False)
    part, declared = "xl/worksheets/sheet4.xml", 100_000
    with zipfile.ZipFile(path) as package:
        info = package.getinfo(part)
        with package.open(info) as stream:
            crc = zlib.crc32(stream.read(declared))
        directory = package.start_dir
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, info.header_offset + 14, crc)
    struct.pack_into("<I", data, info.header_offset + 22, declared)
    at = directory
    while data[at:at + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, at + 28)
        if data[at + 46:at + 46 + name_length].decode() == part:
            struct.pack_into("<I", data, at + 16, crc)
            struct.pack_into("<I", data, at + 24, declared)
        at += 46 + name_length + extra_length + comment_length
    path.write_bytes(bytes(data))
    return path


def demo_input(sheets, path: Path) -> Path:
    return write_sheets(sheets, path)


def soffice_available() -> bool:
    return bool(shutil.which("soffice") or shutil.which("libreoffice"))


# --- the catalogue ----------------------------------------------------------------------------------

E, W, A = "error", "warning", "accepted"
FRACTION = "a fraction between 0 and 1 (23% is 0.23) for a percentage measure"
MONTH = f"a month ({months.ACCEPTED})"

CATALOGUE: list[BadInput] = [
    # whole files
    BadInput("password-protected workbook", E, write=encrypted, sheet="input.xlsx",
             expected="a workbook without a password"),
    BadInput("Excel 97-2003 .xls file", E, write=legacy_xls, sheet="input.xls", name="input.xls", needs="soffice",
             expected="a readable .xlsx or .xlsm workbook (this is an Excel 97-2003 .xls file"),
    BadInput("truncated .xlsx", E, write=truncated, sheet="input.xlsx", expected="a readable .xlsx or .xlsm workbook"),
    BadInput("damaged sheet XML", E, write=damaged_sheet_xml, sheet="Data", expected="a readable sheet"),
    BadInput("zip without a workbook", E, write=not_a_workbook_zip, sheet="input.xlsx",
             expected="a readable .xlsx or .xlsm workbook (this zip file holds no xl/workbook.xml)"),
    BadInput("empty file", E, write=empty_file, sheet="input.xlsx", expected="a readable .xlsx or .xlsm workbook "
             "(the file is empty)"),
    BadInput("non-UTF-8 CSV", E, write=csv_file("cp1252"), sheet="data.csv", name="data.csv",
             expected="a readable .xlsx or .xlsm workbook (this is a text file such as a CSV, not in UTF-8 "
                      "(perhaps Windows-1252)"),
    BadInput("UTF-8 CSV with a .xlsx name", E, write=csv_file("utf-8"), sheet="input.xlsx",
             expected="a readable .xlsx or .xlsm workbook (this is a text file such as a CSV, in UTF-8"),
    BadInput("XML bomb (billion laughs)", E, write=xml_bomb, sheet="input.xlsx",
             expected="a workbook without XML document type declarations (xl/worksheets/sheet4.xml declares one"),
    BadInput("zip bomb (2 GB sheet part)", E, write=zip_bomb, sheet="input.xlsx",
             expected="a workbook whose parts unpack to at most"),
    BadInput("zip bomb declaring a small size", E, write=lying_zip_bomb, sheet="input.xlsx",
             expected="a workbook whose parts unpack to the size they declare (xl/worksheets/sheet4.xml declares "
                      "100,000 bytes"),
    BadInput("over the size limit", E, write=demo_input, sheet="input.xlsx", env={"XL_PIB_MAX_INPUT_MB": "0.01"},
             expected="an input file of at most 0.01 MB"),
    BadInput("sheets protected with a password", A, write=protected_sheets, same_results=True),
    # sheets and columns
    BadInput("missing sheet Settings", E, drop_sheet("Settings"), sheet="Settings",
             expected="a sheet named 'Settings'"),
    BadInput("missing sheet Targets", E, drop_sheet("Targets"), sheet="Targets", expected="a sheet named 'Targets'"),
    BadInput("renamed sheet Data", E, rename_sheet("Data", "Monthly data"), sheet="Data",
             expected="a sheet named 'Data'"),
    BadInput("sheet names in other case and spacing", A,
             lambda s: [rename_sheet("Data", " data ")(s), rename_sheet("Targets", "TARGETS")(s)] and None,
             same_results=True),
    BadInput("renamed column Data Value", E, rename_column("Data", "Value", "Count"), sheet="Data", column="Value",
             expected="a column headed 'Value'"),
    BadInput("column header in other case", A, rename_column("Targets", "Target date", " target DATE "),
             same_results=True),
    BadInput("missing column Outcomes Indicators", E, drop_column("Outcomes", "Indicators"), sheet="Outcomes",
             column="Indicators", expected="a column headed 'Indicators'"),
    BadInput("missing column MSG Population", E, drop_column("MSG", "Population"), sheet="MSG", column="Population",
             expected="a column headed 'Population'"),
    BadInput("title row above the headers", E, title_row_above("Data"), sheet="Data", column="Month",
             expected="a column headed 'Month'"),
    BadInput("missing sheet MSG (optional)", A, drop_sheet("MSG")),
    # blank rows and merged cells
    BadInput("blank rows in the middle of Data", W, blank_rows("Data", 200, 3), same_results=True,
             expected="Data: 3 blank rows in the middle of the sheet skipped (rows 201, 202, 203)"),
    BadInput("blank row in the middle of Targets", W, blank_rows("Targets", 10, 1), same_results=True,
             expected="Targets: 1 blank row in the middle of the sheet skipped (row 11)"),
    BadInput("merged Indicator cells in Data", W, write=merge_in("Data", "Indicator", "Indicator", "VEH", 5),
             same_results=True, expected="Data: merged cells B"),
    BadInput("merged Section cells in Targets", W, write=merge_sections, same_results=True,
             expected="Targets: merged cells C"),
    # months
    BadInput("month misspelt 'Novmber 2009'", E, data_cell("VEH", 30, "Month", "Novmber 2009"), sheet="Data",
             column="Month", expected=MONTH),
    BadInput("months written 'November 2009'", A, every_month(lambda d: d.strftime("%B %Y")), same_results=True),
    BadInput("months written MM/YYYY", A, every_month(lambda d: d.strftime("%m/%Y")), same_results=True),
    BadInput("months written 'Nov-09'", A, every_month(lambda d: d.strftime("%b-%y")), same_results=True),
    BadInput("months as Excel serial numbers", A, every_month(serial), same_results=True),
    BadInput("months as real dates", A, every_month(lambda d: d), same_results=True),
    BadInput("Latest month as an Excel serial number", A, setting("Latest month", serial(dt.date(2009, 11, 1))),
             same_results=True),
    BadInput("month outside 1900-2199", E, data_cell("VEH", 3, "Month", "0209-07"), sheet="Data", column="Month",
             expected="a month between 1900-01 and 2199-12"),
    BadInput("months in the future", W, future_rows, same_results=True,
             expected="Data: 3 rows after the latest month (2009-11) were ignored"),
    BadInput("Latest month in the future", A, setting("Latest month", "2010-03"), same_results=True),
    BadInput("missing month in the middle of a series", W, drop_data_row("VEH", "2008-06"),
             expected="Data: VEH has no value for 1 month (2008-06); treated as a gap"),
    BadInput("missing recent month", W, drop_data_row("DB", "2009-09"),
             expected="DB: Current position needs 12 months; 2 available"),
    BadInput("blank value in the middle of a series", W, data_cell("SAC", 20, "Value", None),
             expected="Data: SAC has no value for 1 month"),
    BadInput("duplicated month as text and as a date", E, duplicate_as_date, sheet="Data", column="Month",
             expected="one row per indicator and month"),
    BadInput("duplicated row pasted twice", E, duplicate_row, sheet="Data", column="Month",
             expected="one row per indicator and month"),
    # counts and percentages
    BadInput("negative count", E, data_cell("VEH", 12, "Value", -4), sheet="Data", column="Value",
             expected="a number of 0 or more"),
    BadInput("non-integer count", E, data_cell("DB", 7, "Value", 12.5), sheet="Data", column="Value",
             expected="a whole number for a count or rate measure"),
    BadInput("percentage numerator above its denominator", E, percentage_over_100, sheet="Data", column="Value",
             expected="a value no larger than its Denominator"),
    BadInput("percentage baseline above 100%", E, target("NI17", "Baseline", 1.2), sheet="Targets",
             column="Baseline", expected=FRACTION),
    BadInput("percentage baseline given 0-100", E, target("NI17", "Baseline", 23), sheet="Targets",
             column="Baseline", expected=FRACTION),
    BadInput("percentage current override given 0-100", E, target("NI17", "Current override", 65),
             sheet="Targets", column="Current override", expected=FRACTION),
    BadInput("percentage typed as '23%'", A, month_text_percent, same_results=True),
    BadInput("reduction given 0-100", E, target("VEH", "Target amount", 5), sheet="Targets", column="Target amount",
             expected="the reduction or increase as a fraction of at least 0 and below 1 (a 4% reduction is 0.04)"),
    BadInput("Confidence given as 95", E, setting("Confidence", 95), sheet="Settings", column="Value",
             expected="a valid Confidence setting (confidence must be between 0 and 1, such as 0.95 for 95%"),
    BadInput("Confidence given as '95%'", A, setting("Confidence", "95%"), same_results=True),
    BadInput("Band fraction given as 10", E, setting("Band fraction", 10), sheet="Settings", column="Value",
             expected="a valid Band fraction setting (Band fraction must be at least 0 and below 1"),
    BadInput("text 'inf' as a number", E, data_cell("VEH", 5, "Value", "inf"), sheet="Data", column="Value",
             expected="a finite number"),
    BadInput("TRUE as a number", E, data_cell("VEH", 6, "Value", True), sheet="Data", column="Value",
             expected="a number"),
    # zero denominators and baselines
    BadInput("zero denominator", E, data_cell("NI17", 4, "Denominator", 0), sheet="Data", column="Denominator",
             expected="a number above 0 for a percentage measure"),
    BadInput("zero Rate per", E, target("NI49_1", "Rate per", 0), sheet="Targets", column="Rate per",
             expected="a number above 0, such as 100000 (a rate per 100,000) for a rate measure"),
    BadInput("blank Rate per for a rate (per 100,000)", A, target("NI49_1", "Rate per", None), same_results=True),
    BadInput("zero Population for a rate", E, target("NI49_1", "Population", 0), sheet="Targets",
             column="Population", expected="a population above 0 for a rate measure"),
    BadInput("zero MSG population", E,
             lambda s: set_cell(s, "MSG", rows_of(s, "MSG", "Indicator", "VEH")[1], "Population", 0),
             sheet="MSG", column="Population", expected="a population above 0"),
    BadInput("zero baseline given", W, target("VEH", "Baseline", 0),
             expected="VEH: Change from baseline needs a baseline above 0"),
    BadInput("zero baseline computed from all-zero data", W, all_zero("SCHOOL"),
             expected="SCHOOL: Change from baseline needs a baseline above 0"),
    # indicators
    BadInput("indicator id in another case", E, data_cell("VEH", 2, "Indicator", "veh"), sheet="Data",
             column="Indicator", expected="an indicator id listed on the Targets sheet"),
    BadInput("indicator listed twice on Targets", E,
             lambda s: s["Targets"].append(list(s["Targets"][5])) or len(s["Targets"]), sheet="Targets",
             column="Indicator", expected="a unique indicator id"),
    # targets, dates and settings
    BadInput("RAG override that is not a RAG", E, lambda s: set_cell(s, "Outcomes", rows_of(s, "Outcomes", "Outcome",
             "O2a")[0], "RAG override", "Purple"), sheet="Outcomes", column="RAG override",
             expected="blank, R, A or G (Red, Amber, Green), or a split rating such as A/R"),
    BadInput("RAG override written as words", A, lambda s: [set_cell(s, "Outcomes", rows_of(s, "Outcomes", "Outcome",
             o)[0], "RAG override", v) for o, v in (("O2a", "green"), ("O1c", "Amber / Red"))] and None,
             same_results=True),
    BadInput("target date in the past", A, target("VEH", "Target date", "2008-09")),
    BadInput("target date missing for a target", E, target("VEH", "Target date", None), sheet="Targets",
             column="Target date", expected=MONTH),
    BadInput("baseline end after the latest month", W, target("VEH", "Baseline end", "2010-03"),
             expected="VEH: Baseline needs 12 months of data to 2010-03"),
    BadInput("setting given twice", E, repeat_setting, sheet="Settings", column="Setting",
             expected="each setting once (this one is repeated)"),
    BadInput("unknown setting (a typo)", W, unknown_setting, same_results=True,
             expected="unknown setting 'confidnce' ignored"),
    BadInput("contradictory direction and target type", E, target("VEH", "Direction", "up"), sheet="Targets",
             column="Target type", expected="a target type that agrees with the Direction"),
    BadInput("circular: a Section named like an input sheet", E, target("VEH", "Section", "Data"), sheet="Targets",
             column="Section", expected="a section name that can be a sheet name"),
    BadInput("circular: a Section named like a bulletin sheet", E, target("DB", "Section", "Results"),
             sheet="Targets", column="Section", expected="a section name that can be a sheet name"),
    BadInput("Trend window below 12", E, setting("Trend window", 6), sheet="Settings", column="Value",
             expected="a valid Trend window setting (Trend window must be a whole number from 12 to 600"),
    BadInput("Trend window typed as 2400", E, setting("Trend window", 2400), sheet="Settings", column="Value",
             expected="a valid Trend window setting (Trend window must be a whole number from 12 to 600"),
    BadInput("unknown Expected level method", E, setting("Expected level method", "magic"), sheet="Settings",
             column="Value", expected="a valid Expected level method setting"),
    # empty and huge sheets
    BadInput("empty Data sheet (headers only)", W, empty_data,
             expected="NI16: Current position needs 12 months; 0 available"),
    BadInput("Data sheet with nothing on it", E, no_data_at_all, sheet="Data", column="Month",
             expected="a column headed 'Month'"),
    BadInput("million-row Data sheet with a note in row 1,000,000", A, stray_note_at_row("F", "end of extract"),
             write=write_sparse, same_results=True),
    BadInput("million-row Data sheet with a bad month in row 1,000,000", E,
             stray_note_at_row("Month", "end of extract"), write=write_sparse, sheet="Data", column="Month",
             expected=MONTH),
    # text
    # Excel stores a control character as _x0007_, which readers turn back into the character.
    BadInput("control character in a name", E, target("VEH", "Name", "Vehicle_x0007_Crime"), sheet="Targets",
             column="Name", expected="text without control characters (U+0007 found)"),
    BadInput("text longer than Excel allows", E, target("VEH", "Commentary", "LONG-COMMENTARY"),
             write=raw_text("Targets", "LONG-COMMENTARY", "x" * 40_000), sheet="Targets",
             column="Commentary", expected="text of at most 32,767 characters"),
    BadInput("names that look like formulas", A,
             lambda s: [target("VEH", "Name", "=1+1")(s), target("DB", "Unit", "@SUM(A1)")(s),
                        setting("Author", "+44 1536 000000")(s)] and None),
]


def by_id() -> dict[str, BadInput]:
    return {case.id: case for case in CATALOGUE}


def available(case: BadInput) -> bool:
    return case.needs != "soffice" or soffice_available()




# --- formula injection --------------------------------------------------------------------------

# What a spreadsheet (or a CSV import) would take as the start of a formula, and how attackers hide one.
INJECTION_PREFIXES = ("=", "+", "-", "@", "\t=", "\r=")
FREE_TEXT = {
    "Settings": ("Title", "Report reference", "Author", "Commissioner", "Publisher", "Security marking"),
    "Targets": ("Name", "Baseline period", "Unit", "Target period", "Current period", "Commentary"),
    "Outcomes": ("Theme", "Description", "Summary override"),
    "Data": ("Note",),
}


def payload(n: int) -> str:
    """The n-th injection attempt: a formula-looking text carrying a unique marker INJ<n>."""
    prefix = INJECTION_PREFIXES[n % len(INJECTION_PREFIXES)]
    body = (f'HYPERLINK("http://example.invalid/INJ{n}","INJ{n}")' if n % 7 == 3 else
            f"cmd|' /C calc'!INJ{n}" if n % 7 == 5 else f"INJ{n}()+1")
    return prefix + body


def inject(sheets: dict) -> list[str]:
    """Put an injection attempt in every free-text cell of the input sheets (and a Data 'Note' column).

    Returns the payloads, in the order placed. Ids, choices and months are validated and cannot carry
    text, so these are the cells an analyst's pasted text reaches.
    """
    placed = []
    data = sheets["Data"]
    data[0].append("Note")
    for row in data[1:]:
        row.append(None)
    for i in range(1, len(data), 97):
        data[i][-1] = "to fill"  # filled below like any other free-text cell
    for sheet, columns in FREE_TEXT.items():
        rows = sheets[sheet]
        for column in columns:
            if sheet == "Settings":  # a setting is a row: its Value cell
                cells = [(r, 1) for r in range(1, len(rows)) if rows[r][0] == column]
            else:
                c = rows[0].index(column)
                cells = [(r, c) for r in range(1, len(rows)) if sheet != "Data" or rows[r][c] is not None]
                if column == "Summary override":
                    cells = cells[::3]  # the others keep the computed summary
            for r, c in cells:
                rows[r][c] = payload(len(placed))
                placed.append(rows[r][c])
    return placed
