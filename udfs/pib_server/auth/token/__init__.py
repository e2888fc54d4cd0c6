"""The ``token`` provider (``XL_PIB_AUTH=token``): an xlwings Server custom authentication provider.

xlwings Server calls :func:`validate_token` with the ``Authorization`` header of every function
call, script call (Refresh) and xl-pib route (its ``dependencies.authenticate``). The add-in's
``static/js/auth.js`` sends ``Bearer <token>``, the token the analyst entered once in the task
pane; scripts send the same header (with ``Auth-Provider: token`` when Entra ID is on as well).

A token is ``XL_PIB_TOKEN`` or one of ``XL_PIB_TOKENS_FILE`` (with its roles), as
``xl_pib.serve_settings`` read and checked them when the server started.
"""

from __future__ import annotations

import functools
import secrets

from fastapi import HTTPException, status
from xlwings_server.models import User

from xl_pib import serve_settings

ENTER_IT = "enter the server's token in the PIB task pane, or send 'Authorization: Bearer <token>'"


@functools.cache
def _holders() -> tuple[serve_settings.TokenHolder, ...]:
    return serve_settings.token_holders()


def _refused(reason: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, reason, headers={"WWW-Authenticate": "Bearer"})


def holder_of(token: str) -> serve_settings.TokenHolder | None:
    """Who holds ``token``: every token is compared in constant time, so timing tells nothing."""
    given = token.encode()
    found = None
    for holder in _holders():
        if secrets.compare_digest(given, holder.token.encode()):
            found = holder
    return found


async def validate_token(token_string: str) -> User:
    scheme, _, token = token_string.strip().partition(" ")
    if not token_string.strip():
        raise _refused(f"this server needs sign-in: {ENTER_IT}")
    if scheme.lower() != "bearer" or not token.strip():
        raise _refused(f"expected 'Authorization: Bearer <token>': {ENTER_IT}")
    holder = holder_of(token.strip())
    if holder is None:
        raise _refused("the token was not accepted: check it with whoever runs the server, and enter it again "
                       "in the PIB task pane")
    return User(id=holder.name, name=holder.name, roles=list(holder.roles))
