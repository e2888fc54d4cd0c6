"""Checks on an input file before any parser opens it: its size, its kind, and zip or XML bombs.

python-calamine (and openpyxl for a live .xlsm) would otherwise be handed
whatever the analyst points at: an encrypted workbook, an old .xls, a CSV,
or a crafted file whose parts unpack to gigabytes or whose XML expands
entities without end. Each is refused here with one line naming the file.

- Size: at most ``XL_PIB_MAX_INPUT_MB`` megabytes (default 50), and the
  parts of the zip together unpack to at most 20 times that. A part over
  1 MB may not unpack to more than 100 times its packed size (real sheets
  pack 5-30 to 1; a zip bomb packs a thousand to one), and there are at
  most 10,000 parts.
- Each deflated part is inflated once, in 1 MB pieces, and must not yield
  more than it declares, so the declared sizes checked above are the real ones.
- XML: no part may carry a document type declaration. Office never writes
  one, and it is where entity bombs (billion laughs) and external entities
  live. defusedxml reads each part's prolog only, so the check costs
  microseconds per part.
"""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from xml.etree.ElementTree import ParseError
from pathlib import Path

from ..errors import InputError

MAX_INPUT_MB_ENV = "XL_PIB_MAX_INPUT_MB"
DEFAULT_MAX_INPUT_MB = 50.0
UNPACKED_PER_INPUT = 20     # the parts may unpack to this many times the size limit
MAX_RATIO = 100             # unpacked / packed size allowed for a part over RATIO_FROM bytes
RATIO_FROM = 1 << 20
MAX_PARTS = 10_000          # a workbook of 300 sheets with charts has a few thousand parts

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_READABLE = "a readable .xlsx or .xlsm workbook"
_SAVE_AS = "open it in Excel and save it as an Excel Workbook (.xlsx)"
# The part every package of its kind holds; ingest also reads the Home Office's published .ods tables.
_MAIN_PART = {".ods": "content.xml"}


def max_input_bytes() -> int:
    """The size limit in bytes, from ``XL_PIB_MAX_INPUT_MB`` (a positive number of megabytes)."""
    text = os.environ.get(MAX_INPUT_MB_ENV, "").strip()
    if not text:
        return int(DEFAULT_MAX_INPUT_MB * 1e6)
    try:
        megabytes = float(text)
    except ValueError:
        megabytes = float("nan")
    if not megabytes > 0:
        raise InputError(MAX_INPUT_MB_ENV, "a positive number of megabytes", got=text)
    return int(megabytes * 1e6)


def check_input_file(path: Path) -> None:
    """Raise :class:`InputError` unless ``path`` is an .xlsx/.xlsm that is safe to hand to a parser."""
    name = path.name
    if not path.exists():
        raise InputError(name, f"{_READABLE} (there is no such file)")
    if path.is_dir():
        raise InputError(name, f"{_READABLE} (this is a folder)")
    size, limit = path.stat().st_size, max_input_bytes()
    if size > limit:
        raise InputError(name, f"an input file of at most {limit / 1e6:g} MB (this one is {size / 1e6:.1f} MB; "
                               f"set {MAX_INPUT_MB_ENV} to allow larger files)")
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if not head:
        raise InputError(name, f"{_READABLE} (the file is empty)")
    if head.startswith(_OLE):
        _refuse_ole(path)
    if not head.startswith(_ZIP):
        _refuse_other(name, head)
    _check_package(path, limit)


def _refuse_ole(path: Path) -> None:
    """An OLE2 container: a password-protected workbook, or a 97-2003 .xls."""
    import olefile

    name = path.name
    try:
        with olefile.OleFileIO(str(path)) as ole:
            encrypted = ole.exists("EncryptedPackage")
            legacy = ole.exists("Workbook") or ole.exists("Book")
    except Exception:  # noqa: BLE001 - a damaged container is reported as such below
        encrypted = legacy = False
    if encrypted:
        raise InputError(name, "a workbook without a password (this one is encrypted: open it in Excel, remove "
                               "the password under File > Info > Protect Workbook, and save it)")
    if legacy:
        raise InputError(name, f"{_READABLE} (this is an Excel 97-2003 .xls file: {_SAVE_AS})")
    raise InputError(name, f"{_READABLE} (this is another kind of Office file: {_SAVE_AS})")


def _refuse_other(name: str, head: bytes) -> None:
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
            encoding = "in UTF-8"
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the sample is still UTF-8.
            encoding = "in UTF-8" if error.start >= len(head) - 3 else "not in UTF-8 (perhaps Windows-1252)"
        raise InputError(name, f"{_READABLE} (this is a text file such as a CSV, {encoding}; xl-pib builds from "
                               "workbooks only: to start an input workbook from a CSV of monthly counts, run "
                               f"xl-pib new \"PARTNERSHIP\" -o BOOK.xlsx --from {name})")
    raise InputError(name, f"{_READABLE} (this file is neither an Excel workbook nor text)")


def _check_real_size(name: str, raw, member: zipfile.ZipInfo) -> None:
    """Inflate a part as calamine would and stop as soon as it yields more than the size it declares.

    The size and ratio checks trust the sizes the zip declares; this makes them true. A crafted zip can
    declare 100 kB (with the checksum of its first 100 kB) for a part that inflates to gigabytes:
    Python's zipfile (openpyxl) quietly reads the 100 kB, and a reader that trusts the stream inflates
    it all. Counting costs one pass over the compressed data, in 1 MB pieces.
    """
    if member.compress_type == zipfile.ZIP_STORED:
        return  # stored bytes are exactly what they are
    if member.compress_type != zipfile.ZIP_DEFLATED:
        raise InputError(name, f"{_READABLE} ({member.filename} uses a compression Excel never writes)")
    raw.seek(member.header_offset)
    header = raw.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise InputError(name, f"{_READABLE} (the file is damaged: {member.filename} has no local header)")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    raw.seek(member.header_offset + 30 + name_length + extra_length)
    inflate, left, produced = zlib.decompressobj(-15), member.compress_size, 0
    try:
        while left > 0 and not inflate.eof:
            chunk = raw.read(min(left, 1 << 20))
            if not chunk:
                break
            left -= len(chunk)
            data = inflate.decompress(chunk, 1 << 22)
            while True:
                produced += len(data)
                if produced > member.file_size:
                    raise InputError(name, f"a workbook whose parts unpack to the size they declare ({member.filename} "
                                           f"declares {member.file_size:,} bytes and unpacks to more: a zip bomb)")
                if not inflate.unconsumed_tail:
                    break
                data = inflate.decompress(inflate.unconsumed_tail, 1 << 22)
    except zlib.error as error:
        raise InputError(name, f"{_READABLE} ({member.filename} is damaged: {error})") from None


def _check_package(path: Path, limit: int) -> None:
    import defusedxml.ElementTree as safe_xml
    from defusedxml import DefusedXmlException

    name = path.name
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise InputError(name, f"{_READABLE} (the file is damaged: {error})") from None
    with package:
        members = package.infolist()
        if len(members) > MAX_PARTS:
            raise InputError(name, f"a workbook of at most {MAX_PARTS:,} parts (this zip holds {len(members):,})")
        names = {m.filename for m in members}
        main_part = _MAIN_PART.get(path.suffix.lower(), "xl/workbook.xml")
        if main_part not in names:
            raise InputError(name, f"{_READABLE} (this zip file holds no {main_part})")
        unpacked = sum(m.file_size for m in members)
        if unpacked > UNPACKED_PER_INPUT * limit:
            raise InputError(name, f"a workbook whose parts unpack to at most {UNPACKED_PER_INPUT * limit / 1e6:g} MB "
                                   f"(they declare {unpacked / 1e6:,.0f} MB: a zip bomb or a damaged file)")
        for member in members:
            if member.file_size > RATIO_FROM and member.file_size > MAX_RATIO * max(member.compress_size, 1):
                raise InputError(name, f"a workbook whose parts unpack to at most {MAX_RATIO} times their packed size "
                                       f"({member.filename} unpacks {member.file_size / max(member.compress_size, 1):,.0f}"
                                       " times: a zip bomb)")
        with open(path, "rb") as raw:
            for member in members:
                _check_real_size(name, raw, member)
        for member in members:
            if not member.filename.endswith((".xml", ".rels")):
                continue
            try:
                with package.open(member) as stream:
                    for _event, _element in safe_xml.iterparse(stream, events=("start",), forbid_dtd=True):
                        break  # the prolog, where a DTD would be, has been read
            except DefusedXmlException:
                raise InputError(name, f"a workbook without XML document type declarations ({member.filename} "
                                       "declares one: Excel never writes them; the file may be an XML bomb)") from None
            except (ParseError, zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
                raise InputError(name, f"{_READABLE} ({member.filename} is damaged: "
                                       f"{error})") from None
