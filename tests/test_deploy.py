"""The production set-up in the repo: the container image (Dockerfile, .dockerignore), the
compose file and the README's deployment commands agree with each other and with the settings.

No Docker engine is needed: these read the files. CI builds the image where an engine runs.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_COMMAND = ["gunicorn", "-c", "python:clinic.gunicorn", "clinic.wsgi"]
# Read by boto3 (for the buckets), not by clinic/settings.py.
READ_BY_BOTO3 = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
# Read by compose.yaml itself: where the proxy listens, and the database container's password.
READ_BY_COMPOSE = {"SITE_ADDRESS", "POSTGRES_PASSWORD"}
APP_SERVERS = ["app1", "app2"]


def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (INSTRUCTION, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    instructions = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, rest = line.strip().partition(" ")
            instructions.append((word.upper(), " ".join(rest.split())))
    return instructions


def dockerfile_args(instruction: str) -> list[str]:
    return [rest for word, rest in dockerfile() if word == instruction]


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for rest in dockerfile_args("ENV"):
        for pair in shlex.split(rest):
            name, _, value = pair.partition("=")
            env[name] = value
    return env


def apt_packages(command: str) -> set[str]:
    """Packages named by `apt-get install` in a shell command."""
    match = re.search(r"apt-get install ([^&;]*)", command)
    assert match, f"no apt-get install in {command!r}"
    return {word for word in match.group(1).split() if not word.startswith("-")}


def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return document


def readme_section(heading: str) -> str:
    """The README's text from `heading` to the next heading of the same or a higher level."""
    text = (ROOT / "README.md").read_text()
    level = heading.split(" ")[0]
    start = text.index(f"\n{heading}\n")
    end = re.compile(rf"\n#{{1,{len(level)}}} ").search(text, start + 1)
    return text[start : end.start() if end else len(text)]


def environment_names_read_by(path: Path) -> set[str]:
    """Names of the environment variables a module reads: the first argument of the env_*
    readers (clinic/env.py), of os.environ.get and os.getenv, and os.environ[...] keys."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            reads = name.startswith("env_") or name == "getenv"
            reads |= name == "get" and ast.unparse(func).endswith("environ.get")
            key = node.args[0]
        elif isinstance(node, ast.Subscript):
            reads, key = ast.unparse(node.value).endswith("environ"), node.slice
        else:
            continue
        if reads and isinstance(key, ast.Constant) and isinstance(key.value, str):
            names.add(key.value)
    return names


def app_environment_names() -> set[str]:
    """Every variable the app reads: its settings and its gunicorn configuration."""
    return (
        environment_names_read_by(ROOT / "clinic" / "settings.py")
        | environment_names_read_by(ROOT / "clinic" / "gunicorn.py")
        | READ_BY_BOTO3
    )


def test_reader_finds_the_settings_environment_and_nothing_else() -> None:
    names = app_environment_names()
    assert {"SECRET_KEY", "DATABASE_URL", "MEDIA_BUCKET", "SECURE_PROXY_SSL_HEADER"} <= names
    assert "GUNICORN_WORKERS" in names
    assert not {"STATIC_ROOT", "MEDIA_URL", "REDIS_URL"} & names


# The image


def test_image_installs_exactly_the_locked_packages() -> None:
    copies = " ".join(dockerfile_args("COPY"))
    installs = [run for run in dockerfile_args("RUN") if "pip install" in run]
    assert "requirements.lock" in copies
    assert len(installs) == 1
    assert re.search(r"pip install --require-hashes -r \S*requirements\.lock", installs[0])


def test_image_has_the_system_libraries_ci_installs_for_pdfs() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    # Chromium is for the browser tests only.
    needed = {
        package for group in re.findall(r"missing\+=\(([^)]*)\)", ci) for package in group.split()
    } - {"chromium"}
    installed = set().union(
        *(apt_packages(run) for run in dockerfile_args("RUN") if "apt-get install" in run)
    )
    assert {"libpango-1.0-0", "fonts-dejavu-core"} <= needed
    assert needed <= installed


def test_image_command_is_the_readme_production_command() -> None:
    production = readme_section("### Production")
    readme_command = next(
        shlex.split(line) for line in production.splitlines() if "bin/gunicorn" in line
    )
    (cmd,) = dockerfile_args("CMD")
    assert json.loads(cmd) == GUNICORN_COMMAND
    assert [Path(readme_command[0]).name, *readme_command[1:]] == GUNICORN_COMMAND


def test_image_serves_on_the_port_the_proxy_sends_to(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    from clinic import gunicorn

    host, _, port = importlib.reload(gunicorn).bind.rpartition(":")
    proxy = compose()["services"]["proxy"]["command"]
    assert host == "0.0.0.0"  # noqa: S104  (reachable from the proxy's container)
    assert dockerfile_args("EXPOSE") == [port]
    assert [f"{server}:{port}" for server in APP_SERVERS] == re.findall(r"--to (\S+)", proxy)


def test_image_runs_as_an_unprivileged_user() -> None:
    users = dockerfile_args("USER")
    assert users
    assert users[-1] not in {"root", "0"}


def test_image_collects_static_files_with_production_settings() -> None:
    """The build's collectstatic step loads the settings it gives (DEBUG off, so WhiteNoise's
    manifest is written, which the app needs when it serves with DEBUG off)."""
    (step,) = [run for run in dockerfile_args("RUN") if "collectstatic" in run]
    env = dict(pair.split("=", 1) for pair in shlex.split(step) if re.match(r"[A-Z_]+=", pair))
    assert env["DEBUG"] == "0"
    clean = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "clinic.settings", **env}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.STORAGES['staticfiles']['BACKEND'])",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def dockerignored(path: str) -> bool:
    """Whether `docker build` leaves `path` out of the context (patterns are from the root;
    `**/` matches at any depth; a folder's pattern leaves out all under it)."""
    patterns = [
        line.strip().rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        if pattern.startswith("**/"):
            if any(fnmatch.fnmatch(part, pattern[3:]) for part in parts):
                return True
        elif any(fnmatch.fnmatch(prefix, pattern) for prefix in prefixes):
            return True
    return False


@pytest.mark.parametrize(
    "path",
    [
        "db.sqlite3",
        "documents/discharge/summary.pdf",
        "media/clinic-logos/logo.png",
        ".env",
        ".venv/bin/python",
        ".git/config",
        "staticfiles/staticfiles.json",
        "clinic/__pycache__/settings.cpython-311.pyc",
    ],
)
def test_build_context_leaves_out_local_data_and_builds(path: str) -> None:
    assert dockerignored(path)


@pytest.mark.parametrize(
    "path",
    [
        "requirements.lock",
        "manage.py",
        "clinic/settings.py",
        "static/css/app.css",
        "exercises/static/exercises/illustrations/quad-setting.svg",
        "exercises/library/knee.toml",
        "templates/handouts/handout.html",
    ],
)
def test_build_context_keeps_the_app(path: str) -> None:
    assert not dockerignored(path)


# compose.yaml


def test_compose_app_servers_are_the_same_image_with_the_same_settings() -> None:
    services = compose()["services"]
    app1, app2 = (services[name] for name in APP_SERVERS)
    assert app1["image"] == app2["image"] == services["migrate"]["image"]
    assert app1["environment"] == app2["environment"]
    assert app1["environment"]["SECURE_PROXY_SSL_HEADER"] == "1"
    assert app1["environment"]["SECRET_KEY"].startswith("${SECRET_KEY:?")


def test_compose_app_servers_share_the_database_and_file_volumes() -> None:
    document = compose()
    services = document["services"]
    env = dockerfile_env()
    mounts = {
        f"{volume}:{env[setting]}"
        for volume, setting in [("media", "MEDIA_ROOT"), ("documents", "DOCUMENTS_ROOT")]
    }
    for name in APP_SERVERS:
        assert set(services[name]["volumes"]) == mounts
        assert "@db:5432/" in services[name]["environment"]["DATABASE_URL"]
    assert {"media", "documents", "pgdata"} <= set(document["volumes"])


def test_compose_database_settings_match_the_app_servers_url() -> None:
    services = compose()["services"]
    db = services["db"]["environment"]
    url = services["app1"]["environment"]["DATABASE_URL"]
    assert url == (
        f"postgres://{db['POSTGRES_USER']}:{db['POSTGRES_PASSWORD']}@db:5432/{db['POSTGRES_DB']}"
    )
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])


def test_compose_one_service_migrates_before_the_app_servers_start() -> None:
    services = compose()["services"]
    migrating = [
        name for name, service in services.items() if "migrate" in str(service.get("command", ""))
    ]
    assert migrating == ["migrate"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in [*APP_SERVERS, "scheduler"]:
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
        assert "command" not in services[name] or "migrate" not in str(services[name]["command"])
    for name in APP_SERVERS:
        assert "command" not in services[name]  # the image's CMD: the production command


def test_every_variable_in_compose_is_a_setting() -> None:
    text = (ROOT / "compose.yaml").read_text()
    services = compose()["services"]
    app = app_environment_names()
    interpolated = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text))
    assert interpolated - app - READ_BY_COMPOSE == set()
    for name, service in services.items():
        if service.get("image") == services["app1"]["image"]:
            assert set(service["environment"]) - app == set(), name


def test_every_variable_in_the_readme_deployment_section_is_a_setting() -> None:
    text = readme_section("### Production") + readme_section("## Deploying for a clinic network")
    mentioned = set(re.findall(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b", text))
    mentioned |= set(re.findall(r"\b([A-Z][A-Z0-9_]*)=", text))
    assert {"MEDIA_BUCKET", "DOCUMENTS_BUCKET", "SECURE_PROXY_SSL_HEADER"} <= mentioned
    assert mentioned - app_environment_names() - READ_BY_COMPOSE == set()
