"""The xlwings Server project of xl-pib: the =PIB_ functions and the Refresh button for Office.js.

This folder is laid out as xlwings Server expects a project (``XLWINGS_PROJECT_DIR``):

- ``custom_functions/``: the ``pib_udfs`` functions themselves, served as Office.js custom functions;
- ``custom_scripts/``: ``refresh``, the task pane's Refresh button, which runs ``pib_macros.refresh``;
- ``routers/custom.py``: ``POST /pib/build``, the headless rebuild (the same code as ``xl-pib build``);
- ``templates/manifest.xml`` and ``templates/taskpane.html``: the add-in and its task pane;
- ``static/js/ribbon.js``: the ribbon's Refresh button;
- ``pyproject.toml``: the project's xlwings Server settings (name, empty functions namespace, add-in ids).

``xl-pib serve`` (``xl_pib/serve.py``) points xlwings Server at this folder. Nothing here is
imported by the engine; xlwings Server imports it.
"""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent
