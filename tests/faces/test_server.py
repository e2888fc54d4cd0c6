"""Excel without local Python: the =PIB_ functions, the Refresh button and the headless rebuild through
xlwings Server (issue 8).

One real server for the whole module: ``xl-pib serve`` on a free 127.0.0.1 port in a child process
(uvicorn), with ``XLWINGS_LICENSE_KEY=noncommercial`` and token sign-in (``XL_PIB_AUTH=token``) set
here; every request carries the token (``test_server_access.py`` tests the sign-in and the limits). Requests are what Office.js sends:
the custom-functions call body of xlwings Server's ``custom-functions-code.js`` (every argument a
2-D array, ``null`` for an argument left out or an empty cell, dates as serial numbers), and the
book JSON of the xlwings client for the Refresh script (built with the Refresh macro test's own
helpers). Answers are checked against the Python functions, ``pib_macros.refresh`` and ``xl-pib build``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import importlib.util
import json
import math
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlparse

import pytest

if importlib.util.find_spec("xlwings_server") is None:  # not imported here: it would switch xlwings to server mode
    pytest.skip("xlwings Server is not installed: pip install -e '.[dev]'", allow_module_level=True)
httpx = pytest.importorskip("httpx")

import pib_udfs  # noqa: E402
from conftest import same_answer  # noqa: E402
from test_udfs import SCALAR_CALLS, SERIES_30  # noqa: E402
from test_refresh_macro import (  # noqa: E402, F401 - remote_engine: xlwings' remote engine for the in-process refresh
    comparable, expected_actions, make_payload, read_book, remote_engine, run, sheet_values, column_index, status_only)
from xl_pib import serve  # noqa: E402
from xl_pib.assess import RESULTS_COLUMNS  # noqa: E402
from xl_pib.figures import WORKINGS as WORKINGS_FIGURES  # noqa: E402
from xl_pib.cli import main  # noqa: E402

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[2]
# The server's page of the documentation site.
PAGE = (ROOT / "docs" / "excel-without-python.md").read_text()
WORKBOOK = ROOT / "workbook" / "pib_bulletin.xlsm"
TOKEN = "test-token-for-loopback-only"
UPLOAD_LIMIT_MB = 2
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
NS = {"o": "http://schemas.microsoft.com/office/appforoffice/1.1",
      "v": "http://schemas.microsoft.com/office/taskpaneappversionoverrides",
      "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0",
      "xsi": "http://www.w3.org/2001/XMLSchema-instance"}


def auth(token: str = TOKEN) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def server():
    env = {"XLWINGS_LICENSE_KEY": "noncommercial", "XL_PIB_AUTH": "token", "XL_PIB_TOKEN": TOKEN,
           "XL_PIB_MAX_UPLOAD_MB": str(UPLOAD_LIMIT_MB)}
    with serve.ServerProcess(env) as running:
        yield running


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, trust_env=False, timeout=120, headers=auth()) as http:
        yield http


# --- custom functions: the body Office.js sends, the answer the Python function gives ------------


def office_js(value):
    """A cell argument as Office.js passes it: always rows of cells, empty cells null, dates as serials."""
    if value is None:
        return None  # an optional argument left out
    return [[(c - EXCEL_EPOCH).days if isinstance(c, dt.datetime) else c for c in row] for row in cells(value)]


def cells(value) -> list[list]:
    """A test argument as the range it stands for: a cell, a flat list (a column) or rows."""
    if not isinstance(value, list):
        return [[value]]
    return value if value and isinstance(value[0], list) else [[v] for v in value]


def desktop(value, ndim2: bool):
    """The same argument as desktop xlwings passes it: ``ndim=2`` arguments as rows, dates as datetimes."""
    if value is None or (not ndim2 and not isinstance(value, list)):
        return value
    return cells(value)


def call_body(func_name: str, *args) -> dict:
    return {"client": "Office.js", "version": pib_udfs.xw.__version__, "func_name": func_name, "args": [office_js(a) for a in args],
            "caller_address": "[pib_bulletin.xlsm]Sheet1!A1", "session_id": "tests", "culture_info_name": "en-US",
            "date_format": "M/d/yyyy", "runtime": "1.4"}


def python_answer(func_name: str, *args):
    """The Python function on desktop xlwings' argument shapes, as the cells Office.js shows."""
    func = getattr(pib_udfs, func_name)
    ndim2 = {name for name, info in _ndim2_args(func).items() if info}
    names = list(func.__wrapped__.__code__.co_varnames[:len(args)])
    given = [desktop(a, n in ndim2) for a, n in zip(args, names)]
    while given and given[-1] is None:
        given.pop()  # left out: the Python default
    result = func(*given)
    rows = result if isinstance(result, list) else [[result]]
    return [["" if c is None else c for c in row] for row in rows]


@functools.lru_cache(maxsize=None)
def _desktop_registration():
    from helpers import registered_udfs

    return registered_udfs()[1]


def _ndim2_args(func) -> dict[str, bool]:
    """Which arguments xlwings' desktop decorators read with ``ndim=2``."""
    spec = getattr(_desktop_registration(), func.__name__).__xlfunc__
    return {a["name"]: a["options"].get("ndim") == 2 for a in spec["args"]}


def server_answer(client, func_name: str, *args):
    reply = client.post("/xlwings/custom-functions-call", json=call_body(func_name, *args))
    assert reply.status_code == 200, reply.text
    return reply.json()["result"]


def assert_same(got, want):
    assert same_answer(_floats(got), _floats(want)), f"server {got!r} != Python {want!r}"


def _floats(rows):
    """JSON numbers come back as int or float; Python's answers are floats."""
    return [[float(c) if isinstance(c, (int, float)) and not isinstance(c, bool) else c for c in row] for row in rows]


COLUMN_POSITIONS = [["Above Target"], ["On Target"], ["Below Target"], [None], ["N/A"]]
COLUMN_TRENDS = [["No"], ["Yes"], ["Yes"], ["No"], ["Yes"]]


@pytest.mark.parametrize("args", [
    ("Above Target", "No", None),
    ("Below Target", "Yes", None),
    ("On Target", "No", "up"),
    ("Below Target", "No", "up"),
    (COLUMN_POSITIONS, COLUMN_TRENDS, None),     # a column of answers from one call
    (COLUMN_POSITIONS, "Yes", "down"),           # a single cell broadcast against a range
    ([[None]], "Yes", None),                     # an empty cell
], ids=["above-no", "below-yes", "up", "up-below", "columns", "broadcast", "empty-cell"])
def test_pib_rag_equals_the_python_function(client, args):
    want = python_answer("PIB_RAG", *args)
    assert_same(server_answer(client, "PIB_RAG", *args), want)
    assert any(c in ("R", "A", "G") for row in want for c in row) or want == [["N/A"]]


@pytest.mark.parametrize("args", [
    (358, 290, None, None),
    (18, 10, None, None),
    (280, 290, None, None),                      # target met: N/A
    (0.25, 0.2, "percentage", None),
    (0.18, 0.2, "percentage", "up"),
    ([[358], [18], [0.5]], [[290], [10], [""]], "count", "down"),
    (358, "lots", None, None),                   # bad input: the function's one-line message
], ids=["readme-358", "readme-18", "met", "percentage", "up", "column", "bad"])
def test_pib_reduction_required_equals_the_python_function(client, args):
    assert_same(server_answer(client, "PIB_REDUCTION_REQUIRED", *args), python_answer("PIB_REDUCTION_REQUIRED", *args))


TWO_YEARS = [[float(v)] for v in [30, 28, 27, 31, 26, 29, 30, 25, 27, 28, 26, 25,
                                  27, 29, 31, 30, 33, 28, 32, 30, 29, 31, 30, 28]]


@pytest.mark.parametrize("args", [
    (TWO_YEARS, None),
    (TWO_YEARS + [[None]] * 6, None),                                # a range running past the data
    ([[a[0], a[0] + 5] for a in TWO_YEARS], None),                   # two series side by side
    ([[round(a[0] * 0.3)] for a in TWO_YEARS], [[100.0]] * 24),      # percentages with denominators
    ([[1.0]] * 5, None),                                             # not enough months: N/A
], ids=["24-months", "trailing-blanks", "two-columns", "denominators", "short"])
def test_pib_comparative_12m_range_argument_equals_the_python_function(client, args):
    want = python_answer("PIB_COMPARATIVE_12M", *args)
    assert_same(server_answer(client, "PIB_COMPARATIVE_12M", *args), want)


MONTHS = [[dt.datetime(2008 + (m // 12), m % 12 + 1, 1)] for m in range(3, 27)]


@pytest.mark.parametrize("func_name, args", [
    # dates: Office.js sends serial numbers where desktop xlwings sends datetimes
    ("PIB_MONTHS_BETWEEN", (dt.datetime(2008, 3, 1), dt.datetime(2009, 11, 1))),
    ("PIB_MONTHS_BETWEEN", ("2008-03", [[dt.datetime(2009, 11, 1)], [dt.datetime(2011, 3, 1)]])),
    ("PIB_LAST_MONTH", (MONTHS, TWO_YEARS[:20] + [[None]] * 4)),
    ("PIB_ROLLING_AT", (MONTHS, TWO_YEARS, dt.datetime(2009, 3, 1), None, None, None, None)),
    ("PIB_SERIES", (MONTHS[:3], [[m[0]] for m in MONTHS[:3]] * 2, [["NI16"]] * 3 + [["NI20"]] * 3,
                    [[1.0], [2.0], [None], [4.0], [5.0], [6.0]], [["NI16", "NI20"]], None)),
    # several cells out, blanks out, a row of text in
    ("PIB_LIMITS", (303, 290, 20, 36, None)),
    ("PIB_ROLLING12", (TWO_YEARS[:14],)),
    ("PIB_OUTCOME_RAG", ([["G", "R", None, "A"]], None)),
    ("PIB_CI_PROPORTION", (65, 100, None)),
    ("PIB_TARGET", (303, "reduction_pct", 0.04, "count")),
    # the noise-aware judgements' functions and the Breaks readers
    ("PIB_PROJECTION", (TWO_YEARS, 12, 24, "none")),
    ("PIB_TARGET_PROBABILITY", (TWO_YEARS, 300, 12, "down", 24, "none")),
    ("PIB_SPC", (TWO_YEARS,)),
    ("PIB_BREAKS", (MONTHS, [["NI16"], ["NI20"]], [[dt.datetime(2009, 2, 1)], ["2008-10"]], [["all"], ["chart"]],
                    None, [["NI16"], ["NI20"]])),
    ("PIB_LAST_BREAK", ([["2008-10; 2009-02 (chart)"]], dt.datetime(2009, 11, 1))),
])
def test_other_conversions_equal_the_python_functions(client, func_name, args):
    assert_same(server_answer(client, func_name, *args), python_answer(func_name, *args))


_LABELS = {spec.key: spec.workings for spec in WORKINGS_FIGURES}
WORKINGS = {"indicator": "NI16", "measure": "count", "direction": "down", "months_elapsed": 20, "months_total": 36,
            "months_to_target": 16, "baseline": 303, "target": 290, "current": 358, "trend_target": 290,
            "msg_count": 358, "msg_population": 90000, "msg_group_count": 4000, "msg_group_population": 1000000,
            "msg_tau2": 0.004, "population": "N/A", "rate_per": 100000, "current_count": 358,
            "current_denominator": "N/A", "design_effect": 1, "assessed_month": "2009-11", "breaks_listed": ""}
PERFORMANCE_TABLE = ([[_LABELS[k] for k in WORKINGS]], [list(WORKINGS.values())], [[v] for v in SERIES_30])


@pytest.mark.parametrize("func_name", sorted(SCALAR_CALLS) + ["PIB_PERFORMANCE_TABLE"])
def test_every_function_through_the_server_equals_python(client, func_name):
    """test_udfs' one call per function (flat lists are columns), sent as Office.js sends it."""
    args = PERFORMANCE_TABLE if func_name == "PIB_PERFORMANCE_TABLE" else SCALAR_CALLS[func_name]
    want = python_answer(func_name, *args)
    assert not (isinstance(want[0][0], str) and want[0][0].startswith("PIB_")), want  # a real answer, not a message
    assert_same(server_answer(client, func_name, *args), want)


def test_every_function_is_called_through_the_server_here():
    import inspect

    module = inspect.getsource(sys.modules[__name__])
    called = set(SCALAR_CALLS) | {"PIB_PERFORMANCE_TABLE", "PIB_RAG", "PIB_REDUCTION_REQUIRED", "PIB_COMPARATIVE_12M"}
    called |= {name for name in dir(pib_udfs) if f'("{name}", (' in module}
    assert called == {n for n in dir(pib_udfs) if n.startswith("PIB_") and callable(getattr(pib_udfs, n))}


def test_functions_metadata_names_every_function_without_a_namespace(client):
    meta = client.get("/xlwings/custom-functions-meta.json").json()
    python = {n for n in dir(pib_udfs) if n.startswith("PIB_") and callable(getattr(pib_udfs, n))}
    assert {f["name"] for f in meta["functions"]} == python and len(python) >= 27
    rag = next(f for f in meta["functions"] if f["name"] == "PIB_RAG")
    assert [(p["name"], p.get("optional", False)) for p in rag["parameters"]] == \
        [("position", False), ("trend_sufficient", False), ("direction", True)]
    assert rag["description"] == pib_udfs.PIB_RAG.__doc__
    code = client.get("/xlwings/custom-functions-code.js").text
    assert all(f'CustomFunctions.associate("{name}"' in code for name in python)


# --- the manifest and the task pane ----------------------------------------------------------------


def test_manifest_is_xml_naming_the_add_in_functions_task_pane_and_refresh(client, server):
    reply = client.get("/manifest.xml")
    assert reply.status_code == 200
    root = ET.fromstring(reply.content)
    assert root.find("o:DisplayName", NS).get("DefaultValue") == "PIB Bulletin"
    assert "=PIB_RAG" in root.find("o:Description", NS).get("DefaultValue")
    resources = {u.get("id"): u.get("DefaultValue") for u in root.iter(f"{{{NS['bt']}}}Url")}
    strings = {s.get("id"): s.get("DefaultValue") for s in root.iter(f"{{{NS['bt']}}}String")}
    point = next(e for e in root.iter(f"{{{NS['v']}}}ExtensionPoint")
                 if e.get(f"{{{NS['xsi']}}}type") == "CustomFunctions")
    # No Namespace: the formulas read =PIB_RAG(...) as on the desktop.
    assert point.find("v:Namespace", NS) is None and "Functions.Namespace" not in strings
    metadata_url = resources[point.find("v:Metadata/v:SourceLocation", NS).get("resid")]
    assert urlparse(metadata_url).netloc == urlparse(server.url).netloc
    names = {f["name"] for f in client.get(urlparse(metadata_url).path).json()["functions"]}
    assert {"PIB_RAG", "PIB_REDUCTION_REQUIRED", "PIB_COMPARATIVE_12M"} <= names
    # The ribbon's Refresh button runs the refresh script; the task pane has its own Refresh button.
    controls = {c.get("id"): c for c in root.iter(f"{{{NS['v']}}}Control")}
    refresh = controls["PibRefreshButton"]
    assert strings[refresh.find("v:Label", NS).get("resid")] == "Refresh"
    assert refresh.find("v:Action/v:FunctionName", NS).text == "pib-refresh"
    assert 'Office.actions.associate("pib-refresh"' in client.get("/static/js/ribbon.js").text
    taskpane = client.get(urlparse(resources["Taskpane.Url"]).path)
    assert taskpane.status_code == 200 and 'xw-click="refresh"' in taskpane.text and ">Refresh</button>" in taskpane.text
    scripts = client.get("/xlwings/custom-scripts-meta.json").json()
    assert "refresh" in json.dumps(scripts)


def test_manifest_is_downloadable(client):
    reply = client.get("/manifest/download")
    assert reply.status_code == 200
    assert reply.headers["content-disposition"].startswith("attachment; filename=pib-bulletin")
    ET.fromstring(reply.content)


# --- the Refresh script ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook_payload():
    return make_payload(read_book(WORKBOOK), WORKBOOK.name)


@pytest.fixture(scope="module")
def names(workbook_payload):
    return [s["name"] for s in workbook_payload["sheets"]]


def run_script(client, payload) -> list[dict]:
    reply = client.post("/xlwings/custom-scripts-call/refresh", json=payload)
    assert reply.status_code == 200, reply.text
    return reply.json()["actions"]


def test_refresh_script_writes_what_the_refresh_macro_writes(client, workbook_payload, names):
    from xl_pib.assess import assess
    from xl_pib.bulletin import refresh as ranges
    from xl_pib.inputs import read_workbook

    actions = run_script(client, workbook_payload)
    returned, in_process = run(workbook_payload)  # pib_macros.refresh through xlwings' remote engine, here
    assert returned is True
    assert comparable(actions) == comparable(in_process)
    assert comparable(actions) == expected_actions(ranges.writes(assess(read_workbook(WORKBOOK))), names)
    written = {names[a["sheet_position"]] for a in actions}
    assert {"Results", "Executive Summary"} <= written
    assert not written & {"Settings", "Targets", "Outcomes", "Data", "MSG"}


def test_refresh_script_under_a_name_with_spaces(client, names, tmp_path):
    """The task pane's Refresh never looks at the workbook's name (issue 20): the workbook saved as
    'Kettering PIB Dec 2009.xlsm' gets what the refresh macro writes."""
    import shutil

    from xl_pib.assess import assess
    from xl_pib.bulletin import refresh as ranges
    from xl_pib.inputs import read_workbook

    book = tmp_path / "Kettering PIB Dec 2009.xlsm"
    shutil.copy(WORKBOOK, book)
    payload = make_payload(read_book(book), book.name)
    assert payload["book"]["name"] == "Kettering PIB Dec 2009.xlsm"
    actions = run_script(client, payload)
    assert comparable(actions) == expected_actions(ranges.writes(assess(read_workbook(book))), names)


def test_refresh_script_with_bad_input_writes_only_the_status_message(client, workbook_payload, names):
    import copy

    bad = copy.deepcopy(workbook_payload)
    sheet_values(bad, "Targets")[3][column_index(bad, "Targets", "Measure")] = "cnt"
    message = status_only(run_script(client, bad), names)
    assert "Targets row 4" in message and "Measure" in message and "'cnt'" in message


def test_a_new_layout_through_the_server_writes_no_file_wherever_the_name_points(client, workbook_payload, names,
                                                                                  tmp_path):
    """The workbook's name comes from the client: a full path to a folder of the server's gets the status message
    and no file is written there (the desktop macro would build the new workbook beside a book so named)."""
    import copy

    changed = copy.deepcopy(workbook_payload)
    targets = sheet_values(changed, "Targets")
    targets.append([*targets[12][:1], *targets[12][1:]])
    targets[-1][0] = "EXTRA"
    changed["book"]["name"] = str(tmp_path / "pib_bulletin.xlsm")
    message = status_only(run_script(client, changed), names)
    assert "layout" in message and "through a server" in message, message
    assert list(tmp_path.iterdir()) == []


# --- the headless rebuild ------------------------------------------------------------------------------


def sheets_of(path: Path) -> dict[str, list[list]]:
    return dict(read_book(path))


def test_rebuild_returns_the_bulletin_xl_pib_build_writes(client, demo_files, tmp_path):
    source, _ = demo_files
    reply = client.post(serve.BUILD_PATH, content=source.read_bytes())
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    served = tmp_path / "served.xlsx"
    served.write_bytes(reply.content)
    assert main(["build", str(source), "-o", str(tmp_path / "cli.xlsx")]) == 0
    got, want = sheets_of(served), sheets_of(tmp_path / "cli.xlsx")
    assert got["Results"] == want["Results"]
    assert got["Results"][0][:len(RESULTS_COLUMNS)] == list(RESULTS_COLUMNS) and len(got["Results"]) == 29
    assert list(got) == list(want)
    assert got == want  # every sheet, not only Results


def test_rebuild_bad_input_is_400_with_the_cli_message(client, demo_sheets, tmp_path, capsys):
    import copy

    from xl_pib.xlsx import write_sheets

    sheets = copy.deepcopy(demo_sheets)
    targets = sheets["Targets"]
    targets[4][targets[0].index("Measure")] = "cnt"
    bad = write_sheets(sheets, tmp_path / "bad.xlsx")
    reply = client.post(serve.BUILD_PATH, content=bad.read_bytes())
    assert reply.status_code == 400
    message = reply.json()["error"]
    capsys.readouterr()
    assert main(["build", str(bad), "-o", str(tmp_path / "never.xlsx")]) == 2
    assert capsys.readouterr().err.strip() == f"xl-pib: {message}"
    assert message.startswith("Targets row 5, column 'Measure': expected one of") and "'cnt'" in message
    assert f'{{"error": "{message}"}}' in PAGE  # the documented example is the real answer


def test_rebuild_of_something_that_is_not_a_workbook_is_400(client):
    reply = client.post(serve.BUILD_PATH, content=b"Month,Indicator,Value\n2009-11,NI16,12\n")
    assert reply.status_code == 400
    assert "expected a readable .xlsx or .xlsm workbook" in reply.json()["error"]


def test_rebuild_of_an_oversized_body_is_413(client):
    too_big = b"\0" * (UPLOAD_LIMIT_MB * 1_000_000 + 1)
    reply = client.post(serve.BUILD_PATH, content=too_big)
    assert reply.status_code == 413
    assert "XL_PIB_MAX_UPLOAD_MB" in reply.json()["detail"]
    streamed = client.post(serve.BUILD_PATH, content=iter([too_big[:1_500_000], too_big[1_500_000:]]))
    assert streamed.status_code == 413  # no Content-Length: counted as it arrives
    just_fits = client.post(serve.BUILD_PATH, content=iter([too_big[:1_500_000], too_big[1_500_000:-1]]))
    assert just_fits.status_code == 400 and "workbook" in just_fits.json()["error"]  # read, and found not a workbook


# --- load ----------------------------------------------------------------------------------------------------


def test_200_concurrent_custom_function_calls(server):
    cases = [("Above Target", "No", None), ("Below Target", "Yes", None), ("On Target", "No", "up"),
             (COLUMN_POSITIONS, COLUMN_TRENDS, None)]
    wants = [python_answer("PIB_RAG", *c) for c in cases]

    async def one(http, i):
        started = time.perf_counter()
        reply = await http.post("/xlwings/custom-functions-call", json=call_body("PIB_RAG", *cases[i % len(cases)]))
        return i, reply.status_code, reply.json().get("result"), time.perf_counter() - started

    async def all_at_once():
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
        async with httpx.AsyncClient(base_url=server.url, trust_env=False, timeout=120, limits=limits,
                                     headers=auth()) as http:
            return await asyncio.wait_for(asyncio.gather(*(one(http, i) for i in range(200))), timeout=300)

    answers = asyncio.run(all_at_once())
    assert len(answers) == 200
    errors = [(i, status, result) for i, status, result, _ in answers if status != 200]
    assert not errors, errors[:5]
    for i, _, result, _ in answers:
        assert same_answer(result, wants[i % len(cases)]), (i, result)
    latencies = sorted(seconds for *_, seconds in answers)
    p50, p99 = statistics.median(latencies), latencies[math.ceil(0.99 * len(latencies)) - 1]
    print(f"\n200 concurrent PIB_RAG calls: p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")


# --- the command ------------------------------------------------------------------------------------------------


def test_serve_without_a_licence_key_is_one_line_exit_2(tmp_path):
    env = {k: v for k, v in __import__("os").environ.items() if k != "XLWINGS_LICENSE_KEY"}
    done = subprocess.run([sys.executable, "-m", "xl_pib", "serve", "--port", "1"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.startswith("xl-pib: xlwings Server needs a licence key: set XLWINGS_LICENSE_KEY=noncommercial")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_the_docs_document_every_setting_and_run_the_same_routes():
    assert serve.BUILD_PATH in PAGE and "/xlwings/custom-functions-call" in PAGE
    assert "pip install 'xl-pib[server]'" in PAGE and "PolyForm Noncommercial" in PAGE
    assert "server-deployment.md#every-setting" in PAGE
    # Every setting's table is generated from serve.SETTINGS (docs/hooks/generate.py; tests/cli/test_docs.py).
    assert "<!-- generate: server-settings -->" in (ROOT / "docs" / "server-deployment.md").read_text()


def test_serve_module_imports_neither_xlwings_nor_the_server():
    code = "import sys, xl_pib.serve, xl_pib.cli; print(sorted(m for m in ('xlwings', 'xlwings_server', 'uvicorn') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
