"""Reading input workbooks into a validated :class:`xl_pib.model.Inputs`.

``read_workbook(path)`` reads an .xlsx/.xlsm with python-calamine;
``parse_sheets(sheets)`` validates rows of cells from any source (calamine,
xlwings). Errors name the sheet, row and column, and say what was expected.
"""

from .parse import parse_sheets
from .workbook import read_workbook, read_sheets

__all__ = ["parse_sheets", "read_workbook", "read_sheets"]
