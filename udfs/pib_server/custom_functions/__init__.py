"""The =PIB_ functions as Office.js custom functions: the desktop module ``pib_udfs`` itself, not a copy.

xlwings Server registers every member of this package that carries ``__xlfunc__``. Its
``@xw.func``/``@xw.arg`` are the server's own decorators only if xlwings was imported with
``XLWINGS_ON_SERVER=true`` (``xl-pib serve`` sets it before anything imports xlwings).

Each function is served with two things the desktop does not need:

- a time limit (``XL_PIB_FUNCTION_TIMEOUT_S``). xlwings Server calls a plain function on its
  event loop, where one slow call would hold up every other; here it runs in a worker thread,
  and a call that takes longer gets a one-line message in its cell (as bad input does) while
  the server goes on answering. Python cannot stop a thread, so the late computation still
  finishes in the background; the request-body limit (``XL_PIB_MAX_CALL_MB``) bounds how big
  it can be;
- the roles of ``XL_PIB_ROLES_FUNCTIONS``, as xlwings Server's own per-function
  ``required_roles``.
"""

import asyncio
import functools
import logging

import xlwings as xw

if not xw.on_server:
    raise ImportError("the PIB custom functions need XLWINGS_ON_SERVER=true before xlwings is first imported "
                      "(start the server with 'xl-pib serve')")

import pib_udfs  # noqa: E402 - after the check, so the decorators registered the functions

from xl_pib import serve_settings  # noqa: E402

logger = logging.getLogger(__name__)

TIMEOUT = serve_settings.function_timeout()
ROLES = serve_settings.route_roles("functions") or None


def time_limited(func):
    """``func`` run in a worker thread; past ``TIMEOUT`` seconds its cell gets a message instead."""

    @functools.wraps(func)
    async def call(*args, **kwargs):
        try:
            return await asyncio.wait_for(asyncio.to_thread(func, *args, **kwargs), TIMEOUT)
        except TimeoutError:
            logger.warning("%s took longer than %g s (XL_PIB_FUNCTION_TIMEOUT_S)", func.__name__, TIMEOUT)
            return (f"{func.__name__}: took longer than {TIMEOUT:g} s, the server's limit for one call "
                    "(XL_PIB_FUNCTION_TIMEOUT_S): use smaller ranges")

    call.__xlfunc__ = {**func.__xlfunc__, "required_roles": ROLES}  # a copy: pib_udfs' own stays as it is
    return call


globals().update({name: time_limited(obj) for name, obj in vars(pib_udfs).items() if hasattr(obj, "__xlfunc__")})
