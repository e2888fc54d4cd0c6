"""The deployment recipe (issue 19): deploy/Dockerfile, deploy/xl-pib.service and deploy/xl-pib.env.example.

There is no Docker engine here, so the image is not built. What is checked instead:

- the Dockerfile, parsed by dockerfile-parse: a non-root user runs the server, LibreOffice is installed
  for --pdf, the health check and the command are xl-pib's own, every COPY source exists, and the port
  it exposes is the one it configures;
- its install steps (the files it copies, ``pip install '.[server]'``) reproduced in a fresh virtual
  environment outside the repository, whose ``xl-pib serve`` then answers with sign-in, and whose
  ``xl-pib health`` (the HEALTHCHECK) says so;
- its environment without sign-in makes ``xl-pib serve`` refuse to start: the image is safe by default;
- the systemd unit, verified by ``systemd-analyze verify`` (and its sandboxing rated by
  ``systemd-analyze security``) where systemd is installed;
- the example settings are all real settings, and consistent.
"""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xl_pib import serve, serve_settings
from xl_pib.errors import UsageError

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
XL_PIB = "/opt/xl-pib/venv/bin/xl-pib"  # where the unit expects the installed command
TOKEN = "a-token-long-enough-for-the-deploy-tests"


@pytest.fixture(scope="module")
def dockerfile():
    parse = pytest.importorskip("dockerfile_parse")
    return parse.DockerfileParser(path=str(DEPLOY / "Dockerfile"))


def instructions(dockerfile, name: str) -> list[str]:
    return [i["value"] for i in dockerfile.structure if i["instruction"] == name]


def json_form(value: str) -> list[str]:
    import json

    return json.loads(value)


def test_the_image_runs_as_a_non_root_user_created_for_it(dockerfile):
    users = instructions(dockerfile, "USER")
    assert users == ["xl-pib"]
    order = [i["instruction"] for i in dockerfile.structure]
    assert order.index("USER") < order.index("CMD")
    creating = [run for run in instructions(dockerfile, "RUN") if run.startswith("useradd")]
    assert len(creating) == 1
    words = shlex.split(creating[0])
    assert words[-1] == "xl-pib" and "--system" in words and words[words.index("--uid") + 1] != "0"


def test_the_image_has_libreoffice_for_pdf_and_the_server_extra(dockerfile):
    runs = " ".join(instructions(dockerfile, "RUN"))
    assert "apt-get install -y --no-install-recommends libreoffice-calc-nogui" in runs  # as CI installs it
    assert "pip install --no-cache-dir '.[server]'" in runs
    import tomllib

    assert "server" in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert dockerfile.baseimage.startswith("python:3.11")


def test_the_image_copies_files_that_exist_and_its_ignore_file_keeps_them(dockerfile):
    sources = [word for copy in instructions(dockerfile, "COPY") for word in copy.split()[:-1]]
    assert sources == ["pyproject.toml", "README.md", "LICENSE", "xl_pib", "udfs"]
    assert all((ROOT / source).exists() for source in sources)
    kept = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    assert kept[1] == "**" and all(f"!{s}" in kept or f"!{s}/**" in kept for s in sources)


def test_the_image_serves_its_health_check_and_its_port(dockerfile):
    assert json_form(instructions(dockerfile, "CMD")[0]) == ["xl-pib", "serve"]
    health = instructions(dockerfile, "HEALTHCHECK")[0]
    assert json_form(health.split("CMD", 1)[1].strip()) == ["xl-pib", "health"]
    assert instructions(dockerfile, "EXPOSE") == [dockerfile.envs["XL_PIB_PORT"]]
    assert set(dockerfile.envs) - {"PYTHONUNBUFFERED"} <= set(serve_settings.SETTINGS)


def test_the_images_environment_without_sign_in_refuses_to_start(dockerfile, tmp_path):
    """Listening on 0.0.0.0 as the image does, xl-pib serve needs sign-in configured at run time."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XL_PIB_")} | dockerfile.envs
    env["XLWINGS_LICENSE_KEY"] = "noncommercial"
    done = subprocess.run([sys.executable, "-m", "xl_pib", "serve"], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.startswith("xl-pib: refusing to serve on 0.0.0.0 without sign-in")


@pytest.mark.server
def test_the_images_install_steps_give_a_server_that_signs_in_and_answers_its_health_check(dockerfile, tmp_path):
    """COPY and ``pip install '.[server]'`` in a fresh virtual environment (it sees this machine's packages
    for the dependencies): the installed command serves from a folder outside the repository."""
    import importlib.util

    if importlib.util.find_spec("xlwings_server") is None:  # not imported: it would switch xlwings to server mode
        pytest.skip("xlwings Server is not installed: pip install -e '.[dev]'")
    httpx = pytest.importorskip("httpx")
    context = tmp_path / "opt-xl-pib"
    context.mkdir()
    for source in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / source, context / source)
    for source in ("xl_pib", "udfs"):
        shutil.copytree(ROOT / source, context / source, ignore=shutil.ignore_patterns("__pycache__"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=120)
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("XL_PIB_")}
    installed = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", str(context)],
                               env=clean, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr[-2000:]
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import xl_pib, pib_server; "
                            "print(xl_pib.__file__); print(pib_server.__file__)"],
                           env=clean, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert all(line.startswith(str(venv)) for line in where.stdout.split()), where.stdout + where.stderr
    port = serve.free_port()
    env = clean | dockerfile.envs | {"XL_PIB_PORT": str(port), "XLWINGS_LICENSE_KEY": "noncommercial",
                                     "XL_PIB_AUTH": "token", "XL_PIB_TOKEN": TOKEN}
    command = venv / "bin" / "xl-pib"
    server = subprocess.Popen([str(command), "serve"], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        health = subprocess.run([str(command), "health", "--wait", "60"], env=env, cwd=tmp_path,
                                capture_output=True, text=True, timeout=120)
        assert health.returncode == 0, health.stderr
        url = f"http://127.0.0.1:{port}"
        call = {"client": "Office.js", "version": "0.37.8", "func_name": "PIB_RAG",
                "args": [[["Above Target"]], [["No"]], None], "caller_address": "[Book1]Sheet1!A1",
                "culture_info_name": "en-US", "date_format": "M/d/yyyy", "runtime": "1.4"}
        with httpx.Client(base_url=url, trust_env=False, timeout=60) as client:
            assert client.post("/xlwings/custom-functions-call", json=call).status_code == 401
            signed = client.post("/xlwings/custom-functions-call", json=call, headers={"Authorization": f"Bearer {TOKEN}"})
            assert signed.json() == {"result": [["R"]]}
            assert client.get("/static/js/auth.js").text == (ROOT / "udfs/pib_server/static/js/auth.js").read_text()
    finally:
        server.terminate()
        server.wait(timeout=30)


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "xl-pib.service")
    return parser


def test_the_unit_runs_xl_pib_serve_as_an_unprivileged_user_with_its_health_check():
    service = unit()["Service"]
    assert service["User"] == "xl-pib" and service["Group"] == "xl-pib"
    assert service["ExecStart"] == f"{XL_PIB} serve"
    assert service["ExecStartPost"] == f"{XL_PIB} health --wait 60"
    assert service["EnvironmentFile"] == "/etc/xl-pib/xl-pib.env"
    assert service["Restart"] == "on-failure" and service["NoNewPrivileges"] == "yes"
    assert unit()["Install"]["WantedBy"] == "multi-user.target"


def test_systemd_verifies_the_unit_and_rates_its_sandboxing(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (apt-get install systemd): the unit is parsed only")
    installed = shutil.which("xl-pib") or str(Path(sys.executable).parent / "xl-pib")
    if not os.access(installed, os.X_OK):
        pytest.skip("no xl-pib command installed to stand for /opt/xl-pib/venv/bin/xl-pib")
    copy = tmp_path / "xl-pib.service"
    copy.write_text((DEPLOY / "xl-pib.service").read_text().replace(XL_PIB, installed))
    verified = subprocess.run([analyze, "verify", str(copy)], capture_output=True, text=True, timeout=120)
    assert verified.returncode == 0 and verified.stderr == "", verified.stderr
    rated = subprocess.run([analyze, "security", "--offline=yes", str(copy)], capture_output=True, text=True,
                           timeout=120)
    level = float(rated.stdout.split("Overall exposure level for xl-pib.service:")[1].split()[0])
    print(f"\nsystemd-analyze security: exposure {level} (0 safest, 10 unprotected)")
    assert level < 5


def example_settings() -> dict[str, str]:
    lines = (DEPLOY / "xl-pib.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_the_example_settings_are_real_and_consistent(monkeypatch):
    given = example_settings()
    commented = [line.lstrip("# ").split("=", 1)[0] for line in (DEPLOY / "xl-pib.env.example").read_text()
                 .splitlines() if line.startswith("# XL") and "=" in line]
    known = set(serve_settings.SETTINGS) | {"XLWINGS_HOSTNAME", *serve_settings.ENTRAID_SETTINGS}
    assert set(given) | set(commented) <= known, (set(given) | set(commented)) - known
    assert not any(value.startswith(('"', "'")) for value in given.values())  # docker --env-file keeps quotes
    for name in list(serve_settings.SETTINGS) + ["XLWINGS_AUTH_PROVIDERS"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in given.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(UsageError, match="XL_PIB_AUTH=token needs XL_PIB_TOKEN"):
        serve_settings.checked_access(given["XL_PIB_HOST"])  # unedited, it cannot start
    monkeypatch.setenv("XL_PIB_TOKEN", TOKEN)  # as its comment says
    assert serve_settings.checked_access(given["XL_PIB_HOST"]) == ["token"]
