"""The benchmark's pieces (`make bench`): the query-count header, the figures it prints, and
gunicorn's configuration. The benchmark itself needs PostgreSQL, gunicorn and minutes; it is
not part of the suite."""

import importlib
import os
import subprocess
import sys
from datetime import timedelta
from email.message import Message
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from gunicorn.config import Config
from gunicorn.glogging import SafeAtoms

from clinic.env import EnvError
from programs.bench import Browser, Size, median_ms, p95_ms, ratio
from tests.conftest import client_for

ROOT = Path(__file__).resolve().parent.parent
COUNTING = ["clinic.querycount.QueryCountMiddleware", *settings.MIDDLEWARE]


def middleware_with(env: dict[str, str]) -> list[str]:
    """settings.MIDDLEWARE as a fresh process with these variables set reads it."""
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "PYTHONPATH"}
    code = "from django.conf import settings; print(' '.join(settings.MIDDLEWARE))"
    answer = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k in keep},
            "DJANGO_SETTINGS_MODULE": "clinic.settings",
            "DEBUG": "1",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return answer.stdout.split()


# The query-count header -----------------------------------------------------------------


def test_query_count_middleware_is_left_out_unless_asked_for():
    assert "clinic.querycount.QueryCountMiddleware" not in middleware_with({})
    assert middleware_with({"QUERY_COUNT_HEADER": "1"})[0] == (
        "clinic.querycount.QueryCountMiddleware"
    )


def test_a_bad_query_count_setting_stops_start_up_naming_it():
    with pytest.raises(subprocess.CalledProcessError) as failed:
        middleware_with({"QUERY_COUNT_HEADER": "perhaps"})
    assert "QUERY_COUNT_HEADER" in failed.value.stderr


def test_no_query_count_header_in_a_normal_run(clinician_a):
    response = client_for(clinician_a.user).get("/patients/")
    assert response.status_code == 200
    assert "X-Query-Count" not in response.headers


def test_query_count_header_counts_every_query_of_the_request(settings, clinician_a, patient_a):
    settings.MIDDLEWARE = COUNTING
    client = client_for(clinician_a.user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/patients/")
    assert response.status_code == 200
    # The session's own queries (read before the view, saved after it) are counted too.
    assert int(response.headers["X-Query-Count"]) == len(queries) > 0


# Figures --------------------------------------------------------------------------------


def test_median_and_p95_in_milliseconds():
    seconds = [n / 1000 for n in range(1, 31)]  # 1 ms ... 30 ms
    assert median_ms(seconds) == pytest.approx(15.5)
    # Nearest rank: 95% of 30 is 28.5, so the 29th fastest.
    assert p95_ms(seconds) == pytest.approx(29)
    assert p95_ms([0.004]) == pytest.approx(4)


def test_ratio_is_missing_rather_than_a_division_error():
    assert ratio(30.0, 10.0) == 3.0
    assert ratio(None, 10.0) is None
    assert ratio(30.0, None) is None
    assert ratio(30.0, 0.0) is None


def test_size_reads_clinics_patients_and_days():
    assert Size.parse("20x500x180") == Size(20, 500, 180)
    assert Size.parse(" 1 × 20 × 30 ") == Size(1, 20, 30)
    assert str(Size(4, 100, 90)) == "4x100x90"


@pytest.mark.parametrize("text", ["20x500", "0x20x30", "1x2x30", "a lot"])
def test_a_bad_size_is_refused_with_an_example(text):
    with pytest.raises(ValueError, match=r"1x20x30|at least 3 patients"):
        Size.parse(text)


def test_browser_keeps_and_forgets_cookies():
    browser = Browser(port=1)
    headers = Message()
    headers["Set-Cookie"] = "sessionid=abc; HttpOnly; Path=/; SameSite=Lax"
    headers["Set-Cookie"] = "csrftoken=xyz; Path=/"
    browser._keep_cookies(headers)
    assert browser.cookies == {"sessionid": "abc", "csrftoken": "xyz"}
    signed_out = Message()
    signed_out["Set-Cookie"] = 'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0'
    browser._keep_cookies(signed_out)
    assert browser.cookies == {"csrftoken": "xyz"}


# gunicorn's configuration ---------------------------------------------------------------


@pytest.fixture
def gunicorn_config(monkeypatch):
    """clinic/gunicorn.py read again with the environment a test sets."""

    def read(**env: str):
        for name in ["GUNICORN_WORKERS", "GUNICORN_THREADS", "SECURE_PROXY_SSL_HEADER"]:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        import clinic.gunicorn

        return importlib.reload(clinic.gunicorn)

    yield read
    monkeypatch.undo()
    import clinic.gunicorn

    importlib.reload(clinic.gunicorn)


def test_gunicorn_defaults_follow_the_cores(gunicorn_config):
    config = gunicorn_config()
    cores = os.cpu_count() or 1
    assert config.workers == 2 * cores + 1
    assert config.worker_class == "gthread"
    assert config.threads == 4
    assert config.timeout == 30
    assert config.max_requests == 1000
    assert 0 < config.max_requests_jitter < config.max_requests


def test_gunicorn_values_come_from_the_environment(gunicorn_config):
    config = gunicorn_config(GUNICORN_WORKERS="3", GUNICORN_THREADS="8")
    assert (config.workers, config.threads) == (3, 8)


def test_a_bad_gunicorn_value_names_the_variable(gunicorn_config):
    with pytest.raises(EnvError, match="GUNICORN_WORKERS"):
        gunicorn_config(GUNICORN_WORKERS="many")


def test_gunicorn_knows_every_setting_the_module_gives(gunicorn_config):
    """A misspelt setting would be ignored without a word."""
    module = gunicorn_config()
    given = {
        name
        for name, value in vars(module).items()
        if name.islower()
        and not name.startswith("_")
        and name != "annotations"
        and not callable(value)
        and not isinstance(value, ModuleType)
    }
    assert "workers" in given
    assert given <= set(Config().settings)


def access_line(config, environ: dict[str, str]) -> str:
    cfg = Config()
    logger = config.AccessLog(cfg)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/patients/?q=Smith",
        "PATH_INFO": "/patients/",
        "QUERY_STRING": "q=Smith",
        "SERVER_PROTOCOL": "HTTP/1.1",
        **environ,
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=512)
    request = SimpleNamespace(headers=[])
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=42))
    return str(config.access_log_format % SafeAtoms(atoms))


def test_access_log_names_the_client_behind_the_proxy(gunicorn_config):
    config = gunicorn_config(SECURE_PROXY_SSL_HEADER="1")
    line = access_line(
        config,
        {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9"},
    )
    # The proxy's own entry (the last), never the one the client could forge.
    assert line.startswith("203.0.113.9 ")
    assert '"GET /patients/ HTTP/1.1" 200 512 42ms' in line
    assert "Smith" not in line  # no search words (patients' names) in the log


def test_access_log_names_the_peer_without_a_proxy(gunicorn_config):
    config = gunicorn_config()
    line = access_line(config, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6"})
    assert line.startswith("10.0.0.2 ")
