"""The server's settings (issue 19): every inconsistent sign-in, token, role or limit is one line before
anything listens, and the hosts that count as loopback. No server runs here; test_server_access.py
runs real ones with these settings."""

from __future__ import annotations

import subprocess
import sys

import pytest

from xl_pib import serve_settings as settings
from xl_pib.errors import UsageError

TOKEN = "a-token-long-enough-for-tests"


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    for name in list(settings.SETTINGS) + ["XLWINGS_AUTH_PROVIDERS", *settings.ENTRAID_SETTINGS]:
        monkeypatch.delenv(name, raising=False)


def refused(host: str = "127.0.0.1", insecure: bool = False) -> str:
    with pytest.raises(UsageError) as caught:
        settings.checked_access(host, insecure)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost"])
def test_loopback_hosts(host):
    assert settings.is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "", "10.1.2.3", "192.168.0.1"])
def test_hosts_beyond_loopback(host):
    assert not settings.is_loopback(host)


def test_without_sign_in_loopback_is_served_and_nothing_else_unless_insecure():
    assert settings.checked_access("127.0.0.1") == []
    assert "refusing to serve on 0.0.0.0 without sign-in" in refused("0.0.0.0")
    assert settings.checked_access("0.0.0.0", insecure=True) == []


def test_with_a_token_any_host_is_served(monkeypatch):
    monkeypatch.setenv("XL_PIB_AUTH", "token")
    monkeypatch.setenv("XL_PIB_TOKEN", TOKEN)
    assert settings.checked_access("0.0.0.0") == ["token"]
    assert settings.xlwings_auth_environment(["token"]) == {"XLWINGS_AUTH_PROVIDERS": '["token"]'}
    assert settings.token_holders() == (settings.TokenHolder("XL_PIB_TOKEN", TOKEN),)


@pytest.mark.parametrize("env, expected", [
    ({"XL_PIB_AUTH": "ldap"}, "XL_PIB_AUTH: expected token, entraid or token,entraid; got 'ldap'"),
    ({"XL_PIB_AUTH": "token"}, "XL_PIB_AUTH=token needs XL_PIB_TOKEN"),
    ({"XL_PIB_AUTH": "token", "XL_PIB_TOKEN": "short"}, "XL_PIB_TOKEN: expected a token of at least 16 characters"),
    ({"XL_PIB_AUTH": "token", "XL_PIB_TOKEN": "with spaces in the token"}, "without spaces"),
    ({"XL_PIB_TOKEN": TOKEN}, "XL_PIB_TOKEN is set but XL_PIB_AUTH is not token"),
    ({"XL_PIB_AUTH": "entraid"}, "XL_PIB_AUTH=entraid needs XLWINGS_AUTH_ENTRAID_CLIENT_ID and "
                                 "XLWINGS_AUTH_ENTRAID_TENANT_ID"),
    ({"XL_PIB_AUTH": "entraid", "XLWINGS_AUTH_ENTRAID_CLIENT_ID": "x"}, "needs XLWINGS_AUTH_ENTRAID_TENANT_ID ("),
    ({"XL_PIB_ROLES_REBUILD": "pib.central"}, "XL_PIB_ROLES_REBUILD: roles need sign-in"),
    ({"XL_PIB_AUTH": "token", "XL_PIB_TOKEN": TOKEN, "XLWINGS_AUTH_PROVIDERS": "[]"},
     "XLWINGS_AUTH_PROVIDERS=[] disagrees with XL_PIB_AUTH"),
])
def test_inconsistent_sign_in_is_one_line(monkeypatch, env, expected):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert expected in refused()


def test_xlwings_own_setting_may_say_the_same(monkeypatch):
    monkeypatch.setenv("XL_PIB_AUTH", "entraid,token")
    monkeypatch.setenv("XL_PIB_TOKEN", TOKEN)
    monkeypatch.setenv("XLWINGS_AUTH_ENTRAID_CLIENT_ID", "client")
    monkeypatch.setenv("XLWINGS_AUTH_ENTRAID_TENANT_ID", "tenant")
    monkeypatch.setenv("XLWINGS_AUTH_PROVIDERS", '["entraid", "token"]')
    assert settings.checked_access("0.0.0.0") == ["entraid", "token"]


def test_roles_per_route(monkeypatch):
    monkeypatch.setenv("XL_PIB_ROLES_REBUILD", " pib.central , pib.admin,")
    assert settings.route_roles("rebuild") == ["pib.central", "pib.admin"]
    assert settings.route_roles("functions") == []


def tokens_file(tmp_path, text: str):
    path = tmp_path / "tokens.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_tokens_file_gives_each_token_a_name_and_roles(monkeypatch, tmp_path):
    path = tokens_file(tmp_path, f'[[token]]\nname = "central team"\ntoken = "{TOKEN}-central"\n'
                                 'roles = ["pib.central"]\n\n'
                                 f'[[token]]\nname = "analysts"\ntoken = "{TOKEN}-analysts"\n')
    monkeypatch.setenv("XL_PIB_AUTH", "token")
    monkeypatch.setenv("XL_PIB_TOKENS_FILE", str(path))
    assert settings.checked_access("0.0.0.0") == ["token"]
    assert settings.token_holders() == (settings.TokenHolder("central team", f"{TOKEN}-central", ("pib.central",)),
                                        settings.TokenHolder("analysts", f"{TOKEN}-analysts"))
    assert TOKEN not in repr(settings.token_holders())  # tokens never reach a log through repr


@pytest.mark.parametrize("text, expected", [
    ("[[token]\n", "expected a TOML file"),
    ('name = "x"\n', "expected [[token]] tables, each with name, token and roles"),
    (f'[[token]]\ntoken = "{TOKEN}"\n', "token 1: expected a name"),
    (f'[[token]]\nname = "a"\ntoken = "{TOKEN}"\nroles = "pib.central"\n', "token 1 (a): expected roles as a list"),
    (f'[[token]]\nname = "a"\ntoken = "{TOKEN}"\ncolour = "red"\n', "token 1: expected only name, token and roles"),
    ('[[token]]\nname = "a"\ntoken = "short"\n', "token 1 (a): expected a token of at least 16 characters"),
    (f'[[token]]\nname = "a"\ntoken = "{TOKEN}"\n[[token]]\nname = "b"\ntoken = "{TOKEN}"\n',
     "every token must be different"),
    (f'[[token]]\nname = "a"\ntoken = "{TOKEN}1"\n[[token]]\nname = "a"\ntoken = "{TOKEN}2"\n',
     "every token needs its own name"),
])
def test_a_bad_tokens_file_is_one_line_naming_the_file_and_the_token(monkeypatch, tmp_path, text, expected):
    monkeypatch.setenv("XL_PIB_AUTH", "token")
    monkeypatch.setenv("XL_PIB_TOKENS_FILE", str(tokens_file(tmp_path, text)))
    message = refused()
    assert expected in message
    assert "tokens.toml" in message or "XL_PIB_TOKENS_FILE" in message


def test_a_missing_tokens_file_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("XL_PIB_AUTH", "token")
    monkeypatch.setenv("XL_PIB_TOKENS_FILE", str(tmp_path / "nowhere.toml"))
    assert refused().startswith(f"XL_PIB_TOKENS_FILE: cannot read {tmp_path / 'nowhere.toml'}: ")


@pytest.mark.parametrize("name, value, expected", [
    ("XL_PIB_MAX_UPLOAD_MB", "lots", "XL_PIB_MAX_UPLOAD_MB: expected a number of megabytes; got 'lots'"),
    ("XL_PIB_MAX_CALL_MB", "0", "XL_PIB_MAX_CALL_MB: expected a positive number of megabytes; got '0'"),
    ("XL_PIB_FUNCTION_TIMEOUT_S", "-1", "XL_PIB_FUNCTION_TIMEOUT_S: expected a positive number of seconds"),
    ("XL_PIB_FUNCTION_TIMEOUT_S", "nan", "XL_PIB_FUNCTION_TIMEOUT_S: expected a positive number of seconds"),
])
def test_bad_limits_are_one_line(monkeypatch, name, value, expected):
    monkeypatch.setenv(name, value)
    reader = {"XL_PIB_MAX_UPLOAD_MB": settings.max_upload_bytes, "XL_PIB_MAX_CALL_MB": settings.max_call_bytes,
              "XL_PIB_FUNCTION_TIMEOUT_S": settings.function_timeout}[name]
    with pytest.raises(UsageError, match=expected):
        reader()


def test_the_limits_default_to_the_documented_values():
    assert (settings.max_upload_bytes(), settings.max_call_bytes(), settings.function_timeout()) == \
        (20_000_000, 5_000_000, 10.0)
    assert settings.max_call_bytes() < settings.max_upload_bytes()


def test_serve_reports_a_bad_setting_as_one_line_and_exit_2(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "XLWINGS_LICENSE_KEY": "noncommercial", "XL_PIB_AUTH": "token",
           "XL_PIB_TOKEN": "short", "PYTHONPATH": ":".join(sys.path)}
    done = subprocess.run([sys.executable, "-m", "xl_pib", "serve", "--host", "0.0.0.0"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("xl-pib: XL_PIB_TOKEN: expected a token of at least 16 characters")
    assert done.stderr.count("\n") == 1
