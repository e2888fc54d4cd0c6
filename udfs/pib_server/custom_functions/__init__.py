"""The =PIB_ functions as Office.js custom functions: the desktop module ``pib_udfs`` itself, not a copy.

xlwings Server registers every member of this package that carries ``__xlfunc__``. Its
``@xw.func``/``@xw.arg`` are the server's own decorators only if xlwings was imported with
``XLWINGS_ON_SERVER=true`` (``xl-pib serve`` sets it before anything imports xlwings).
"""

import xlwings as xw

if not xw.on_server:
    raise ImportError("the PIB custom functions need XLWINGS_ON_SERVER=true before xlwings is first imported "
                      "(start the server with 'xl-pib serve')")

import pib_udfs  # noqa: E402 - after the check, so the decorators registered the functions

globals().update({name: obj for name, obj in vars(pib_udfs).items() if hasattr(obj, "__xlfunc__")})
