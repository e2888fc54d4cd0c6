"""Excel's help for typing the input sheets: a note on every header, drop-downs on coded cells, number formats.

Every workbook xl-pib writes input sheets into carries them: a new partnership's
workbook (``xl-pib new``), the copies of the input sheets in every bulletin
(``xl-pib build``) and the live workbook (``xl-pib template``, ``new --live``).
``ingest --into`` and a refresh load and save the workbook with openpyxl,
which keeps data validations, notes and number formats as they are.

What each cell expects comes from the declarations, never typed here:

- a header's note is its column's help (:attr:`xl_pib.inputs.schema.Column.note`);
- a coded column's drop-down lists its declared choices (Measure, Direction,
  Target type); a setting's drop-down lists the values its parser allows
  (``parse.allowed``), and its note is the setting's help;
- Section offers the sections already on the Targets sheet, Indicator on Data
  and MSG the ids on Targets, and RAG override R, A and G; each warns rather
  than refuses, since a new section, a new indicator or a split rating
  (``A/R``) is allowed;
- Target amount shows fractions as percentages (``5%``) and larger numbers (a
  level) as they are; months show as ``yyyy-mm``; settings show their parser's
  ``number_format``.

Drop-downs and formats cover the sheet's rows and the empty rows below, so a
row the analyst adds gets them too.
"""

from __future__ import annotations

from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .. import formats, labels
from ..inputs import schema
from ..settings import Settings
from .live import DATA_ROWS

# Rows below the header a drop-down or format covers: for Data the live formulas' reach, elsewhere room for a
# long plan.
SHEET_ROWS = 1000
AUTHOR = "xl-pib"
# A fraction below 1 as a percentage (a 5% reduction, typed 5%), anything larger (a level) as typed.
AMOUNT_FORMAT = f"[<1]{formats.PERCENT};General"
MONTH_COLUMNS = {"baseline_end", "target_date", "month"}
# Excel keeps at most 255 characters in a drop-down's own list.
_LIST_LIMIT = 255


def _note(text: str) -> Comment:
    comment = Comment(text, AUTHOR)
    comment.width = 320
    comment.height = 40 + 15 * (len(text) // 48 + 1)
    return comment


def _headers(ws) -> dict[str, int]:
    """Lower-case header -> column number, from row 1."""
    return {str(c.value).strip().lower(): c.column for c in ws[1] if isinstance(c.value, str) and c.value.strip()}


def _quoted_list(values) -> str | None:
    """A drop-down's own list (``"a,b,c"``), or None when a value cannot be in one or it is too long."""
    shown = [str(v) for v in dict.fromkeys(values) if str(v).strip()]
    if not shown or any("," in v or '"' in v for v in shown):
        return None
    text = '"' + ",".join(shown) + '"'
    return text if len(text) <= _LIST_LIMIT else None


def _drop_down(ws, cells: str, source: str, what: str, strict: bool) -> None:
    validation = DataValidation(type="list", formula1=source, allow_blank=True, showDropDown=False)
    validation.showErrorMessage = True
    validation.errorStyle = "stop" if strict else "warning"
    validation.errorTitle = "Not in the list"
    validation.error = f"Expected {what}." + ("" if strict else " Choose Yes to keep what you typed.")
    validation.add(cells)
    ws.add_data_validation(validation)


def _format_column(ws, column: int, number_format: str, cells: bool = True) -> None:
    """``number_format`` for new cells typed in the column and, with ``cells``, for its cells that have none yet
    (month cells already carry theirs: :mod:`.input_sheets` formats every date it writes)."""
    if cells:
        for (cell,) in ws.iter_rows(min_row=2, max_row=max(ws.max_row, 2), min_col=column, max_col=column):
            if cell.value is not None and cell.number_format == "General":
                cell.number_format = number_format
    ws.column_dimensions[get_column_letter(column)].number_format = number_format


def _column_cells(column: int, rows: int) -> str:
    letter = get_column_letter(column)
    return f"{letter}2:{letter}{rows + 1}"


def _sheet_ref(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _table(ws, spec: schema.Sheet, rows: int, indicator_source: str | None) -> None:
    headers = _headers(ws)
    for column in spec.columns:
        number = headers.get(column.header.lower())
        if number is None:
            continue
        ws.cell(1, number).comment = _note(column.note)
        cells = _column_cells(number, rows)
        if column.choices:
            _drop_down(ws, cells, _quoted_list(column.choices), "one of " + ", ".join(column.choices), strict=True)
        if column.key in MONTH_COLUMNS:
            _format_column(ws, number, formats.INPUT_MONTH, cells=False)
    if spec is schema.TARGETS:
        _targets(ws, headers, rows)
    elif spec is schema.OUTCOMES and "rag override" in headers:
        source = _quoted_list(labels.RAGS_WORST_FIRST)
        _drop_down(ws, _column_cells(headers["rag override"], rows), source,
                   "R, A or G (or a split rating such as A/R)", strict=False)
    if spec in (schema.DATA, schema.MSG) and indicator_source and "indicator" in headers:
        _drop_down(ws, _column_cells(headers["indicator"], rows), indicator_source,
                   "an indicator id listed on the Targets sheet", strict=False)


def _targets(ws, headers: dict[str, int], rows: int) -> None:
    if "target amount" in headers:
        _format_column(ws, headers["target amount"], AMOUNT_FORMAT)
    if "section" in headers:
        column = headers["section"]
        sections = [c.value for (c,) in ws.iter_rows(min_row=2, min_col=column, max_col=column) if c.value]
        source = _quoted_list(sections)
        if source:
            _drop_down(ws, _column_cells(column, rows), source,
                       "a section already used (a new name makes a new sheet of the bulletin)", strict=False)


def _settings(ws) -> None:
    headers = _headers(ws)
    for column in schema.SETTINGS.columns:
        if column.header.lower() in headers:
            ws.cell(1, headers[column.header.lower()]).comment = _note(column.note)
    if "setting" not in headers or "value" not in headers:
        return
    specs = {spec.key: spec for spec in Settings.specs()}
    key_column, value_column = headers["setting"], headers["value"]
    for (label,) in ws.iter_rows(min_row=2, min_col=key_column, max_col=key_column):
        spec = specs.get(str(label.value or "").strip().lower())
        if spec is None:
            continue
        label.comment = _note(f"{spec.label}: {spec.help}")
        value = ws.cell(label.row, value_column)
        allowed = getattr(spec.parse, "allowed", None)
        if allowed:
            _drop_down(ws, value.coordinate, _quoted_list(allowed), "one of " + ", ".join(allowed), strict=True)
        number_format = getattr(spec.parse, "number_format", None)
        if number_format and value.number_format == "General":
            value.number_format = number_format


def _indicator_source(wb) -> str | None:
    """The Targets sheet's Indicator cells, for the Data and MSG drop-downs."""
    targets = next((ws for ws in wb.worksheets if ws.title.strip().lower() == schema.TARGETS.name.lower()), None)
    if targets is None or "indicator" not in _headers(targets):
        return None
    letter = get_column_letter(_headers(targets)["indicator"])
    return f"{_sheet_ref(targets.title)}!${letter}$2:${letter}${SHEET_ROWS + 1}"


def apply(wb, names=None) -> None:
    """Add the notes, drop-downs and formats to the input sheets of ``wb`` (only ``names`` when given)."""
    source = _indicator_source(wb)
    for ws in wb.worksheets:
        if names is not None and ws.title not in names:
            continue
        spec = schema.sheet(ws.title)
        if spec is None:
            continue
        if spec is schema.SETTINGS:
            _settings(ws)
        else:
            _table(ws, spec, DATA_ROWS if spec is schema.DATA else SHEET_ROWS, source)
