"""The Refresh button of the task pane and the ribbon: ``pib_macros.refresh`` on the calling workbook.

On the desktop the button's VBA runs ``pib_macros.refresh()`` through ``xw.Book.caller()``; here
xlwings Server hands the script the workbook the Office.js client sent, and returns what the
refresh wrote as actions for the client to apply. The refresh itself is the same function.
Callers need the roles of ``XL_PIB_ROLES_REFRESH`` (xlwings Server's own ``required_roles``).
"""

import asyncio

import xlwings as xw

import pib_macros
from xl_pib import serve_settings


@xw.script(required_roles=serve_settings.route_roles("refresh") or None)
async def refresh(book: xw.Book):
    """Recompute Results, the Executive Summary, the texts and the chart data from the input sheets."""
    # CPU-bound: in a worker thread, so the server keeps answering =PIB_ calls meanwhile. A new layout's
    # workbook is never saved on the server (the book's name is the client's to choose): the status says so.
    await asyncio.to_thread(pib_macros.refresh, book, False)
