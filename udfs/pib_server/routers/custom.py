"""xl-pib's own routes: ``POST /pib/build``, the headless rebuild, and ``GET /pib/user``.

xlwings Server includes ``router`` from ``routers/custom.py`` of its project folder. Both routes
sign the caller in with xlwings Server's own dependency (``dependencies.User``: the providers of
``XL_PIB_AUTH``, its global ``XLWINGS_AUTH_REQUIRED_ROLES``), before any of the body is read.

The rebuild is ``xl-pib build``'s own code (``xl_pib.build.build_bulletin``), so the bulletin is
the one the command writes, and bad input gets the command's one-line message:

- a caller signed in (401 otherwise, and always while the server has no sign-in) who holds the
  roles of ``XL_PIB_ROLES_REBUILD`` (403 otherwise);
- the body is the workbook's bytes (.xlsx, or a live .xlsm); over ``XL_PIB_MAX_UPLOAD_MB``: 413
  (``pib_server/asgi.py``, before the body is read);
- input errors: 400 ``{"error": "Targets row 5, column 'Measure': expected ..."}``, the text
  ``xl-pib build`` prints after ``xl-pib:``;
- success: 200 with the bulletin as an attachment.

``GET /pib/user`` says who the server takes the caller to be; the task pane checks a token
with it before keeping it.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from xlwings_server import dependencies as dep
from xlwings_server.config import settings
from xlwings_server.models import User

from xl_pib import serve_settings as config
from xl_pib.errors import PibError, one_line

logger = logging.getLogger(__name__)

router = APIRouter(prefix=settings.app_path)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A build is CPU-bound Python: threads share one core under the GIL, so ten at once all finish
# at the end. One at a time per process finishes the first sooner, at the same throughput, with
# one workbook in memory instead of ten. (XL_PIB_WORKERS adds processes for more cores.)
_ONE_BUILD_AT_A_TIME = asyncio.Semaphore(1)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def rebuilder(current_user: dep.User) -> User:
    """The signed-in caller, if the server has sign-in and they hold the rebuild's roles."""
    if not settings.auth_providers:
        # Anonymous rebuilds are never served: a rebuild takes a whole workbook and a core.
        raise HTTPException(401, "the rebuild needs sign-in, and this server has none (XL_PIB_AUTH)",
                            headers={"WWW-Authenticate": "Bearer"})
    needed = config.route_roles("rebuild")
    if not await current_user.has_required_roles(needed):
        missing = ", ".join(sorted(set(needed) - set(current_user.roles)))
        raise HTTPException(403, f"the rebuild needs the role {missing} (XL_PIB_ROLES_REBUILD), which "
                                 f"{current_user.name} does not have")
    return current_user


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
async def build(request: Request, caller: Annotated[User, Depends(rebuilder)]):
    workbook = await request.body()  # within XL_PIB_MAX_UPLOAD_MB: asgi.py answered 413 to anything larger
    if not workbook:
        return _error(400, "the request body is empty: POST the input workbook's bytes")
    logger.info("rebuild for %s (%d bytes)", caller.name, len(workbook))
    try:
        async with _ONE_BUILD_AT_A_TIME:
            bulletin = await run_in_threadpool(rebuild, workbook)  # off the event loop: functions keep answering
    except PibError as error:
        return _error(400, one_line(error))
    except Exception as error:  # noqa: BLE001 - one line for the caller, the traceback for the log
        logger.exception("rebuild failed")
        return _error(500, one_line(error))
    return Response(bulletin, media_type=XLSX, headers={"Content-Disposition": 'attachment; filename="bulletin.xlsx"'})


@router.get(config.USER_PATH)
async def user(current_user: dep.User):
    return {"name": current_user.name, "roles": current_user.roles}
