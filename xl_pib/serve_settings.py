"""The settings of ``xl-pib serve``: environment variables, read and checked in one place.

``xl-pib serve`` checks every one of them before it listens, so a bad value is a one-line
:class:`~xl_pib.errors.UsageError` at the start, never a failure at the first call; the server
itself (``udfs/pib_server``) then reads them through the same functions. Standard library only:
the CLI imports this without xlwings.

Who may call the server is xlwings Server's own authentication. ``XL_PIB_AUTH`` names its
providers (it becomes ``XLWINGS_AUTH_PROVIDERS``): ``entraid``, xlwings Server's Microsoft Entra ID
provider, and ``token``, xl-pib's custom provider (``udfs/pib_server/auth/token``), which accepts
the tokens read here.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError

# Environment variables read by xl-pib's server, with their defaults (documented in docs/server-deployment.md).
SETTINGS = {
    "XLWINGS_LICENSE_KEY": ("", "required: 'noncommercial' (PolyForm Noncommercial) or a commercial key"),
    "XL_PIB_AUTH": ("", "sign-in for every route that computes: token, entraid, or token,entraid; "
                        "unset: none, and the server listens on loopback only"),
    "XL_PIB_TOKEN": ("", "with XL_PIB_AUTH=token: the token analysts enter once in the task pane "
                         "(at least 16 characters)"),
    "XL_PIB_TOKENS_FILE": ("", "with XL_PIB_AUTH=token: a TOML file of further named tokens, each with its roles"),
    "XL_PIB_ROLES_FUNCTIONS": ("", "roles a caller needs for the =PIB_ functions (comma-separated; "
                                   "unset: anyone signed in)"),
    "XL_PIB_ROLES_REFRESH": ("", "roles a caller needs for Refresh (comma-separated; unset: anyone signed in)"),
    "XL_PIB_ROLES_REBUILD": ("", "roles a caller needs for POST /pib/build, e.g. the central team's "
                                 "(comma-separated; unset: anyone signed in)"),
    "XL_PIB_MAX_UPLOAD_MB": ("20", "largest body POST /pib/build accepts (the input workbook), in MB"),
    "XL_PIB_MAX_CALL_MB": ("5", "largest body every other route accepts (a function call, the workbook "
                                "values Refresh sends), in MB"),
    "XL_PIB_FUNCTION_TIMEOUT_S": ("10", "longest a =PIB_ function call may take before its cell gets a message "
                                        "instead, in seconds"),
    "XL_PIB_HOST": ("127.0.0.1", "default for --host"),
    "XL_PIB_PORT": ("8000", "default for --port"),
    "XL_PIB_WORKERS": ("1", "server processes: more serve concurrent rebuilds on more cores"),
    "XL_PIB_SSL_CERTFILE": ("", "certificate (PEM) to serve HTTPS, as Office requires"),
    "XL_PIB_SSL_KEYFILE": ("", "its private key (PEM)"),
}

BUILD_PATH = "/pib/build"
USER_PATH = "/pib/user"

PROVIDERS = ("token", "entraid")
ROUTES = ("functions", "refresh", "rebuild")
MIN_TOKEN_LENGTH = 16
ENTRAID_SETTINGS = ("XLWINGS_AUTH_ENTRAID_CLIENT_ID", "XLWINGS_AUTH_ENTRAID_TENANT_ID")
MAKE_A_TOKEN = "python -c 'import secrets; print(secrets.token_urlsafe(24))'"


def setting(name: str) -> str:
    return os.environ.get(name, SETTINGS[name][0])


# --- numbers ---------------------------------------------------------------------------------------


def _positive_number(name: str, unit: str) -> float:
    text = setting(name)
    try:
        number = float(text)
    except ValueError:
        raise UsageError(f"{name}: expected a number of {unit}; got {text!r}") from None
    if not number > 0 or number == float("inf"):
        raise UsageError(f"{name}: expected a positive number of {unit}; got {text!r}")
    return number


def max_upload_bytes() -> int:
    """The largest body of POST /pib/build."""
    return int(_positive_number("XL_PIB_MAX_UPLOAD_MB", "megabytes") * 1_000_000)


def max_call_bytes() -> int:
    """The largest body of any other request."""
    return int(_positive_number("XL_PIB_MAX_CALL_MB", "megabytes") * 1_000_000)


def function_timeout() -> float:
    """Seconds one =PIB_ function call may take."""
    return _positive_number("XL_PIB_FUNCTION_TIMEOUT_S", "seconds")


def workers() -> int:
    text = setting("XL_PIB_WORKERS")
    if not text.isdigit() or int(text) < 1:
        raise UsageError(f"XL_PIB_WORKERS: expected a whole number of processes, at least 1; got {text!r}")
    return int(text)


def port() -> int:
    text = setting("XL_PIB_PORT")
    if not text.isdigit():
        raise UsageError(f"XL_PIB_PORT: expected a port number; got {text!r}")
    return int(text)


# --- who may call ----------------------------------------------------------------------------------


def providers() -> list[str]:
    """xlwings Server's authentication providers that ``XL_PIB_AUTH`` names (empty: no sign-in)."""
    text = setting("XL_PIB_AUTH")
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    if any(name not in PROVIDERS for name in names):
        raise UsageError(f"XL_PIB_AUTH: expected token, entraid or token,entraid; got {text!r}")
    return list(dict.fromkeys(names))


def route_roles(route: str) -> list[str]:
    """The roles a caller needs for one route (``XL_PIB_ROLES_FUNCTIONS`` ...); empty: anyone signed in."""
    return [role.strip() for role in setting(f"XL_PIB_ROLES_{route.upper()}").split(",") if role.strip()]


@dataclass(frozen=True)
class TokenHolder:
    """Whoever holds one token: a name for the server's log and the roles the token carries."""

    name: str
    token: str = field(repr=False)
    roles: tuple[str, ...] = ()


def token_holders() -> tuple[TokenHolder, ...]:
    """``XL_PIB_TOKEN`` (no roles), then the tokens of ``XL_PIB_TOKENS_FILE``; each checked."""
    holders = []
    if token := setting("XL_PIB_TOKEN"):
        holders.append(TokenHolder("XL_PIB_TOKEN", _checked_token(token, "XL_PIB_TOKEN")))
    if path := setting("XL_PIB_TOKENS_FILE"):
        holders += _tokens_file(Path(path))
    names, tokens = [h.name for h in holders], [h.token for h in holders]
    if len(set(tokens)) < len(tokens):
        raise UsageError("XL_PIB_TOKENS_FILE: every token must be different (and differ from XL_PIB_TOKEN)")
    if len(set(names)) < len(names):
        raise UsageError("XL_PIB_TOKENS_FILE: every token needs its own name")
    return tuple(holders)


def _checked_token(token: object, where: str) -> str:
    if not isinstance(token, str) or len(token) < MIN_TOKEN_LENGTH or any(c.isspace() for c in token) \
            or not token.isascii():
        raise UsageError(f"{where}: expected a token of at least {MIN_TOKEN_LENGTH} characters without spaces "
                         f"(make one with {MAKE_A_TOKEN})")
    return token


def _tokens_file(path: Path) -> list[TokenHolder]:
    """The named tokens of a TOML file: ``[[token]]`` tables of ``name``, ``token`` and ``roles``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(f"XL_PIB_TOKENS_FILE: cannot read {path}: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: expected a TOML file; {' '.join(str(error).split())}") from None
    entries = data.get("token")
    if set(data) != {"token"} or not isinstance(entries, list) or not entries:
        raise UsageError(f"{path}: expected [[token]] tables, each with name, token and roles")
    holders = []
    for number, entry in enumerate(entries, 1):
        where = f"{path}, token {number}"
        if not isinstance(entry, dict) or not set(entry) <= {"name", "token", "roles"}:
            raise UsageError(f"{where}: expected only name, token and roles")
        name, roles = entry.get("name"), entry.get("roles", [])
        if not isinstance(name, str) or not name.strip():
            raise UsageError(f"{where}: expected a name (who holds the token, for the server's log)")
        if not isinstance(roles, list) or not all(isinstance(r, str) and r.strip() for r in roles):
            raise UsageError(f"{where} ({name}): expected roles as a list of names, e.g. roles = [\"pib.rebuild\"]")
        holders.append(TokenHolder(name.strip(), _checked_token(entry.get("token"), f"{where} ({name})"),
                                   tuple(r.strip() for r in roles)))
    return holders


def is_loopback(host: str) -> bool:
    """Whether ``host`` reaches only this machine: a loopback address, or a name resolving only to those."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return False
    return bool(found) and all(ipaddress.ip_address(address.split("%")[0]).is_loopback for address in found)


def checked_access(host: str, insecure: bool = False) -> list[str]:
    """The providers, once everything about sign-in is consistent; a one-line UsageError otherwise.

    Without any sign-in the server is for one PC: it refuses to listen beyond loopback unless
    ``insecure`` (``--insecure``) says that is meant.
    """
    names = providers()
    has_tokens = bool(setting("XL_PIB_TOKEN") or setting("XL_PIB_TOKENS_FILE"))
    if "token" in names and not token_holders():
        raise UsageError(f"XL_PIB_AUTH=token needs XL_PIB_TOKEN (make one with {MAKE_A_TOKEN}) or XL_PIB_TOKENS_FILE")
    if has_tokens and "token" not in names:
        raise UsageError("XL_PIB_TOKEN is set but XL_PIB_AUTH is not token: set XL_PIB_AUTH=token to require it "
                         "on every route")
    if "entraid" in names and (missing := [n for n in ENTRAID_SETTINGS if not os.environ.get(n)]):
        raise UsageError(f"XL_PIB_AUTH=entraid needs {' and '.join(missing)} (the Entra ID app registration's "
                         "Application and Directory ids)")
    if not names and (roles := [f"XL_PIB_ROLES_{r.upper()}" for r in ROUTES if route_roles(r)]):
        raise UsageError(f"{', '.join(roles)}: roles need sign-in; set XL_PIB_AUTH as well")
    given = os.environ.get("XLWINGS_AUTH_PROVIDERS")
    if given is not None and _json_list(given) != names:
        raise UsageError(f"XLWINGS_AUTH_PROVIDERS={given} disagrees with XL_PIB_AUTH: set XL_PIB_AUTH only "
                         "(token, entraid or token,entraid)")
    if not names and not insecure and not is_loopback(host):
        raise UsageError(f"refusing to serve on {host} without sign-in: set XL_PIB_AUTH=token and XL_PIB_TOKEN "
                         "(or XL_PIB_AUTH=entraid), or pass --insecure to serve everyone who can reach the port")
    return names


def _json_list(text: str) -> list | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, list) else None


def xlwings_auth_environment(names: list[str]) -> dict[str, str]:
    """The xlwings Server settings that carry XL_PIB_AUTH: always set, so nothing else (a .env file) can
    switch sign-in off behind xl-pib's back."""
    return {"XLWINGS_AUTH_PROVIDERS": json.dumps(names)}
