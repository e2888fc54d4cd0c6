"""The live workbook's Refresh button: the VBA macro it runs, in the VBA project the workbook carries.

The button runs ``RefreshBulletin`` (module ``Module1``), which calls xlwings'
``RunPython "import pib_macros; pib_macros.main()"``: one fixed Python module,
so the workbook refreshes under any name an analyst saves it as
(``Kettering PIB Dec 2009.xlsm``). xlwings' quickstart macro, which this
replaces, imported a module named after the workbook, and a name with a space
or a hyphen is not a Python module name. A fixed module in a VBA wrapper is the
way xlwings' own documentation calls Python from a button.

The VBA project is xlwings' own standalone one (``quickstart_standalone.xlsm``
of the installed xlwings: the ``xlwings`` module with ``RunPython``,
``ImportPythonUDFs`` and ``GetConfig``, matching that version's DLL), with only
``Module1``'s source replaced by :func:`module_source`. pyOpenVBA writes the
new source as MS-OVBA prescribes for a writer: compressed source and no
compiled p-code (the module starts at MODULEOFFSET 0, as xlwings' own
``xlwings`` module does in that file). Every other stream keeps xlwings' bytes;
in particular ``_VBA_PROJECT`` stays the 7-byte stream with version 0xFFFF and
no performance cache that xlwings ships, which makes Excel compile every module
from its source when the workbook opens, on Windows and macOS alike.

The button also says in plain words what to do when Python cannot start: it
writes :data:`STARTING` into the status cell (``PIB_STATUS``) before
``RunPython``; Python always overwrites that cell. On Windows ``RunPython`` waits
for Python, so a cell still holding :data:`STARTING` afterwards means Python
never ran: the macro then writes and shows :data:`NOT_STARTED`. On macOS
``RunPython`` starts Python in the background and returns at once, so
:data:`STARTING` itself says what to do if it stays. ``docs/troubleshooting.md``
shows both, with what xlwings itself shows in each case.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

MODULE = "Module1"
MACRO = "RefreshBulletin"
PYTHON_COMMAND = "import pib_macros; pib_macros.main()"
STATUS_NAME = "PIB_STATUS"  # the defined name of the status cell beside the button

STARTING = ("Refreshing: Python is running and will replace this text. If it is still here after a minute, "
            "Python did not start: on the xlwings.conf sheet set Interpreter_Mac (Interpreter_Win on Windows) "
            "to the full path of the Python where xl-pib is installed, and install xl-pib there if it is not "
            "(python -m pip install xl-pib). Nothing was changed.")
NOT_STARTED = ("Refresh could not start Python, so nothing was changed. The message before this one, from "
               "xlwings, names the cause. On the xlwings.conf sheet set Interpreter_Win to the full path of the "
               "python.exe where xl-pib is installed (in that environment, 'where python' shows it), and "
               "install xl-pib there if it is not (python -m pip install xl-pib). Then click Refresh again.")

_XLWINGS_TEMPLATE = "quickstart_standalone.xlsm"
_VERSION_STREAM = ("VBA", "_VBA_PROJECT")


def _vba_string(text: str) -> str:
    """A VBA string literal: quotes doubled, as VBA reads them."""
    return '"' + text.replace('"', '""') + '"'


def module_source() -> str:
    """``Module1`` of the live workbook: the macro the Refresh button runs (VBA, CRLF line ends)."""
    lines = [
        f'Attribute VB_Name = "{MODULE}"',
        "' The Refresh button runs RefreshBulletin. Written by xl-pib (xl_pib/refresh_button.py):",
        "' regenerate the workbook with xl-pib template rather than editing this module.",
        "'",
        "' It runs the same Python module, pib_macros, whatever this workbook is called, so a copy",
        "' saved under another name (Kettering PIB Dec 2009.xlsm) refreshes as the original does.",
        "Option Explicit",
        "",
        f"Private Const STARTING As String = {_vba_string(STARTING)}",
        f"Private Const NOT_STARTED As String = {_vba_string(NOT_STARTED)}",
        "",
        f"Public Sub {MACRO}()",
        "    Dim status As Range",
        "    On Error Resume Next",
        f"    Set status = ThisWorkbook.Names({_vba_string(STATUS_NAME)}).RefersToRange",
        "    On Error GoTo 0",
        "    If Not status Is Nothing Then status.Value = STARTING",
        "",
        f"    RunPython {_vba_string(PYTHON_COMMAND)}",
        "",
        "#If Not Mac Then",
        "    ' On Windows RunPython waits for Python, which always overwrites the status cell:",
        "    ' a cell still saying STARTING means Python never ran (xlwings has said why).",
        "    ' On macOS Python runs in the background, so STARTING itself says what to do.",
        "    If Not status Is Nothing Then",
        "        If status.Formula = STARTING Then",
        "            status.Value = NOT_STARTED",
        '            MsgBox NOT_STARTED, vbExclamation, "Refresh"',
        "        End If",
        "    End If",
        "#End If",
        "End Sub",
    ]
    return "\r\n".join(lines) + "\r\n"


def xlwings_template() -> Path:
    """xlwings' standalone quickstart workbook, whose VBA project the live workbook carries."""
    import xlwings

    return Path(xlwings.__file__).parent / _XLWINGS_TEMPLATE


def vba_project() -> bytes:
    """xlwings' standalone VBA project with ``Module1`` replaced by :func:`module_source` (vbaProject.bin)."""
    from pyopenvba import ExcelFile
    from pyopenvba.cfb import CFB

    with tempfile.TemporaryDirectory(prefix="xl-pib-vba-") as work:
        edited = Path(work) / "edited.xlsm"
        with ExcelFile(xlwings_template()) as book:
            version = CFB.from_bytes(book.vba_project_bytes()).get_stream_in_storage(*_VERSION_STREAM)
            book.set_module(MODULE, module_source())
            book.save(edited)
        with ExcelFile(edited) as book:
            project = CFB.from_bytes(book.vba_project_bytes())
    # pyOpenVBA zeroes the bytes after the version on any edit (to invalidate a performance cache);
    # xlwings' stream has no cache, so it is put back as xlwings wrote it.
    project.write_stream_in_storage(*_VERSION_STREAM, version)
    return project.to_bytes()
