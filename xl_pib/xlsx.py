"""Small openpyxl helpers every writer shares."""

from __future__ import annotations

import datetime as dt
import math
import numbers
import os
import re
import shutil
import zipfile
from pathlib import Path

from openpyxl.cell.cell import Cell

from .atomic import replacing


def put(cell: Cell, value, number_format: str | None = None) -> Cell:
    """Write a value so that text stays text.

    openpyxl turns any string starting with "=" into a formula; a name such
    as "=Team" typed by an analyst must never become one, so text is always
    stored as a string cell.
    """
    if isinstance(value, bool) or value is None:
        cell.value = value
    elif isinstance(value, numbers.Number):
        # numpy scalars -> Python numbers; NaN is an empty cell, and so is infinity, which a
        # spreadsheet cannot hold (Excel refuses a file with "inf" in a cell).
        finite = isinstance(value, numbers.Integral) or math.isfinite(value)
        cell.value = None if not finite else (int(value) if isinstance(value, numbers.Integral) else float(value))
    elif isinstance(value, (dt.date, dt.datetime)):
        cell.value = value
    else:
        cell.value = str(value)
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    return cell


def formula(cell: Cell, text: str, number_format: str | None = None) -> Cell:
    """Write a formula on purpose (the only way formulas enter our workbooks)."""
    cell.value = text if text.startswith("=") else "=" + text
    if number_format:
        cell.number_format = number_format
    return cell


def write_rows(ws, rows, start_row: int = 1, start_col: int = 1) -> None:
    """Write rows of cells with :func:`put` (input sheets, tables) into a new sheet. A blank (None or NaN) makes
    no cell at all: openpyxl would write an empty element for each, and a Chart Data sheet is mostly blank."""
    for r, row in enumerate(rows, start=start_row):
        for c, value in enumerate(row, start=start_col):
            if value is None or (isinstance(value, float) and value != value):
                continue
            put(ws.cell(row=r, column=c), value)


# Every output's document dates and zip entry times: SOURCE_DATE_EPOCH (the reproducible-builds
# convention) when set, else this fixed day, so the same inputs always give the same bytes.
FIXED_DOCUMENT_TIME = dt.datetime(2000, 1, 1)


def document_time() -> dt.datetime:
    """The timestamp written into every workbook (docProps created/modified and the zip entries)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        stamp = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).replace(tzinfo=None)
        return max(stamp, dt.datetime(1980, 1, 1))  # the earliest time a zip entry can carry
    return FIXED_DOCUMENT_TIME


class _PinnedZip(zipfile.ZipFile):
    """A zip archive whose entries all carry one timestamp (openpyxl would stamp each with the clock)."""

    stamp: tuple = FIXED_DOCUMENT_TIME.timetuple()[:6]

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = self.compression
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        with open(filename, "rb") as source, self.open(self._info(arcname or str(filename)), "w") as target:
            shutil.copyfileobj(source, target, 1 << 20)


# The parts of a kept VBA project that openpyxl copies from the source .xlsm (as in its _merge_vba).
_VBA_PARTS = re.compile(r"xl/vba|xl/drawings/.*vmlDrawing\d\.vml|xl/ctrlProps|customUI|xl/activeX|xl/media/.*\.emf")


def write_workbook(wb, path: str | Path) -> None:
    """openpyxl's save with pinned timestamps and part order: the same workbook always gives the same bytes."""
    from openpyxl.writer.excel import ExcelWriter

    class ReproducibleWriter(ExcelWriter):
        def _write_comment(self, ws):
            # openpyxl names a sheet's new comment drawing commentsDrawing<n>.vml after the count of commented
            # sheets so far, while a sheet loaded with comments from a macro-enabled workbook keeps the name it
            # had: a comment added to an earlier sheet then takes a name already used, and the package gets two
            # parts of one name. A new drawing here takes the first name no sheet or kept part holds; the rest
            # is openpyxl's own _write_comment.
            if ws.legacy_drawing is not None or self.workbook.vba_archive is None:
                return super()._write_comment(ws)
            from openpyxl.comments.comment_sheet import CommentSheet
            from openpyxl.packaging.relationship import Relationship
            from openpyxl.xml.functions import tostring

            taken = {w.legacy_drawing for w in self.workbook.worksheets if w.legacy_drawing}
            taken |= set(self.workbook.vba_archive.namelist())
            cs = CommentSheet.from_comments(ws._comments)
            self._comments.append(cs)
            cs._id = len(self._comments)
            self._archive.writestr(cs.path[1:], tostring(cs.to_tree()))
            self.manifest.append(cs)
            n = cs._id
            while f"xl/drawings/commentsDrawing{n}.vml" in taken:
                n += 1
            ws.legacy_drawing = f"xl/drawings/commentsDrawing{n}.vml"
            self._archive.writestr(ws.legacy_drawing, cs.write_shapes(None))
            self.vba_modified.add(ws.legacy_drawing)
            ws._rels.append(Relationship(Id="comments", type=cs._rel_type, Target=cs.path))

        def _merge_vba(self):
            # openpyxl walks a set of part names here, so their order (and [Content_Types].xml) would
            # change from run to run with Python's string hashing; sorted, it never does.
            if self.workbook.vba_archive:
                for name in sorted(set(self.workbook.vba_archive.namelist()) - self.vba_modified):
                    if _VBA_PARTS.match(name):
                        self._archive.writestr(name, self.workbook.vba_archive.read(name))

    stamp = document_time()
    wb.properties.created = wb.properties.modified = stamp
    archive = _PinnedZip(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    archive.stamp = stamp.timetuple()[:6]
    with archive:
        ReproducibleWriter(wb, archive).save()


def save(wb, path: str | Path) -> Path:
    """Save via a temporary file in the same folder and rename, so a failure leaves any old file intact."""
    with replacing(path) as temporary:
        write_workbook(wb, temporary)
    return Path(path)


def write_sheets(sheets: dict[str, list[list]], path: str | Path) -> Path:
    """Write sheets given as rows of cells (e.g. input sheets) to a new workbook, text kept as text."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        write_rows(wb.create_sheet(name), rows)
    return save(wb, path)
