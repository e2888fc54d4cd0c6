"""Refresh survives Save As (issue 20): the live workbook refreshes under any name an analyst gives it.

Analysts keep a copy per month, e.g. ``Kettering PIB Dec 2009.xlsm``, which is not a Python module
name, so xlwings' quickstart macro (``import <workbook name>``) could never refresh it. Here the real
command ``python -m xl_pib template -o "Kettering PIB Dec 2009.xlsm"`` makes the workbook, and:

- olevba reads its VBA: the button's macro hands RunPython one fixed command, and the VBA project is
  the same bytes under any name;
- its Refresh runs through xlwings' remote engine with the book called that name: the exact command
  the macro hands RunPython, read out of the VBA, run with that book as the caller;
- when Python cannot start, or starts without a working xl-pib, the status cell beside the button (and
  on Windows a message box) says in plain words what to do: the Python side for real in a Python that
  lacks xl-pib, the macro's own logic in pyOpenVBA's VBA interpreter (Excel's cannot run here);
- LibreOffice opens it, reads the macro out of its VBA project and binds the button to it.

``xl-pib new --live`` (issue 13) does not exist yet; the mechanism lives in the template builder
(``xl_pib.template`` with ``xl_pib.refresh_button``), so every live workbook it makes gets it.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import unescape

import pytest

xw = pytest.importorskip("xlwings")

import helpers  # noqa: E402
import pib_macros  # noqa: E402
from test_refresh_macro import comparable, expected_actions, make_payload, read_book  # noqa: E402
from test_workbook_package import button_vml, macro_body, vba_bytes, vba_modules  # noqa: E402
from xl_pib import refresh_button  # noqa: E402
from xl_pib.bulletin import refresh as ranges  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
BOOK = "Kettering PIB Dec 2009.xlsm"
TROUBLESHOOTING = REPO / "docs" / "troubleshooting.md"
EXAMPLE_PYTHON = r"C:\Users\you\miniforge3\envs\pib\python.exe"  # the path the troubleshooting page shows


def python_env() -> dict[str, str]:
    """This worktree first on the path, and the free remote-engine key, for a child Python."""
    paths = [str(REPO), str(REPO / "udfs"), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p), "XLWINGS_LICENSE_KEY": "noncommercial"}


@pytest.fixture(scope="module")
def kettering(tmp_path_factory) -> Path:
    """``python -m xl_pib template -o "Kettering PIB Dec 2009.xlsm"``, in its own process."""
    folder = tmp_path_factory.mktemp("save-as")
    done = subprocess.run([sys.executable, "-m", "xl_pib", "template", "-o", BOOK], cwd=folder, env=python_env(),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return folder / BOOK


@pytest.fixture(scope="module")
def command(kettering) -> str:
    """The Python command the button's macro hands RunPython, as olevba reads it out of the workbook."""
    import re

    (call,) = re.findall(r'^\s*RunPython "([^"]*)"\s*$', macro_body(vba_modules(kettering)["Module1.bas"]), re.M)
    return call


def status_name(path: Path, sheets: list[str]) -> dict:
    """The workbook's PIB_STATUS name as the xlwings client sends a book-scoped name."""
    import openpyxl

    defined = openpyxl.load_workbook(path, keep_vba=True).defined_names[refresh_button.STATUS_NAME]
    ((sheet, address),) = defined.destinations
    return {"name": refresh_button.STATUS_NAME, "sheet_index": sheets.index(sheet), "address": address.replace("$", ""),
            "scope_sheet_name": None, "scope_sheet_index": None, "book_scope": True}


@pytest.fixture(scope="module")
def payload(kettering) -> dict:
    """What the xlwings client sends for the Kettering workbook: its name, its sheets and its status name."""
    body = make_payload(read_book(kettering), kettering.name)
    body["names"] = [status_name(kettering, [s["name"] for s in body["sheets"]])]
    return body


# --- the workbook under that name ---------------------------------------------------------------------


def test_xlwings_quickstart_macro_cannot_import_a_workbook_named_so():
    """Why the button no longer imports a module named after the workbook."""
    module = Path(BOOK).stem
    with pytest.raises(SyntaxError):
        compile(f"import {module};{module}.main()", "<RunPython>", "exec")


def test_the_macro_calls_one_fixed_module_whatever_the_name(kettering, demo_template, command):
    assert command == refresh_button.PYTHON_COMMAND == "import pib_macros; pib_macros.main()"
    assert vba_bytes(kettering) == vba_bytes(demo_template), "the VBA project depends on the workbook's name"
    vml = button_vml(kettering)
    assert f"<x:FmlaMacro>[0]!{refresh_button.MACRO}</x:FmlaMacro>" in vml


@pytest.fixture(scope="module")
def engine():
    with helpers.remote_engine() as remote:
        yield remote


def run_command(payload: dict, command: str) -> list[dict]:
    """The book the client sent becomes the caller, then the macro's command runs, as RunPython runs it."""
    book = xw.Book(json=copy.deepcopy(payload))
    book.set_mock_caller()
    assert xw.Book.caller().name == payload["book"]["name"]
    exec(command, {})  # noqa: S102 - the command read out of the workbook's own VBA
    return book.json()["actions"]


def test_refresh_runs_under_that_name_through_the_remote_engine(engine, payload, command, demo_assessment):
    assert payload["book"]["name"] == BOOK
    actions = run_command(payload, command)
    sheets = [s["name"] for s in payload["sheets"]]
    assert comparable(actions) == expected_actions(ranges.writes(demo_assessment), sheets)
    status = next(a["values"][0][0] for a in actions if a["sheet_position"] == sheets.index(ranges.STATUS[0])
                  and (a["start_row"], a["start_column"]) == (4, 4))
    assert status.startswith("Refreshed from the input sheets: 28 indicators")
    # No module of the workbook's name was needed, or is there to be found.
    stem = Path(BOOK).stem
    assert stem not in sys.modules and not stem.isidentifier()
    assert not [p for p in sys.path if p and (Path(p) / f"{stem}.py").exists()]


# --- when Refresh cannot start: the Python side ---------------------------------------------------------

NOT_INSTALLED = '''
import sys

class NotInstalled:
    """This Python has xlwings but not {blocked}: importing it fails as for a package never installed."""
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == {blocked!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None

sys.meta_path.insert(0, NotInstalled())
'''

RUN_AS_BUTTON = '''
import json
import xlwings as xw

book = xw.Book(json=json.load(open({payload!r})))
book.set_mock_caller()
{command}
print(json.dumps(book.json()["actions"]))
'''


def run_without(module: str, payload: dict, command: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """The button's command in a fresh Python where ``module`` cannot be imported."""
    path = tmp_path / "payload.json"
    path.write_text(json.dumps(payload))
    script = NOT_INSTALLED.format(blocked=module) + RUN_AS_BUTTON.format(payload=str(path), command=command)
    return subprocess.run([sys.executable, "-c", script], env=python_env(), capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("module", ["xl_pib", "pandas"])
def test_without_a_working_xl_pib_the_status_cell_says_what_to_do(payload, command, tmp_path, module):
    done = run_without(module, payload, command, tmp_path)
    assert done.returncode == 0, done.stderr
    (action,) = json.loads(done.stdout)
    sheets = [s["name"] for s in payload["sheets"]]
    assert (sheets[action["sheet_position"]], action["start_row"], action["start_column"]) == \
        (ranges.STATUS[0], 4, 4) and ranges.STATUS[1] == "E5"
    message = action["values"][0][0]
    assert message == pib_macros.engine_missing_text(ModuleNotFoundError(f"No module named '{module}'"))
    assert sys.executable in message and "-m pip install xl-pib" in message and "Interpreter_Win" in message


def test_without_xl_pib_or_a_status_cell_python_exits_with_the_message(payload, command, tmp_path):
    """With the status name deleted, the message goes to stderr and the exit status is 1: on Windows
    xlwings shows stderr in its error box, so the analyst reads the message and no traceback."""
    no_name = {**payload, "names": []}
    done = run_without("xl_pib", no_name, command, tmp_path)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip() == pib_macros.engine_missing_text(ModuleNotFoundError("No module named 'xl_pib'"))


def test_status_name_is_the_one_the_workbook_defines(kettering, payload):
    assert pib_macros.STATUS_NAME == refresh_button.STATUS_NAME
    (name,) = payload["names"]
    sheets = [s["name"] for s in payload["sheets"]]
    assert (sheets[name["sheet_index"]], name["address"]) == ranges.STATUS


# --- when Refresh cannot start: the macro's own logic, in pyOpenVBA's VBA interpreter ----------------------
# xlwings' RunPython launches Python, which cannot happen here; a stand-in takes its place and does what
# Python does (writes the status cell) or what a Python that never started does (nothing). It records the
# command it was handed and the status cell as it found it.

RUN_PYTHON = '''Public Function RunPython(PythonCommand As String)
    Sheets("Executive Summary").Range("Z1").Value = PythonCommand
    Sheets("Executive Summary").Range("Z2").Value = ThisWorkbook.Names("PIB_STATUS").RefersToRange.Value
{python_runs}End Function
'''


def click_refresh(kettering: Path, python_writes: str | None):
    from pyopenvba.apps.excel import ExcelApplication

    app = ExcelApplication.open(kettering, with_vba=False)  # its sheets and names; the macro as olevba reads it
    app.add_module(vba_modules(kettering)["Module1.bas"], name="Module1", kind="standard")
    runs = "" if python_writes is None else \
        f'    ThisWorkbook.Names("PIB_STATUS").RefersToRange.Value = "{python_writes}"\n'
    app.add_module(RUN_PYTHON.format(python_runs=runs), name="RunPythonStandIn", kind="standard")
    app.run(refresh_button.MACRO)
    sheet = app.sheet(ranges.STATUS[0])
    return sheet, app.dialogs


def test_macro_when_python_runs_leaves_pythons_status(kettering):
    sheet, dialogs = click_refresh(kettering, "Refreshed from the input sheets: 28 indicators")
    assert sheet.value("Z1") == refresh_button.PYTHON_COMMAND
    assert sheet.value("Z2") == refresh_button.STARTING  # what the status says while Python runs (and on macOS)
    assert sheet.value(ranges.STATUS[1]) == "Refreshed from the input sheets: 28 indicators"
    assert dialogs == []


def test_macro_when_python_does_not_start_says_what_to_do(kettering):
    sheet, dialogs = click_refresh(kettering, None)
    assert sheet.value("Z2") == refresh_button.STARTING
    assert sheet.value(ranges.STATUS[1]) == refresh_button.NOT_STARTED
    assert dialogs == [("MsgBox", refresh_button.NOT_STARTED, "Refresh", 48)]  # 48: vbExclamation


# --- the troubleshooting page shows the messages as they are -----------------------------------------------


def test_troubleshooting_page_shows_every_message(kettering, monkeypatch):
    page = TROUBLESHOOTING.read_text()
    assert refresh_button.STARTING in page and refresh_button.NOT_STARTED in page
    monkeypatch.setattr(sys, "executable", EXAMPLE_PYTHON)
    assert pib_macros.engine_missing_text(ModuleNotFoundError("No module named 'pandas'")) in page
    # The messages the page quotes from xlwings' own VBA are in the VBA the workbook carries.
    xlwings_vba = vba_modules(kettering)["xlwings.bas"]
    for quoted in ("Could not find Interpreter!",
                   "To enable RunPython, please run 'xlwings runpython install' in a terminal once and try again."):
        assert quoted in xlwings_vba and quoted in page, quoted


# --- LibreOffice ----------------------------------------------------------------------------------------------


def test_libreoffice_opens_it_reads_the_macro_and_binds_the_button(soffice, kettering, tmp_path):
    """LibreOffice's own VBA import (not Excel's) reads Module1 out of the VBA project and resolves the
    button's macro to it: a macro it cannot find leaves the button unbound."""
    from xl_pib.pdf import convert

    (ods,) = convert([kettering], "ods", tmp_path)
    assert ods.name == "Kettering PIB Dec 2009.ods"
    with zipfile.ZipFile(ods) as package:
        content = package.read("content.xml").decode("utf-8")
        module = unescape(package.read("Basic/VBAProject/Module1.xml").decode("utf-8"), {"&quot;": '"', "&apos;": "'"})
    assert 'table:name="Executive Summary"' in content
    assert f"vnd.sun.star.script:VBAProject.Module1.{refresh_button.MACRO}?language=Basic&amp;location=document" \
        in content
    assert f'RunPython "{refresh_button.PYTHON_COMMAND}"' in module and f"Sub {refresh_button.MACRO}()" in module
