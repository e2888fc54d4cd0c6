"""Writing an ingest to a new file: a workbook (Data plus the mapping and any other sheets) or CSV.

Data has the input workbook's columns (``Month``, ``Indicator``, ``Value``),
with ``Area`` when the counts cover several areas. Months are written as real
dates shown ``yyyy-mm`` (as the demo input does) and text always as text.
A CSV output holds the Data rows; each other sheet goes beside it as
``<name>_<sheet>.csv``, formula-safe (:mod:`xl_pib.csvfile`). Every file is written under a
temporary name and renamed, so a failed run leaves any earlier output untouched.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from .. import months
from ..atomic import replacing
from ..csvfile import formula_safe
from ..csvfile import write_csv as write_csv_file
from .result import Ingested

MONTH_FORMAT = "yyyy-mm"


def data_rows(ingested: Ingested, month=months.to_date) -> list[list]:
    """Header and rows of the Data sheet; ``month`` renders a month index (a date, or 'YYYY-MM' for CSV)."""
    data = ingested.data
    with_area = ingested.several_areas
    header = ["Month", "Area", "Indicator", "Value"] if with_area else ["Month", "Indicator", "Value"]
    rendered = {m: month(m) for m in data["month"].unique()}
    # A gap (NA: a force-month with no file) is a blank cell, never 0.
    values = pd.Series([None if pd.isna(v) else int(v) if float(v).is_integer() else float(v)
                        for v in data["value"].tolist()], index=data.index, dtype=object)
    columns = [data["month"].map(rendered), data["area"], data["indicator"], values]
    if not with_area:
        columns.pop(1)
    return [header] + [list(row) for row in zip(*(c.tolist() for c in columns))]


def all_sheets(ingested: Ingested, month=months.to_date) -> dict[str, list[list]]:
    """The data sheet first (built from the data unless the source wrote its own), then the others."""
    first = ingested.sheets.get(ingested.data_sheet) or data_rows(ingested, month)
    return {ingested.data_sheet: first, **{k: v for k, v in ingested.sheets.items() if k != ingested.data_sheet}}


def _sheet_slug(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


def write_workbook(ingested: Ingested, path: str | Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ..xlsx import save, write_rows  # openpyxl: imported only when a workbook is written

    book = Workbook()
    book.remove(book.active)
    for name, rows in all_sheets(ingested).items():
        ws = book.create_sheet(name)
        write_rows(ws, rows)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        if rows and "Month" in rows[0]:
            column = rows[0].index("Month") + 1
            for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
                cell.number_format = MONTH_FORMAT
    return save(book, path)


def write_csv(ingested: Ingested, path: str | Path) -> list[Path]:
    path = Path(path)
    if ingested.data_sheet not in ingested.sheets and pd_integer(ingested.data["value"]):
        # Whole counts (police.uk): the same file data_rows and write_csv_file give, written by pandas in one call.
        sheets = {k: v for k, v in ingested.sheets.items() if k != ingested.data_sheet}
        written = [_write_counts_csv(ingested, path)]
    else:
        sheets = all_sheets(ingested, months.iso)
        written = [write_csv_file(path, _dates_as_months(sheets.pop(ingested.data_sheet)))]
    for name, rows in sheets.items():
        written.append(write_csv_file(path.with_name(f"{path.stem}_{_sheet_slug(name)}.csv"), _dates_as_months(rows)))
    return written


def _dates_as_months(rows: list[list]) -> list[list]:
    """Dates in extra sheets (the quarter-end months) as 'YYYY-MM' text in CSV."""
    return [[months.iso(months.parse(c)) if isinstance(c, dt.date) else c for c in row] for row in rows]


def pd_integer(values) -> bool:
    from pandas.api.types import is_integer_dtype

    return is_integer_dtype(values.dtype)


def _formula_safe_column(values: pd.Series) -> pd.Series:
    """``formula_safe`` over a text column, computed once per distinct name (a few hundred areas)."""
    return values.map({v: formula_safe(v) for v in values.unique()})


def _write_counts_csv(ingested: Ingested, path: Path) -> Path:
    data = ingested.data
    rendered = {m: months.iso(m) for m in data["month"].unique()}
    frame = pd.DataFrame({"Month": data["month"].map(rendered), "Area": _formula_safe_column(data["area"]),
                          "Indicator": _formula_safe_column(data["indicator"]), "Value": data["value"]})
    if not ingested.several_areas:
        frame = frame.drop(columns="Area")
    with replacing(path) as temporary:
        frame.to_csv(temporary, index=False, lineterminator="\r\n", encoding="utf-8")
    return path
