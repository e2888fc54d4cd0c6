"""``xl-pib serve``: Excel without local Python, through xlwings Server and an Office.js add-in.

One server brings the ``=PIB_`` functions and the Refresh button to every analyst (Excel on
Windows, Mac or the web, no Python on their PC), and rebuilds bulletins headlessly on request
(``POST /pib/build``). The server is xlwings Server running the project folder
``udfs/pib_server`` (installed as the ``pib_server`` package): see that package for what it holds.

xlwings Server is an optional extra (``pip install 'xl-pib[server]'``) under the PolyForm
Noncommercial licence or a commercial licence, so this module imports neither it nor xlwings
at import time: the engine stays importable without them.

Configuration comes from environment variables (see :data:`SETTINGS`); xlwings Server's own
``XLWINGS_*`` settings apply as well.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from .errors import UsageError

# Environment variables read by xl-pib's server, with their defaults (documented in the README).
SETTINGS = {
    "XLWINGS_LICENSE_KEY": ("", "required: 'noncommercial' (PolyForm Noncommercial) or a commercial key"),
    "XL_PIB_TOKEN": ("", "bearer token for POST /pib/build; unset: the endpoint refuses every request"),
    "XL_PIB_MAX_UPLOAD_MB": ("20", "largest input workbook POST /pib/build accepts, in MB"),
    "XL_PIB_HOST": ("127.0.0.1", "default for --host"),
    "XL_PIB_PORT": ("8000", "default for --port"),
    "XL_PIB_WORKERS": ("1", "server processes: more serve concurrent rebuilds on more cores"),
    "XL_PIB_SSL_CERTFILE": ("", "certificate (PEM) to serve HTTPS, as Office requires"),
    "XL_PIB_SSL_KEYFILE": ("", "its private key (PEM)"),
}

BUILD_PATH = "/pib/build"


def setting(name: str) -> str:
    return os.environ.get(name, SETTINGS[name][0])


def rebuild_token() -> str:
    return setting("XL_PIB_TOKEN")


def max_upload_bytes() -> int:
    text = setting("XL_PIB_MAX_UPLOAD_MB")
    try:
        megabytes = float(text)
    except ValueError:
        raise UsageError(f"XL_PIB_MAX_UPLOAD_MB: expected a number of megabytes; got {text!r}") from None
    if megabytes <= 0:
        raise UsageError(f"XL_PIB_MAX_UPLOAD_MB: expected a positive number of megabytes; got {text!r}")
    return int(megabytes * 1_000_000)


def workers() -> int:
    text = setting("XL_PIB_WORKERS")
    if not text.isdigit() or int(text) < 1:
        raise UsageError(f"XL_PIB_WORKERS: expected a whole number of processes, at least 1; got {text!r}")
    return int(text)


def project_dir() -> Path:
    """The xlwings Server project folder (udfs/pib_server), found without importing xlwings."""
    import importlib.util

    spec = importlib.util.find_spec("pib_server")
    if spec is None or not spec.submodule_search_locations:
        raise UsageError("the server project 'pib_server' is not installed with xl-pib (reinstall xl-pib)")
    return Path(next(iter(spec.submodule_search_locations))).resolve()


def server_environment() -> dict[str, str]:
    """The environment xlwings Server needs, checked: licence key, server mode, project folder.

    ``XLWINGS_ON_SERVER`` must be set before xlwings is first imported, or ``@xw.func`` is
    desktop xlwings' decorator and no function is registered.
    """
    if "xlwings" in sys.modules and not getattr(sys.modules["xlwings"], "on_server", False):
        raise UsageError("xlwings was imported before the server was configured: run 'xl-pib serve' in a new process")
    environ = dict(os.environ)
    if not environ.get("XLWINGS_LICENSE_KEY"):
        raise UsageError("xlwings Server needs a licence key: set XLWINGS_LICENSE_KEY=noncommercial (free under the "
                         "PolyForm Noncommercial licence, which covers government and public-safety bodies) or to "
                         "your commercial xlwings key")
    environ["XLWINGS_ON_SERVER"] = "true"
    environ["XLWINGS_PROJECT_DIR"] = str(project_dir())
    return environ


def serve(host: str | None = None, port: int | None = None) -> int:
    """Run xlwings Server with the xl-pib project in this process until interrupted."""
    import importlib.util

    host = host or setting("XL_PIB_HOST")
    if port is None:
        text = setting("XL_PIB_PORT")
        if not text.isdigit():
            raise UsageError(f"XL_PIB_PORT: expected a port number; got {text!r}")
        port = int(text)

    if importlib.util.find_spec("xlwings_server") is None:
        raise UsageError("xlwings Server is not installed: pip install 'xl-pib[server]'")
    max_upload_bytes()  # a bad limit fails now, not at the first upload
    processes = workers()
    certfile, keyfile = setting("XL_PIB_SSL_CERTFILE"), setting("XL_PIB_SSL_KEYFILE")
    if bool(certfile) != bool(keyfile):
        raise UsageError("set both XL_PIB_SSL_CERTFILE and XL_PIB_SSL_KEYFILE to serve HTTPS, or neither")
    for path in filter(None, (certfile, keyfile)):
        if not Path(path).is_file():
            raise UsageError(f"{path}: no such certificate file")
    os.environ.update(server_environment())
    if processes > 1:
        # xlwings Server's socket.io (streaming functions, unused here) needs a message queue
        # across processes; plain HTTP calls, scripts and rebuilds do not.
        os.environ.setdefault("XLWINGS_ENABLE_SOCKETIO", "false")
    import uvicorn  # after the environment: uvicorn imports the app, which imports xlwings

    scheme = "https" if certfile else "http"
    print(f"xl-pib: serving the PIB add-in on {scheme}://{host}:{port} (manifest: {scheme}://{host}:{port}/manifest.xml)"
          + ("" if rebuild_token() else f"; {BUILD_PATH} is off until XL_PIB_TOKEN is set"), file=sys.stderr)
    uvicorn.run("xlwings_server.main:main_app", host=host, port=port, workers=processes,
                ssl_certfile=certfile or None, ssl_keyfile=keyfile or None)
    return 0


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


class ServerProcess(contextlib.AbstractContextManager):
    """``xl-pib serve`` in a child process on a free loopback port, for tests, benchmarks and scripts.

    ``with ServerProcess(env) as server: ... server.url ...``: the block starts once the server
    answers ``GET /``; leaving it stops the server. Its output goes to a log file, named in the
    error if it does not come up.
    """

    def __init__(self, env: dict[str, str] | None = None, host: str = "127.0.0.1", timeout: float = 120):
        self.env = {**os.environ, **(env or {})}
        self.host, self.port, self.timeout = host, free_port(host), timeout
        self.url = f"http://{host}:{self.port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> ServerProcess:
        self.log = tempfile.NamedTemporaryFile(prefix="xl-pib-serve-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "xl_pib", "serve", "--host", self.host, "--port", str(self.port)],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with direct.open(self.url + "/", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        output = self.output()
        self.__exit__(None, None, None)
        raise RuntimeError(f"xl-pib serve did not start on {self.url}; its output:\n{output[-4000:]}")

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)
