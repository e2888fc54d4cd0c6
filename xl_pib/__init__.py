"""xl-pib: the Performance Improvement Bulletin engine.

The engine (``xl_pib.measures``) is pure numpy/scipy and works on whole arrays
of series at once; the faces (Excel functions in ``udfs/``, the Refresh macro,
the headless builder and the CLI) are thin adapters over it.
"""

__version__ = "0.1.0"
