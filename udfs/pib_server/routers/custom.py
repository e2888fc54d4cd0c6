"""``POST /pib/build``: the headless rebuild. An input workbook in, the built bulletin .xlsx out.

xlwings Server includes ``router`` from ``routers/custom.py`` of its project folder. The build
is ``xl-pib build``'s own code (``xl_pib.build.build_bulletin``), so the bulletin is the one the command
writes, and bad input gets the command's one-line message:

- ``Authorization: Bearer <XL_PIB_TOKEN>`` is required: 401 otherwise (and while no token is set);
- the body is the workbook's bytes (.xlsx, or a live .xlsm); over ``XL_PIB_MAX_UPLOAD_MB``: 413;
- input errors: 400 ``{"error": "Targets row 5, column 'Measure': expected ..."}``, the text
  ``xl-pib build`` prints after ``xl-pib:``;
- success: 200 with the bulletin as an attachment.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from xlwings_server.config import settings

from xl_pib import serve as config
from xl_pib.errors import PibError, one_line

logger = logging.getLogger(__name__)

router = APIRouter(prefix=settings.app_path)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A build is CPU-bound Python: threads share one core under the GIL, so ten at once all finish
# at the end. One at a time per process finishes the first sooner, at the same throughput, with
# one workbook in memory instead of ten. (XL_PIB_WORKERS adds processes for more cores.)
_ONE_BUILD_AT_A_TIME = asyncio.Semaphore(1)


def _error(status: int, message: str, **headers) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _authorised(request: Request) -> bool:
    token = config.rebuild_token()
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and secrets.compare_digest(given.strip(), token)


async def _body_within(request: Request, limit: int) -> bytes | None:
    """The request body, or None as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():  # a body without Content-Length is counted as it comes
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def rebuild(workbook: bytes) -> bytes:
    """The bulletin for an input workbook's bytes, built exactly as ``xl-pib build IN -o OUT.xlsx``."""
    from xl_pib.build import build_bulletin

    with tempfile.TemporaryDirectory(prefix="xl-pib-build-") as folder:
        source, output = Path(folder, "input.xlsx"), Path(folder, "bulletin.xlsx")
        source.write_bytes(workbook)
        assessment = build_bulletin(source, output)
        for line in assessment.warnings:  # the CLI prints these; the server keeps them in its log
            logger.warning("rebuild: %s", line)
        return output.read_bytes()


@router.post(config.BUILD_PATH)
async def build(request: Request):
    if not _authorised(request):
        reason = "a valid bearer token" if config.rebuild_token() else "a token set on the server (XL_PIB_TOKEN)"
        return _error(401, f"the rebuild endpoint needs {reason}", **{"WWW-Authenticate": "Bearer"})
    limit = config.max_upload_bytes()
    workbook = await _body_within(request, limit)
    if workbook is None:
        return _error(413, f"the workbook is larger than the server accepts ({limit / 1e6:g} MB, XL_PIB_MAX_UPLOAD_MB)")
    if not workbook:
        return _error(400, "the request body is empty: POST the input workbook's bytes")
    try:
        async with _ONE_BUILD_AT_A_TIME:
            bulletin = await run_in_threadpool(rebuild, workbook)  # off the event loop: functions keep answering
    except PibError as error:
        return _error(400, one_line(error))
    except Exception as error:  # noqa: BLE001 - one line for the caller, the traceback for the log
        logger.exception("rebuild failed")
        return _error(500, one_line(error))
    return Response(bulletin, media_type=XLSX, headers={"Content-Disposition": 'attachment; filename="bulletin.xlsx"'})
