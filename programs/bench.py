"""The pieces of the benchmark behind `make bench` (programs/management/commands/bench.py):
data set sizes, the figures (median, p95, ratios), a small HTTP client that keeps cookies,
gunicorn servers started and stopped, the benchmark's own databases, and what the benchmark
needs to know about a generated data set (who signs in, which programs, which sessions are
still free to log).

Everything here talks to the app the way people do, over HTTP, except where a figure needs the
app's code in this process: WeasyPrint alone on a document's HTML, and the data set's facts.
"""

from __future__ import annotations

import http.client
import math
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import psycopg
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections
from django.db.models import Prefetch
from django.test.utils import override_settings
from django.utils.crypto import get_random_string
from weasyprint import CSS, HTML

from clinic.env import env_database
from clinic.middleware import IDLE_SECONDS, LAST_SEEN, SIGNED_IN_AT
from clinic.models import Clinic, Patient, User
from programs import handouts
from programs.models import Difficulty, EntryStatus, Program, ProgramItem
from programs.sessions import (
    BACKDATE_DAYS,
    LogError,
    check_log_day,
    items_due,
    prefilled_reps,
    sessions_per_day,
)

ROOT = Path(settings.BASE_DIR)
PORTAL = "https://physio.example.org/accounts/login/"
PASSWORD = "generated-data-2026"  # noqa: S105  (manage.py generate_data's default)


# Sizes and figures --------------------------------------------------------------------------


@dataclass(frozen=True)
class Size:
    """A generated data set: clinics × patients per clinic × days of history."""

    clinics: int
    patients: int
    days: int

    @classmethod
    def parse(cls, text: str) -> Size:
        match = re.fullmatch(r"\s*(\d+)\s*[x×]\s*(\d+)\s*[x×]\s*(\d+)\s*", text)
        if not match or min(int(n) for n in match.groups()) < 1:
            raise ValueError(
                f"{text!r} is not a size: expected clinics x patients x days, such as 1x20x30"
            )
        clinics, patients, days = (int(n) for n in match.groups())
        if patients < 3:
            raise ValueError(f"{text!r}: the benchmark needs at least 3 patients per clinic")
        return cls(clinics, patients, days)

    def __str__(self) -> str:
        return f"{self.clinics}x{self.patients}x{self.days}"


def median_ms(seconds: Sequence[float]) -> float:
    return statistics.median(seconds) * 1000


def p95_ms(seconds: Sequence[float]) -> float:
    """The 95th percentile by nearest rank: the smallest time at least 95% of requests beat or
    matched. With 30 requests that is the second slowest."""
    ordered = sorted(seconds)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] * 1000


def ratio(part: float | None, whole: float | None) -> float | None:
    """part / whole, or None when either is missing or whole is zero."""
    if part is None or not whole:
        return None
    return part / whole


def weasyprint_alone(html: str) -> bytes:
    """A document's HTML through WeasyPrint alone, with the app's stylesheet, fonts and fetcher:
    the cost the app's own rendering is compared with."""
    return HTML(string=html, url_fetcher=handouts.SafeFetcher(), base_url=str(ROOT)).write_pdf(
        stylesheets=[CSS(filename=str(handouts.STYLESHEET), font_config=handouts.FONTS)],
        font_config=handouts.FONTS,
    )


# HTTP ---------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float

    @property
    def queries(self) -> int | None:
        value = self.headers.get("X-Query-Count")
        return int(value) if value is not None else None

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class Browser:
    """One person's browser: a kept-alive connection to one server and that server's cookies.

    Cookies are by name only: every server of the benchmark is the same site on 127.0.0.1."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies: dict[str, str] = dict(cookies or {})
        self.connection: http.client.HTTPConnection | None = None

    def through(self, port: int) -> Browser:
        """The same person, with the same cookies, on another server."""
        return Browser(port, self.cookies)

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", path, None, headers)

    def post(
        self, path: str, form: dict[str, Any], headers: dict[str, str] | None = None
    ) -> Response:
        fields = {"csrfmiddlewaretoken": self.csrf_token(), **form}
        return self.request("POST", path, urlencode(fields).encode(), headers)

    def csrf_token(self) -> str:
        if "csrftoken" not in self.cookies:
            self.cookies["csrftoken"] = get_random_string(32)
        return self.cookies["csrftoken"]

    def request(
        self, method: str, path: str, body: bytes | None, extra: dict[str, str] | None = None
    ) -> Response:
        headers = {"Host": "127.0.0.1", **(extra or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body, headers)
                answer = self.connection.getresponse()
                content = answer.read()
            except (http.client.RemoteDisconnected, ConnectionError):
                # The server closed a kept-alive connection that sat idle: open a new one.
                self.close()
                if attempt:
                    raise
                continue
            seconds = time.perf_counter() - started
            self._keep_cookies(answer.headers)
            if answer.will_close:
                self.close()
            return Response(answer.status, answer.headers, content, seconds)
        raise AssertionError("unreachable")

    def _keep_cookies(self, headers: http.client.HTTPMessage) -> None:
        for line in headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def sign_in(
        self, email: str, password: str = PASSWORD, headers: dict[str, str] | None = None
    ) -> Response:
        """Sign in through the sign-in page, as a person does."""
        self.get("/accounts/login/", headers)
        return self.post("/accounts/login/", {"username": email, "password": password}, headers)


# Servers ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def production_env(database_url: str, secret_key: str, documents: Path) -> dict[str, str]:
    """The environment the app runs in for the benchmark: production settings (DEBUG off, a
    real secret key), served over plain HTTP on loopback, with query counts in a header.

    The benchmark renders about 30 PDFs a minute by design, so it raises the per-user limit
    on renders a minute (PDF_RENDERS_PER_MINUTE) to its maximum; every other limit is the
    production default. SECURE_PROXY_SSL_HEADER is on as behind the documented proxy, so a
    check can sign in "from" an address of its own (X-Forwarded-For) and throttling it does
    not lock out the benchmark's other requests, which come from 127.0.0.1."""
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV"}
    return {
        **{name: value for name, value in os.environ.items() if name in keep},
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DEBUG": "0",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_PROXY_SSL_HEADER": "1",
        "QUERY_COUNT_HEADER": "1",
        "PDF_RENDERS_PER_MINUTE": "120",
        "DOCUMENTS_ROOT": str(documents),
        "LOG_LEVEL": "WARNING",
        "EMAIL_URL": "locmem:",
    }


def new_secret_key() -> str:
    return secrets.token_urlsafe(50)


def manage(env: dict[str, str], *args: str) -> None:
    command = [sys.executable, "manage.py", *args]
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603  (our own manage.py)


class Server:
    """One gunicorn app server, configured by clinic/gunicorn.py, on a port of its own."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        command = [sys.executable, "-m", "gunicorn", "-c", "python:clinic.gunicorn", "clinic.wsgi"]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603  (gunicorn, arguments made here)
                command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start-up; see {self.log}")
            try:
                if Browser(self.port).get("/healthz").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not answer within a minute; see {self.log}")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# Databases ----------------------------------------------------------------------------------


def database_url(base: str, name: str) -> str:
    """`base` (postgres://user@host:port/prefix) with the database `<prefix>_<name>`."""
    parts = urlsplit(base)
    prefix = parts.path.strip("/") or "bench"
    return urlunsplit(parts._replace(path=f"/{prefix}_{name}"))


def _server_connection(url: str) -> psycopg.Connection[Any]:
    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
        autocommit=True,
    )


def database_name(url: str) -> str:
    return urlsplit(url).path.strip("/")


def database_exists(url: str) -> bool:
    with _server_connection(url) as server:
        found = server.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database_name(url)]
        ).fetchone()
    return found is not None


def recreate_database(url: str) -> None:
    name = database_name(url)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ValueError(f"{name!r} is not a plain database name")
    with _server_connection(url) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{name}"')


def holds_size(url: str, size: Size) -> bool:
    """Whether the database holds a generated data set of this size."""
    try:
        with psycopg.connect(url) as db:
            clinics = db.execute(
                "SELECT count(*) FROM clinic_clinic WHERE slug LIKE 'generated-%%'"
            ).fetchone()
            patients = db.execute(
                "SELECT count(*) FROM clinic_patient p JOIN clinic_clinic c ON c.id = p.clinic_id"
                " WHERE c.slug = 'generated-1'"
            ).fetchone()
    except psycopg.Error:
        return False
    return clinics == (size.clinics,) and patients == (size.patients,)


@contextmanager
def default_database(url: str) -> Iterator[None]:
    """Point this process's default database at `url` while the block runs, so the app's own
    code (which queries the default database) reads the benchmark's data set."""
    connections.close_all()
    saved = connections.settings["default"]
    connections.settings["default"] = connections.configure_settings(
        {"default": env_database("BENCH_DATABASE_URL", url)}
    )["default"]
    _forget_default_connection()
    try:
        yield
    finally:
        connections["default"].close()
        _forget_default_connection()
        connections.settings["default"] = saved


def _forget_default_connection() -> None:
    """Drop this thread's default connection, so the next query opens one from the settings."""
    with suppress(AttributeError):  # none was open
        del connections["default"]


def add_alias(alias: str, url: str) -> None:
    """A second name for a benchmark database, for the few direct queries the timed part makes
    (counting logs, moving a program's revision on)."""
    connections.settings[alias] = connections.configure_settings(
        {"default": connections.settings["default"], alias: env_database("BENCH", url)}
    )[alias]


# A data set's facts -------------------------------------------------------------------------


@dataclass
class FreeSession:
    """A session nobody has logged yet: one log POST makes it."""

    patient: str  # the patient's session cookie
    program: int
    day: date
    slot: int
    fields: dict[str, str]

    @property
    def path(self) -> str:
        return f"/my/programs/{self.program}/log/"

    def form(self, token: uuid.UUID) -> dict[str, str]:
        return {**self.fields, "token": str(token)}


@dataclass
class Facts:
    """Who and what the benchmark uses in generated clinic 1."""

    clinician: str  # patient 1's clinician
    admin: str
    patient: str  # patient 1
    patient_pk: int
    program: int  # patient 1's active program
    discharged: int  # patient 2's discharged program
    fresh_program: int  # another active program, for fresh handout renders
    free: list[FreeSession] = field(default_factory=list)
    burst: list[tuple[str, int]] = field(default_factory=list)  # (session cookie, program)
    handout_html: str = ""  # the fresh-render program's handout, for WeasyPrint alone
    summary_html: str = ""  # patient 2's discharge summary, for WeasyPrint alone


def email(role: str, clinic: int = 1) -> str:
    return f"{role}@generated-{clinic}.example"


def session_cookie(user: User, secret_key: str) -> str:
    """A signed-in session for `user`, made as Django's test client's force_login makes one:
    for the many patients whose logs and downloads make the load, where typing each password
    (a deliberately slow hash) would take minutes and measure nothing the benchmark asks."""
    with override_settings(SECRET_KEY=secret_key):
        store = SessionStore()
        now = int(time.time())
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[SIGNED_IN_AT] = now
        store[LAST_SEEN] = now
        store[IDLE_SECONDS] = settings.SESSION_IDLE_MINUTES_PATIENT * 60
        store.create()
        return str(store.session_key)


def free_sessions(program: Program, today: date) -> Iterator[tuple[date, int, dict[str, str]]]:
    """The sessions of `program` the patient may still log (the last BACKDATE_DAYS days), each
    with the form a patient sends: every exercise done at the prescribed dose, pain 2."""
    logged = set(
        program.sessions.filter(date__gte=today - timedelta(days=BACKDATE_DAYS)).values_list(
            "date", "slot"
        )
    )
    items = list(program.items.all())
    for back in range(BACKDATE_DAYS + 1):
        day = today - timedelta(days=back)
        try:
            check_log_day(program, day, today)
        except LogError:
            continue
        due = items_due(items, day)
        for slot in range(1, sessions_per_day(due) + 1):
            if (day, slot) in logged:
                continue
            fields = {
                "date": day.isoformat(),
                "slot": str(slot),
                "revision": "0",
                "difficulty": Difficulty.ABOUT_RIGHT,
                "note": "",
            }
            for item in due:
                if item.effective_frequency.times_per_day < slot:
                    continue
                reps = prefilled_reps(item)
                fields |= {
                    f"status-{item.pk}": EntryStatus.DONE,
                    f"reason-{item.pk}": "",
                    f"sets-{item.pk}": "" if item.sets is None else str(item.sets),
                    f"reps-{item.pk}": "" if reps is None else str(reps),
                    f"pain-{item.pk}": "2",
                }
            yield day, slot, fields


def gather_facts(secret_key: str, free_wanted: int, burst: int) -> Facts:
    """What the benchmark needs from the data set in the default database (see
    default_database): run once a size, before its server starts."""
    clinic = Clinic.objects.get(slug="generated-1")
    today = clinic.today()
    patient = Patient.objects.select_related("primary_clinician__user").get(
        user__email=email("patient1")
    )
    mine = Program.objects.filter(patient=patient, status=Program.Status.ACTIVE)
    program = mine.order_by("pk").first()
    discharged = (
        Program.objects.filter(
            patient__user__email=email("patient2"), status=Program.Status.DISCHARGED
        )
        .order_by("pk")
        .first()
    )
    if program is None or discharged is None or patient.primary_clinician is None:
        raise LookupError(
            "generated clinic 1 lacks patient 1's active program, patient 2's discharged "
            "program or patient 1's clinician: rebuild the data set (drop --reuse)"
        )
    others = (
        Program.objects.filter(
            clinic__slug__startswith="generated-",
            status=Program.Status.ACTIVE,
            patient__user__isnull=False,
            patient__user__is_active=True,
        )
        .exclude(patient__user__email__in=[email("patient1"), email("patient2")])
        .filter(items__isnull=False)
        .distinct()
        .select_related("patient__user", "clinic")
        .prefetch_related(Prefetch("items", ProgramItem.objects.select_related("program")))
        .order_by("pk")
    )
    facts = Facts(
        clinician=patient.primary_clinician.user.email,
        admin=email("admin"),
        patient=email("patient1"),
        patient_pk=patient.pk,
        program=program.pk,
        discharged=discharged.pk,
        fresh_program=program.pk,
    )
    cookies: dict[int, str] = {}
    for other in others.iterator(chunk_size=200):
        user = other.require_patient().user
        if user is None:
            continue
        if facts.fresh_program == program.pk and other.clinic_id == clinic.pk:
            facts.fresh_program = other.pk
        if user.pk not in cookies:
            cookies[user.pk] = session_cookie(user, secret_key)
            if len(facts.burst) < burst:  # one program each of different patients
                facts.burst.append((cookies[user.pk], other.pk))
        if other.clinic_id != clinic.pk and len(facts.free) >= free_wanted:
            continue
        for day, slot, fields in free_sessions(other, today):
            facts.free.append(FreeSession(cookies[user.pk], other.pk, day, slot, fields))
        if len(facts.free) >= free_wanted and len(facts.burst) >= burst:
            break

    fresh = Program.objects.get(pk=facts.fresh_program)
    facts.handout_html = handouts.handout(fresh, PORTAL).html
    facts.summary_html = handouts.discharge_summary(discharged, PORTAL).html
    return facts


def weasyprint_timed(html: str) -> Response:
    """WeasyPrint alone on `html`, in this process, as a Response the table can time."""
    started = time.perf_counter()
    weasyprint_alone(html)
    return Response(200, http.client.HTTPMessage(), b"", time.perf_counter() - started)
