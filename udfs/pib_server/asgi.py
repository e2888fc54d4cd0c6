"""The ASGI application ``xl-pib serve`` runs: xlwings Server's own, behind a limit on request bodies.

uvicorn has no body limit and xlwings Server reads every body whole, so this sits in front of
every route: ``XL_PIB_MAX_UPLOAD_MB`` for ``POST /pib/build``, ``XL_PIB_MAX_CALL_MB`` for every
other route. A larger body is answered 413 before it is read whole:

- a declared ``Content-Length`` over the limit is answered at once, before a byte of the body is
  read. A client that sent ``Expect: 100-continue`` (curl does, for large bodies) then never sends
  it; what other clients send anyway, uvicorn reads and drops once the answer is out, so it never
  sits in memory. uvicorn hands on no more than the declared length, so nothing else needs counting;
- a chunked body (no ``Content-Length``) is read up to the limit and answered 413 as soon as it
  passes it; below the limit it is handed on, read once.
"""

from __future__ import annotations

import json
import sys

# xlwings 0.37 asks of every cell of every function argument whether it is Pyodide's JsNull, by
# trying ``from pyodide.ffi import JsNull`` (xlwings.utils.is_jsnull). On a server that import
# fails every time, and a failed import searches sys.path: a 150,000-cell argument spent 10.6 s
# in xlwings' conversion, on the event loop and outside any time limit, against 2.3 s with
# Pyodide marked absent, which makes each of those imports fail at once. A server has no
# Pyodide, so nothing else changes.
for _name in ("pyodide", "pyodide.ffi"):
    sys.modules.setdefault(_name, None)

from xlwings_server.config import settings as xlwings_settings  # noqa: E402
from xlwings_server.main import main_app  # noqa: E402

from xl_pib import serve_settings as settings  # noqa: E402


class BodyLimit:
    """ASGI middleware: 413 for a request body over its route's limit, before it is read whole."""

    def __init__(self, app, rebuild_path: str, rebuild_limit: int, call_limit: int):
        self.app = app
        self.rebuild_path = rebuild_path
        self.limits = {True: (rebuild_limit, "XL_PIB_MAX_UPLOAD_MB"), False: (call_limit, "XL_PIB_MAX_CALL_MB")}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit, name = self.limits[scope["path"].rstrip("/") == self.rebuild_path]
        headers = {key.lower(): value for key, value in scope["headers"]}
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > limit:
                return await _too_large(send, limit, name)
            return await self.app(scope, receive, send)
        if b"chunked" not in headers.get(b"transfer-encoding", b"").lower():
            return await self.app(scope, receive, send)  # no body
        body, more = bytearray(), True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                return await _too_large(send, limit, name)
        return await self.app(scope, _replay(bytes(body), receive), send)


def _replay(body: bytes, receive):
    """A ``receive`` that hands on the body already read, then whatever the client sends next."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replayed():
        return pending.pop() if pending else await receive()

    return replayed


async def _too_large(send, limit: int, name: str) -> None:
    body = json.dumps({"detail": f"the request body is larger than this server accepts ({limit / 1e6:g} MB, "
                                 f"{name})"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


app = BodyLimit(main_app, xlwings_settings.app_path + settings.BUILD_PATH,
                settings.max_upload_bytes(), settings.max_call_bytes())
