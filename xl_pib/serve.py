"""``xl-pib serve``: Excel without local Python, through xlwings Server and an Office.js add-in.

One server brings the ``=PIB_`` functions and the Refresh button to every analyst (Excel on
Windows, Mac or the web, no Python on their PC), and rebuilds bulletins headlessly on request
(``POST /pib/build``). The server is xlwings Server running the project folder
``udfs/pib_server`` (installed as the ``pib_server`` package): see that package for what it holds.

xlwings Server is an optional extra (``pip install 'xl-pib[server]'``) under the PolyForm
Noncommercial licence or a commercial licence, so this module imports neither it nor xlwings
at import time: the engine stays importable without them.

Configuration comes from environment variables, read and checked in :mod:`xl_pib.serve_settings`
(sign-in, limits, roles); xlwings Server's own ``XLWINGS_*`` settings apply as well.
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

from . import serve_settings as settings
from .errors import UsageError
from .serve_settings import BUILD_PATH, SETTINGS  # noqa: F401 - the names tests, benchmarks and docs use


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


def serve(host: str | None = None, port: int | None = None, insecure: bool = False) -> int:
    """Run xlwings Server with the xl-pib project in this process until interrupted.

    Everything is checked first (licence, sign-in, limits, certificates), so a bad setting is one
    line before anything listens. Without sign-in the server stays on loopback unless ``insecure``.
    """
    import importlib.util

    host = host or settings.setting("XL_PIB_HOST")
    port = settings.port() if port is None else port
    if importlib.util.find_spec("xlwings_server") is None:
        raise UsageError("xlwings Server is not installed: pip install 'xl-pib[server]'")
    names = settings.checked_access(host, insecure)
    settings.max_upload_bytes(), settings.max_call_bytes(), settings.function_timeout()  # bad limits fail now
    processes = settings.workers()
    certfile, keyfile = settings.setting("XL_PIB_SSL_CERTFILE"), settings.setting("XL_PIB_SSL_KEYFILE")
    if bool(certfile) != bool(keyfile):
        raise UsageError("set both XL_PIB_SSL_CERTFILE and XL_PIB_SSL_KEYFILE to serve HTTPS, or neither")
    for path in filter(None, (certfile, keyfile)):
        if not Path(path).is_file():
            raise UsageError(f"{path}: no such certificate file")
    os.environ.update(server_environment())
    os.environ.update(settings.xlwings_auth_environment(names))
    import uvicorn  # after the environment: uvicorn imports the app, which imports xlwings

    scheme = "https" if certfile else "http"
    sign_in = f"sign-in: {', '.join(names)}" if names else (
        "NO SIGN-IN: anyone who can reach the port can call every function (--insecure)"
        if not settings.is_loopback(host) else "no sign-in (loopback only)")
    print(f"xl-pib: serving the PIB add-in on {scheme}://{host}:{port} "
          f"(manifest: {scheme}://{host}:{port}/manifest.xml); {sign_in}", file=sys.stderr)
    uvicorn.run("pib_server.asgi:app", host=host, port=port, workers=processes,
                ssl_certfile=certfile or None, ssl_keyfile=keyfile or None)
    return 0


def health_url() -> str:
    """The health check's address on this machine: the port and scheme ``xl-pib serve`` would use."""
    scheme = "https" if settings.setting("XL_PIB_SSL_CERTFILE") else "http"
    return f"{scheme}://127.0.0.1:{settings.port()}/"


def answers(url: str, timeout: float = 5) -> bool:
    """Whether the server at ``url`` answers its health check (``GET /``: 200 ``{"status": "ok"}``).

    Never through a proxy (it is this machine), and over HTTPS without checking the certificate,
    which names the server's public host name, not 127.0.0.1.
    """
    import json
    import ssl

    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context))
    try:
        with direct.open(url, timeout=timeout) as answer:
            return answer.status == 200 and json.loads(answer.read()) == {"status": "ok"}
    except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
        return False


def health(url: str | None = None, wait: float = 0) -> int:
    """``xl-pib health``: 0 if the server answers, else 1 with one line (for Docker's and systemd's checks).

    ``wait`` seconds: keep asking until it answers or the time is up (a service that is starting).
    """
    url = url or health_url()
    deadline = time.monotonic() + wait
    while not answers(url):
        if time.monotonic() >= deadline:
            print(f"xl-pib: no healthy server at {url}", file=sys.stderr)
            return 1
        time.sleep(0.5)
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

    def __init__(self, env: dict[str, str] | None = None, host: str = "127.0.0.1", timeout: float = 120,
                 args: tuple[str, ...] = ()):
        self.env = {**os.environ, **(env or {})}
        self.host, self.port, self.timeout, self.args = host, free_port(host), timeout, tuple(args)
        # A server listening on every address is still reached (by tests) through loopback.
        self.url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{self.port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> ServerProcess:
        self.log = tempfile.NamedTemporaryFile(prefix="xl-pib-serve-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "xl_pib", "serve", "--host", self.host, "--port", str(self.port), *self.args],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if answers(self.url + "/", timeout=2):
                return self
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
