"""Entry point for the workbook's Refresh button.

xlwings' standalone VBA macro ``SampleCall`` (bound to the button) runs
``import <workbook name>; <workbook name>.main()``, so the workbook
``pib_bulletin.xlsm`` calls this module. A workbook saved under another name
needs a module of that name that does the same.
"""

from pib_macros import refresh


def main() -> None:
    refresh()
