"""The Refresh button of workbooks made before the button called ``pib_macros`` directly.

Those workbooks ran xlwings' quickstart macro ``SampleCall``, which imports the
module named after the workbook, so ``pib_bulletin.xlsm`` imports this one.
Workbooks made by ``xl-pib template`` now run ``pib_macros.main()`` under any
name (:mod:`xl_pib.refresh_button`); rebuild an old one with
``xl-pib template --input OLD.xlsm -o NEW.xlsm`` to get that button.
"""

from pib_macros import main

__all__ = ["main"]
