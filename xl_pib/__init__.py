"""xl-pib: the Performance Improvement Bulletin engine.

The engine (``xl_pib.measures``) is pure numpy/scipy and works on whole arrays
of series at once; the faces (Excel functions in ``udfs/``, the Refresh macro,
the headless builder and the CLI) are thin adapters over it.
"""

import os

__version__ = "0.1.0"

# openpyxl serialises XML differently when lxml happens to be installed (and writes a carriage return in a
# cell bare, which XML then reads as a line feed). The same inputs must give the same bytes on every machine,
# so xl-pib uses openpyxl's own writer unless told otherwise (before openpyxl is first imported).
os.environ.setdefault("OPENPYXL_LXML", "False")
