"""Reading input workbooks into a validated :class:`xl_pib.model.Inputs`.

``read_workbook(path)`` reads an .xlsx/.xlsm with python-calamine;
``parse_sheets(sheets)`` validates rows of cells from any source (calamine,
xlwings). Errors name the sheet, row and column, and say what was expected.
"""

from .areas import area_names, check_one_area, split_areas
from .parse import parse_sheets
from .workbook import read_workbook, read_sheets

__all__ = ["area_names", "check_one_area", "parse_sheets", "read_workbook", "read_sheets", "split_areas"]
