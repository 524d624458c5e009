import os
import subprocess
import sys
from pathlib import Path

import pytest

from clinic.env import EnvError, env_bool, env_database, env_email, env_int, env_timezone

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3v9-production-like-secret-" + "q8Zr" * 12,
    "ALLOWED_HOSTS": "physio.example.org",
    "DATABASE_URL": f"sqlite:///{ROOT / 'db-deploy-check.sqlite3'}",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """manage.py in a fresh process that sees only the given settings variables."""
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "PYTHONPATH"}
    base = {k: v for k, v in os.environ.items() if k in keep}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "word,expected", [("1", True), ("TRUE", True), ("off", False), ("", False)]
)
def test_env_bool_accepts_common_words(word, expected):
    assert env_bool("DEBUG", False, {"DEBUG": word}) is expected


def test_env_bool_rejects_other_words_naming_the_variable():
    with pytest.raises(EnvError, match="DEBUG='maybe'"):
        env_bool("DEBUG", False, {"DEBUG": "maybe"})


def test_env_int_checks_bounds():
    assert env_int("N", 3, {"N": "7"}, minimum=1, maximum=10) == 7
    with pytest.raises(EnvError, match="N='0'"):
        env_int("N", 3, {"N": "0"}, minimum=1, maximum=10)
    with pytest.raises(EnvError, match="whole number"):
        env_int("N", 3, {"N": "ten"})


@pytest.mark.parametrize(
    "url", ["mysql://u@h/db", "not a url", "postgres://user@host:notaport/db", "postgres://h:5432"]
)
def test_bad_database_url_is_refused(url):
    with pytest.raises(EnvError, match="DATABASE_URL"):
        env_database("DATABASE_URL", "sqlite:///x", {"DATABASE_URL": url})


def test_database_url_parses_postgres():
    config = env_database(
        "DATABASE_URL", "sqlite:///x", {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test"}
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("127.0.0.1", 5432, "test")


def test_email_url_smtp_with_tls_and_sender():
    config = env_email(
        "EMAIL_URL",
        "console:",
        {"EMAIL_URL": "smtp+tls://mailer:p%40ss@smtp.example.org:2525?from=clinic@example.org"},
    )
    assert config["EMAIL_HOST"] == "smtp.example.org"
    assert config["EMAIL_PORT"] == 2525
    assert config["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert config["EMAIL_USE_TLS"] is True
    assert config["DEFAULT_FROM_EMAIL"] == "clinic@example.org"


def test_email_url_unknown_scheme_names_the_variable():
    with pytest.raises(EnvError, match="EMAIL_URL"):
        env_email("EMAIL_URL", "console:", {"EMAIL_URL": "carrier-pigeon://loft"})


def test_unknown_time_zone_is_refused():
    with pytest.raises(EnvError, match="TIME_ZONE='Mars/Olympus'"):
        env_timezone("TIME_ZONE", "UTC", {"TIME_ZONE": "Mars/Olympus"})


@pytest.mark.parametrize(
    "name,value", [("DEBUG", "maybe"), ("DATABASE_URL", "mysql://root@localhost/x")]
)
def test_startup_stops_with_the_variable_name(name, value):
    result = run_manage("check", env={**PRODUCTION, name: value})
    assert result.returncode != 0
    assert f"{name}=" in result.stderr


def test_production_requires_a_real_secret_key():
    result = run_manage("check", env={**PRODUCTION, "SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_deploy_check_is_clean_with_production_values():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_manage_py_on_a_developers_checkout_runs_in_development_mode():
    result = run_manage("check", env={"DATABASE_URL": PRODUCTION["DATABASE_URL"]})
    assert result.returncode == 0, result.stderr


def test_manage_py_with_a_secret_key_keeps_production_rules():
    env = {"SECRET_KEY": PRODUCTION["SECRET_KEY"], "DATABASE_URL": PRODUCTION["DATABASE_URL"]}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr
