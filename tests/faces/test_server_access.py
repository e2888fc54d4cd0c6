"""Serving beyond loopback safely (issue 19): sign-in on every route that computes, a body limit on every
route, a time limit per function call, and no bind beyond loopback without sign-in.

Real servers (``xl-pib serve`` in a child process, uvicorn, xlwings Server) with real clients: httpx,
http.client (to declare a body and send none of it) and node running the add-in's own ``auth.js``.
The routes are those the real app registers, listed by the app itself, so a route added by an xlwings
Server upgrade fails here until it is classed as public or signed-in.

- ``signed_in``: ``XL_PIB_AUTH=token`` with three named tokens (``XL_PIB_TOKENS_FILE``) carrying roles,
  the functions and Refresh needing ``pib.analyst``, the rebuild ``pib.central``; listening on 0.0.0.0
  (reached through 127.0.0.1), which sign-in allows;
- ``open_server``: no sign-in, loopback, a 0.1 s limit per function call;
- ``mixed``: ``XL_PIB_AUTH=entraid,token`` (Entra ID ids made up: no request here carries a bearer token
  to the Entra ID provider, which would fetch Microsoft's keys over the network).
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

if importlib.util.find_spec("xlwings_server") is None:  # not imported here: it would switch xlwings to server mode
    pytest.skip("xlwings Server is not installed: pip install -e '.[dev]'", allow_module_level=True)
httpx = pytest.importorskip("httpx")

from test_refresh_macro import make_payload, read_book  # noqa: E402
from xl_pib import serve  # noqa: E402
from xl_pib.cli import main  # noqa: E402

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[2]
WORKBOOK = ROOT / "workbook" / "pib_bulletin.xlsm"
AUTH_JS = ROOT / "udfs" / "pib_server" / "static" / "js" / "auth.js"
LICENCE = {"XLWINGS_LICENSE_KEY": "noncommercial"}
TOKENS = {"visitor": "visitor-token-for-loopback-tests", "analyst": "analyst-token-for-loopback-tests",
          "central": "central-team-token-for-loopback"}
ROLES = {"visitor": [], "analyst": ["pib.analyst"], "central": ["pib.analyst", "pib.central"]}
WRONG = "not-the-token-of-anyone-here-at-all"
UPLOAD_MB, CALL_MB = 2, 1
UPLOAD_LIMIT, CALL_LIMIT = UPLOAD_MB * 1_000_000, CALL_MB * 1_000_000
RAG_CALL = {"client": "Office.js", "version": "0.37.8", "func_name": "PIB_RAG",
            "args": [[["Above Target"]], [["No"]], None], "caller_address": "[pib_bulletin.xlsm]Sheet1!A1",
            "culture_info_name": "en-US", "date_format": "M/d/yyyy", "runtime": "1.4"}

# Every route of the app: public (the add-in's manifest, task pane, static files and their metadata,
# the health check) or signed in (everything that computes, rebuilds or says who the caller is).
PUBLIC = {("GET", "/"), ("HEAD", "/"), ("GET", "/favicon.ico"), ("GET", "/xlwings/alert"),
          ("GET", "/xlwings/custom-functions-meta.json"), ("GET", "/xlwings/custom-functions-meta"),
          ("GET", "/xlwings/custom-functions-code.js"), ("GET", "/xlwings/custom-functions-code"),
          ("GET", "/xlwings/custom-scripts-meta.json"), ("GET", "/xlwings/custom-scripts-meta"),
          ("GET", "/taskpane.html"), ("GET", "/taskpane"), ("GET", "/manifest.xml"), ("GET", "/manifest"),
          ("GET", "/manifest/download"), ("GET", "/static")}
SIGNED_IN = {("POST", "/xlwings/custom-functions-call"), ("POST", "/xlwings/custom-scripts-call/{script_name}"),
             ("POST", serve.BUILD_PATH), ("GET", "/pib/user")}
CONCRETE = {"/xlwings/custom-scripts-call/{script_name}": "/xlwings/custom-scripts-call/refresh",
            "/static": "/static/js/auth.js",
            "/xlwings/alert": "/xlwings/alert?prompt=p&title=t&buttons=ok&mode=info&callback=c"}

LIST_ROUTES = """
import json
from fastapi.routing import APIRoute
from starlette.routing import Mount
import pib_server.asgi
from xlwings_server.main import app

def walk(routes):
    for route in routes:
        inner = getattr(route, "original_router", None)  # FastAPI >= 0.16x wraps included routers
        if inner is not None:
            yield from walk(inner.routes)
        elif isinstance(route, Mount):
            yield "GET", route.path
        elif isinstance(route, APIRoute):
            yield from ((method, route.path) for method in route.methods)

print(json.dumps(sorted(set(walk(app.routes)))))
"""


def _path(route: tuple[str, str]) -> str:
    return CONCRETE.get(route[1], route[1])


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def tokens_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tokens") / "tokens.toml"
    path.write_text("".join(f'[[token]]\nname = "{who}"\ntoken = "{TOKENS[who]}"\nroles = {json.dumps(ROLES[who])}\n\n'
                            for who in TOKENS), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def signed_in_env(tokens_file) -> dict:
    return {**LICENCE, "XL_PIB_AUTH": "token", "XL_PIB_TOKENS_FILE": str(tokens_file),
            "XL_PIB_ROLES_FUNCTIONS": "pib.analyst", "XL_PIB_ROLES_REFRESH": "pib.analyst",
            "XL_PIB_ROLES_REBUILD": "pib.central", "XL_PIB_MAX_UPLOAD_MB": str(UPLOAD_MB),
            "XL_PIB_MAX_CALL_MB": str(CALL_MB)}


@pytest.fixture(scope="module")
def signed_in(signed_in_env):
    with serve.ServerProcess(signed_in_env, host="0.0.0.0") as running:
        yield running


@pytest.fixture(scope="module")
def client(signed_in):
    with httpx.Client(base_url=signed_in.url, trust_env=False, timeout=120) as http_client:
        yield http_client


@pytest.fixture(scope="module")
def routes(signed_in_env) -> set[tuple[str, str]]:
    """The app's routes as the app registers them, in a process configured as the server is."""
    env = {**os.environ, **signed_in_env, "XLWINGS_ON_SERVER": "true", "XLWINGS_PROJECT_DIR": str(serve.project_dir()),
           "XLWINGS_AUTH_PROVIDERS": '["token"]'}
    done = subprocess.run([sys.executable, "-c", LIST_ROUTES], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return {tuple(r) for r in json.loads(done.stdout)}


@pytest.fixture(scope="module")
def demo_input(demo_files) -> bytes:
    return demo_files[0].read_bytes()


@pytest.fixture(scope="module")
def refresh_payload() -> dict:
    return make_payload(read_book(WORKBOOK), WORKBOOK.name)


def right_request(route, demo_input, refresh_payload) -> dict:
    """The request each signed-in route answers 200 to, given the right token."""
    return {("POST", "/xlwings/custom-functions-call"): {"json": RAG_CALL},
            ("POST", "/xlwings/custom-scripts-call/{script_name}"): {"json": refresh_payload},
            ("POST", serve.BUILD_PATH): {"content": demo_input},
            ("GET", "/pib/user"): {}}[route]


# --- every route, with and without credentials -----------------------------------------------------


def test_every_route_is_public_or_signed_in(routes):
    assert routes == PUBLIC | SIGNED_IN, {"unclassed": sorted(routes - PUBLIC - SIGNED_IN),
                                          "gone": sorted((PUBLIC | SIGNED_IN) - routes)}


@pytest.mark.parametrize("route", sorted(SIGNED_IN), ids=lambda r: f"{r[0]} {r[1]}")
@pytest.mark.parametrize("credentials", ["none", "wrong", "not-bearer"])
def test_a_signed_in_route_without_the_token_is_401_with_a_one_line_reason(client, route, credentials, demo_input,
                                                                            refresh_payload):
    headers = {"none": {}, "wrong": bearer(WRONG), "not-bearer": {"Authorization": TOKENS["central"]}}[credentials]
    reply = client.request(route[0], _path(route), headers=headers, **right_request(route, demo_input, refresh_payload))
    assert reply.status_code == 401, reply.text
    assert reply.headers["www-authenticate"] == "Bearer"
    reason = reply.json()["detail"]
    assert "\n" not in reason and len(reason) < 200
    assert {"none": "needs sign-in", "wrong": "not accepted", "not-bearer": "Bearer <token>"}[credentials] in reason
    assert "task pane" in reason


@pytest.mark.parametrize("route", sorted(SIGNED_IN), ids=lambda r: f"{r[0]} {r[1]}")
def test_a_signed_in_route_with_the_right_token_is_200(client, route, demo_input, refresh_payload):
    reply = client.request(route[0], _path(route), headers=bearer(TOKENS["central"]),
                         **right_request(route, demo_input, refresh_payload))
    assert reply.status_code == 200, reply.text[:300]
    if route[1] == "/xlwings/custom-functions-call":
        assert reply.json() == {"result": [["R"]]}
    elif route[1] == serve.BUILD_PATH:
        assert reply.content[:2] == b"PK"  # the bulletin workbook
    elif route[1] == "/pib/user":
        assert reply.json() == {"name": "central", "roles": ROLES["central"]}
    else:
        assert reply.json()["actions"]  # what Refresh writes


@pytest.mark.parametrize("route", sorted(PUBLIC), ids=lambda r: f"{r[0]} {r[1]}")
def test_a_public_route_answers_without_credentials(client, route):
    reply = client.request(route[0], _path(route))
    assert reply.status_code == 200, reply.text[:300]


@pytest.mark.parametrize("who, functions, refresh, rebuild", [
    ("visitor", 400, 400, 403), ("analyst", 200, 200, 403), ("central", 200, 200, 200)])
def test_roles_per_route_limit_the_rebuild_to_the_central_team(client, who, functions, refresh, rebuild, demo_input,
                                                               refresh_payload):
    """XL_PIB_ROLES_*: xlwings Server's own per-function and per-script required_roles answer 400 'Access
    Denied' (its choice of status); the rebuild, xl-pib's own route, answers 403."""
    headers = bearer(TOKENS[who])
    got = [client.post("/xlwings/custom-functions-call", json=RAG_CALL, headers=headers),
           client.post("/xlwings/custom-scripts-call/refresh", json=refresh_payload, headers=headers),
           client.post(serve.BUILD_PATH, content=demo_input if rebuild == 200 else b"never read", headers=headers)]
    assert [r.status_code for r in got] == [functions, refresh, rebuild], [r.text[:200] for r in got]
    if functions == 400:
        assert got[0].text.startswith("Access Denied") and "pib.analyst" in got[0].text
    if rebuild == 403:
        assert "pib.central" in got[2].json()["detail"] and "XL_PIB_ROLES_REBUILD" in got[2].json()["detail"]


def test_the_task_pane_asks_for_the_token_and_auth_js_is_the_add_ins_own(client):
    taskpane = client.get("/taskpane.html").text
    assert 'id="pib-token-form"' in taskpane and 'type="password"' in taskpane
    config = json.loads(taskpane.split('<script id="config" type="application/json">')[1].split("</script>")[0])
    assert config["authProviders"] == ["token"]
    served = client.get("/static/js/auth.js").text
    assert served == AUTH_JS.read_text()


# --- the add-in's auth.js, run by node against the real server ----------------------------------------


NODE_CLIENT = """
globalThis.config = {authProviders: ["token"], appPath: ""};
require(process.argv[1]);
const [url, token, wrong] = process.argv.slice(2);
const call = async (auth) => (await fetch(url + "/xlwings/custom-functions-call", {
  method: "POST", body: JSON.stringify(JSON.parse(process.env.RAG_CALL)),
  headers: {"Content-Type": "application/json", Authorization: auth.token, "Auth-Provider": auth.provider}}));
(async () => {
  const out = {};
  const early = globalThis.getAuth();          // before the token is entered: waits for it
  const rejected = await (async () => { const r = await fetch(url + "/pib/user",
      {headers: {Authorization: "Bearer " + wrong, "Auth-Provider": "token"}}); return r.status; })();
  setTimeout(() => globalThis.pibToken.set(token), 200);
  const auth = await early;
  out.auth = auth;
  out.rejected = rejected;
  const reply = await call(auth);
  out.status = reply.status;
  out.body = await reply.json();
  out.again = (await globalThis.getAuth()).token;  // asked once: kept for the session
  console.log(JSON.stringify(out));
})();
"""


def test_auth_js_waits_for_the_token_once_and_sends_it_with_every_call(signed_in):
    import shutil

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (apt-get install nodejs): the add-in's auth.js is not run here")
    done = subprocess.run([node, "-e", NODE_CLIENT, str(AUTH_JS), signed_in.url, TOKENS["analyst"], WRONG],
                          env={**os.environ, "RAG_CALL": json.dumps(RAG_CALL)}, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["auth"] == {"token": f"Bearer {TOKENS['analyst']}", "provider": "token"}
    assert out["rejected"] == 401
    assert (out["status"], out["body"]) == (200, {"result": [["R"]]})
    assert out["again"] == f"Bearer {TOKENS['analyst']}"


# --- limits on every route ----------------------------------------------------------------------------


def declared_only(url: str, method: str, path: str, length: int, headers: dict) -> tuple[int, float, dict]:
    """Send a request's headers declaring a ``length``-byte body, and none of the body; (status, seconds, JSON)."""
    where = urlparse(url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
    started = time.perf_counter()
    try:
        connection.putrequest(method, path)
        for name, value in {**headers, "Content-Type": "application/json", "Content-Length": str(length)}.items():
            connection.putheader(name, value)
        connection.endheaders()
        answer = connection.getresponse()
        body = answer.read()  # empty for HEAD
        return answer.status, time.perf_counter() - started, json.loads(body) if body else {}
    finally:
        connection.close()


@pytest.mark.parametrize("route", sorted(PUBLIC | SIGNED_IN), ids=lambda r: f"{r[0]} {r[1]}")
def test_every_route_answers_413_to_a_declared_oversized_body_before_any_of_it_arrives(signed_in, route):
    limit, name = (UPLOAD_LIMIT, "XL_PIB_MAX_UPLOAD_MB") if route[1] == serve.BUILD_PATH else \
        (CALL_LIMIT, "XL_PIB_MAX_CALL_MB")
    status, seconds, body = declared_only(signed_in.url, route[0], _path(route), 1_000 * limit,
                                          bearer(TOKENS["central"]))
    assert status == 413 and seconds < 1, (status, seconds)
    assert route[0] == "HEAD" or name in body["detail"]


def peak_memory_from_now(server):
    """The server's resident memory now, and a function giving its peak since then (Linux: /proc)."""
    status = Path(f"/proc/{server.process.pid}/status")
    if not status.exists():
        pytest.skip("no /proc: the server's peak memory is measured on Linux only")

    def read(key: str) -> int:
        line = next(line for line in status.read_text().splitlines() if line.startswith(key + ":"))
        return int(line.split()[1]) * 1024

    Path(f"/proc/{server.process.pid}/clear_refs").write_text("5")  # peak (VmHWM) := now
    return read("VmRSS"), lambda: read("VmHWM")


@pytest.mark.parametrize("path, chunked", [("/xlwings/custom-functions-call", False),
                                           ("/xlwings/custom-functions-call", True),
                                           ("/xlwings/custom-scripts-call/refresh", False),
                                           (serve.BUILD_PATH, False), (serve.BUILD_PATH, True)],
                         ids=["call", "call-chunked", "refresh", "rebuild", "rebuild-chunked"])
def test_an_oversized_body_sent_whole_is_413_in_under_a_second_and_never_held_in_memory(signed_in, client, path,
                                                                                           chunked):
    size = 32_000_000  # 16 times the rebuild's limit, 32 times the calls'
    body = b"0" * size
    content = (body[i:i + 1_000_000] for i in range(0, size, 1_000_000)) if chunked else body
    before, peak = peak_memory_from_now(signed_in)
    started = time.perf_counter()
    reply = client.post(path, content=content, headers=bearer(TOKENS["central"]))
    seconds = time.perf_counter() - started
    grown = peak() - before
    print(f"\n{path} ({'chunked' if chunked else 'Content-Length'}): 413 in {seconds * 1000:.0f} ms, "
          f"server's peak memory {grown / 1e6:+.1f} MB for a {size / 1e6:.0f} MB body")
    assert reply.status_code == 413 and seconds < 1
    assert grown < size / 4  # at most the route's limit is read (a chunked body, up to where it passes it)


def test_a_body_at_the_limit_is_served(client):
    """The limit is the limit: a function call padded to exactly XL_PIB_MAX_CALL_MB is answered."""
    text = json.dumps(RAG_CALL)
    exact = text[:-1] + " " * (CALL_LIMIT - len(text)) + "}"
    assert len(exact.encode()) == CALL_LIMIT
    reply = client.post("/xlwings/custom-functions-call", content=exact, headers={
        **bearer(TOKENS["analyst"]), "Content-Type": "application/json"})
    assert reply.status_code == 200 and reply.json() == {"result": [["R"]]}


# --- without sign-in: loopback only --------------------------------------------------------------------


@pytest.fixture(scope="module")
def open_server():
    env = {**LICENCE, "XL_PIB_FUNCTION_TIMEOUT_S": "0.1", "XL_PIB_MAX_CALL_MB": "12"}
    with serve.ServerProcess(env) as running:
        yield running


def test_without_sign_in_the_functions_answer_on_loopback_and_the_rebuild_never(open_server, demo_input):
    with httpx.Client(base_url=open_server.url, trust_env=False, timeout=60) as client:
        assert client.post("/xlwings/custom-functions-call", json=RAG_CALL).json() == {"result": [["R"]]}
        assert client.get("/pib/user").json() == {"name": "Anonymous", "roles": []}
        rebuild = client.post(serve.BUILD_PATH, content=demo_input)
        assert rebuild.status_code == 401 and "XL_PIB_AUTH" in rebuild.json()["detail"]
        assert 'id="pib-token-form"' not in client.get("/taskpane.html").text
    assert "no sign-in (loopback only)" in open_server.output()


def test_the_memory_measure_sees_a_body_that_is_held(open_server):
    """The control for the test above: a 10 MB call within this server's 12 MB limit is read whole,
    and the peak shows it."""
    text = json.dumps(RAG_CALL)
    padded = text[:-1] + " " * (10_000_000 - len(text)) + "}"
    before, peak = peak_memory_from_now(open_server)
    with httpx.Client(base_url=open_server.url, trust_env=False, timeout=60) as client:
        reply = client.post("/xlwings/custom-functions-call", content=padded, headers={"Content-Type": "application/json"})
    assert reply.json() == {"result": [["R"]]}
    assert peak() - before > 10_000_000


def test_a_function_call_past_its_time_limit_gets_a_message_and_the_server_keeps_answering(open_server):
    """PIB_NARRATIVE over 150,000 cells computes for several times the 0.1 s limit (XL_PIB_FUNCTION_TIMEOUT_S)."""
    cells = 150_000
    heavy = {**RAG_CALL, "func_name": "PIB_NARRATIVE",
             "args": [[["Vehicle Crime"]] * cells, [["Below Target"]], [["Yes"]], [["In Line"]], None]}
    with httpx.Client(base_url=open_server.url, trust_env=False, timeout=60) as client:
        started = time.perf_counter()
        reply = client.post("/xlwings/custom-functions-call", json=heavy)
        seconds = time.perf_counter() - started
        assert reply.status_code == 200
        assert reply.json()["result"] == [["PIB_NARRATIVE: took longer than 0.1 s, the server's limit for one call "
                                           "(XL_PIB_FUNCTION_TIMEOUT_S): use smaller ranges"]]
        assert client.get("/").json() == {"status": "ok"}  # while the late computation finishes in its thread
        assert client.post("/xlwings/custom-functions-call", json=RAG_CALL).json() == {"result": [["R"]]}
    print(f"\nPIB_NARRATIVE over {cells} cells: answered in {seconds:.2f} s with the time-limit message")
    assert "took longer than 0.1 s" in open_server.output()


def test_xl_pib_health_says_whether_the_server_answers(open_server, capsys):
    assert main(["health", "--url", open_server.url + "/"]) == 0
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{closed.getsockname()[1]}/"
    assert main(["health", "--url", nowhere]) == 1
    assert capsys.readouterr().err == f"xl-pib: no healthy server at {nowhere}\n"


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_a_bind_beyond_loopback_without_sign_in_is_refused_in_one_line(host):
    env = {k: v for k, v in os.environ.items() if not k.startswith("XL_PIB_")} | LICENCE
    done = subprocess.run([sys.executable, "-m", "xl_pib", "serve", "--host", host, "--port", str(serve.free_port())],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == (f"xl-pib: refusing to serve on {host} without sign-in: set XL_PIB_AUTH=token and "
                           "XL_PIB_TOKEN (or XL_PIB_AUTH=entraid), or pass --insecure to serve everyone who can "
                           "reach the port\n")


def test_insecure_serves_beyond_loopback_without_sign_in_and_says_so():
    with serve.ServerProcess(LICENCE, host="0.0.0.0", args=("--insecure",)) as running:
        with httpx.Client(base_url=running.url, trust_env=False, timeout=60) as client:
            assert client.post("/xlwings/custom-functions-call", json=RAG_CALL).json() == {"result": [["R"]]}
        assert "NO SIGN-IN: anyone who can reach the port can call every function (--insecure)" in running.output()


# --- Entra ID beside the token -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mixed():
    env = {**LICENCE, "XL_PIB_AUTH": "entraid,token", "XL_PIB_TOKEN": TOKENS["analyst"],
           "XLWINGS_AUTH_ENTRAID_CLIENT_ID": "11111111-2222-4333-8444-555555555555",
           "XLWINGS_AUTH_ENTRAID_TENANT_ID": "66666666-7777-4888-9999-000000000000"}
    with serve.ServerProcess(env) as running:
        yield running


def test_entra_id_is_xlwings_servers_own_provider_and_the_manifest_asks_office_for_sign_in(mixed):
    with httpx.Client(base_url=mixed.url, trust_env=False, timeout=60) as client:
        manifest = client.get("/manifest.xml").text
        assert "<WebApplicationInfo>" in manifest and "<Id>11111111-2222-4333-8444-555555555555</Id>" in manifest
        unsigned = client.post("/xlwings/custom-functions-call", json=RAG_CALL, headers={"Auth-Provider": "entraid"})
        assert unsigned.status_code == 401 and "Bearer" in unsigned.json()["detail"]
        token = client.post("/xlwings/custom-functions-call", json=RAG_CALL,
                            headers={**bearer(TOKENS["analyst"]), "Auth-Provider": "token"})
        assert token.json() == {"result": [["R"]]}
        # Two providers: xlwings Server needs the Auth-Provider header to know which one to ask.
        neither = client.post("/xlwings/custom-functions-call", json=RAG_CALL)
        assert neither.status_code == 400 and "Auth-Provider" in neither.json()["detail"]
        assert 'id="pib-token-form"' not in client.get("/taskpane.html").text  # Entra ID signs analysts in
