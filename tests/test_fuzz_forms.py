"""Property-based fuzzing of every form a patient or clinician posts: arbitrary text, numbers,
null characters, very long strings, far dates and missing fields.

Each request must answer with a page, a redirect, a 400 or a 404 (never a server error), and a
request that does not succeed saves nothing: the rows it could touch are the same afterwards.
The world (clinic, people, library, an active program) is built once per test; hypothesis then
posts `max_examples` bodies into it. Run with `-s -p no:xdist` to see how many requests were
made; `FUZZ_RANDOM=1 FUZZ_EXAMPLES=300` explores new bodies."""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from io import BytesIO
from typing import Any
from urllib.parse import quote

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from PIL import Image

from clinic.invitations import send_invitation
from clinic.models import (
    Clinic,
    Clinician,
    Invitation,
    LoginFailure,
    Patient,
    StaffInvitation,
    User,
)
from clinic.staff import invite_clinician
from exercises.ladder import ladders_for
from exercises.loader import load_library
from exercises.models import Exercise, ExerciseLink
from programs.models import Program, ProgramItem, ProgramVersion, SessionEntry, SessionLog
from tests.factories import PASSWORD, PatientFactory, active_program

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "30")),
    # The same bodies on every run, so the suite passes or fails on the code alone; set
    # FUZZ_RANDOM=1 (and a larger FUZZ_EXAMPLES) to explore new bodies by hand.
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,  # nothing written into the working tree
)
ALLOWED = {200, 302, 400, 404}
STATS: Counter[str] = Counter()
OUTCOMES: Counter[tuple[str, int]] = Counter()
MISSING = object()  # a field left out of the body

# --- hostile values -------------------------------------------------------------------------

EDGE_CASES = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\nBcc: x@example.com",
    "-1",
    "0",
    "1.5",
    "1e9",
    "NaN",
    "inf",
    "99999999999999999999999999",
    "-99999999999999999999999999",
    "9999-12-31",
    "0001-01-01",
    "2024-02-30",
    "10000-01-01",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "٣",  # an Arabic-Indic three: isdigit() says yes, int() says 3
    "１２",
    "on",
    "None",
    "x" * 5_000,
    "é" * 70_000,
]
HOSTILE: SearchStrategy[Any] = st.one_of(
    st.sampled_from(EDGE_CASES),
    st.text(max_size=30),
    st.text(max_size=10).map(lambda text: text + "\x00"),
    st.integers(-(2**70), 2**70),
    st.dates().map(str),
    st.lists(st.sampled_from(EDGE_CASES[:14]), min_size=2, max_size=3),
)


def text(*samples: str) -> SearchStrategy[str]:
    return st.sampled_from(samples)


def ints(low: int, high: int) -> SearchStrategy[int]:
    return st.integers(low, high)


def days_from_today(low: int, high: int) -> SearchStrategy[str]:
    return st.integers(low, high).map(
        lambda n: (timezone.localdate() + timedelta(days=n)).isoformat()
    )


def bodies(valid: dict[str, SearchStrategy[Any]]) -> SearchStrategy[dict[str, Any]]:
    """Posted bodies: all valid; valid but one field hostile or missing; or any field hostile
    or missing. The first two reach the code behind a valid form."""

    def spoil(data: dict[str, Any]) -> SearchStrategy[dict[str, Any]]:
        def put(name: str, value: Any) -> dict[str, Any]:
            spoiled = dict(data)
            if value is MISSING:
                spoiled.pop(name)
            else:
                spoiled[name] = value
            return spoiled

        return st.sampled_from(sorted(data)).flatmap(
            lambda name: st.one_of(HOSTILE, st.just(MISSING)).map(lambda value: put(name, value))
        )

    all_valid = st.fixed_dictionaries(valid)
    return st.one_of(
        all_valid,
        all_valid.flatmap(spoil),
        st.fixed_dictionaries(
            {}, optional={name: st.one_of(value, HOSTILE) for name, value in valid.items()}
        ),
    )


def prefixed(prefix: str, data: dict[str, Any]) -> dict[str, Any]:
    return {f"{prefix}-{name}": value for name, value in data.items()}


# --- requests -------------------------------------------------------------------------------


def client_for(user: User | None) -> Client:
    """A server error answers 500, as in production, instead of raising in the test."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def send(
    form: str,
    client: Client,
    url: str,
    data: dict[str, Any],
    *,
    allowed: set[int] = ALLOWED,
    **extra: Any,
) -> int:
    STATS["requests"] += 1
    STATS[form] += 1
    response = client.post(url, data, **extra)
    OUTCOMES[form, response.status_code] += 1
    if response.status_code >= 500:
        STATS["server errors"] += 1
    assert response.status_code in allowed, f"{form}: {response.status_code} for {data!r}"
    return response.status_code


def rows(model: type, **filters: Any) -> list[dict[str, Any]]:
    """Every stored value of the matching rows, to compare before and after a request."""
    return list(model._default_manager.filter(**filters).order_by("pk").values())


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    forms = {name: n for name, n in STATS.items() if name not in {"requests", "server errors"}}
    print(
        f"\nFuzzed {STATS['requests']} requests over {len(forms)} forms "
        f"({', '.join(f'{name} {n}' for name, n in sorted(forms.items()))}); "
        f"{STATS['server errors']} server errors."
    )
    print("Answers:", ", ".join(f"{f} {s}: {n}" for (f, s), n in sorted(OUTCOMES.items())))


# --- the world ------------------------------------------------------------------------------


@pytest.fixture
def library(db):
    load_library()


@pytest.fixture
def program(library, patient_a, clinician_a) -> Program:
    return active_program(patient_a, clinician_a)


def revision_of(program: Program) -> int:
    return Program.objects.values_list("revision", flat=True).get(pk=program.pk)


REVISION = st.one_of(st.just("current"), HOSTILE)


def with_revision(data: dict[str, Any], program: Program) -> dict[str, Any]:
    if data.get("revision") == "current":
        return {**data, "revision": revision_of(program)}
    return data


def program_state(program: Program) -> list[Any]:
    return [
        rows(Program, pk=program.pk),
        rows(ProgramItem, program=program),
        rows(ProgramVersion, program=program),
    ]


# --- the patient's forms --------------------------------------------------------------------


def test_fuzz_session_log(library, patient_a, clinician_a):
    start = patient_a.today() - timedelta(days=10)  # so that earlier days can be logged too
    program = active_program(patient_a, clinician_a, start=start)
    items = list(program.items.all())
    per_item: dict[str, SearchStrategy[Any]] = {}
    for item in items:
        per_item |= {
            f"status-{item.pk}": text("done", "skipped"),
            f"reason-{item.pk}": text("", "Too sore"),
            f"sets-{item.pk}": ints(1, 10),
            f"reps-{item.pk}": ints(1, 100),
            f"pain-{item.pk}": text("", *[str(n) for n in range(11)]),
        }
    valid = {
        "token": st.uuids().map(str),
        "revision": st.just(0),
        "difficulty": text("", "too_easy", "about_right", "too_hard"),
        "note": text("", "Felt fine."),
        "date": st.integers(-3, 0).map(lambda n: (start + timedelta(days=10 + n)).isoformat()),
        "slot": text("1", ""),
        **per_item,
    }
    client = client_for(patient_a.user)
    url = reverse("portal_log", args=[program.pk])

    def logs() -> list[Any]:
        return [rows(SessionLog, program=program), rows(SessionEntry, session__program=program)]

    @FUZZ
    @given(data=bodies(valid), forged=st.booleans())
    def run(data: dict[str, Any], forged: bool) -> None:
        if forged:  # an exercise that is not in the program
            data = {**data, f"status-{items[-1].pk + 1000}": "done"}
        before = logs()
        status = send("session log", client, url, data)
        if status != 302:
            assert logs() == before

    run()


def given_bodies(valid: dict[str, SearchStrategy[Any]]) -> Callable[..., Any]:
    return given(data=bodies(valid))


def test_fuzz_reminder_settings(patient_a):
    client = client_for(patient_a.user)

    @FUZZ
    @given_bodies({"reminders_enabled": text("on", ""), "reminder_hour": ints(0, 23)})
    def run(data: dict[str, Any]) -> None:
        before = rows(Patient, pk=patient_a.pk)
        if send("reminder settings", client, reverse("portal_settings"), data) != 302:
            assert rows(Patient, pk=patient_a.pk) == before

    run()


# --- the program builder --------------------------------------------------------------------


def test_fuzz_program_settings(program, clinician_a):
    client = client_for(clinician_a.user)
    valid = {
        "title": text("Hip program", "Knee"),
        "start_date": days_from_today(-30, 30),
        "end_date": days_from_today(30, 400),
        "times_per_day": ints(1, 6),
        "days_per_week": ints(1, 7),
        "weekdays": st.lists(text(*[str(n) for n in range(7)]), max_size=3),
        "note": text("", "Go gently."),
        "stop_if": text("", "Sharp pain."),
        "pain_threshold": text("", *[str(n) for n in range(11)]),
    }

    @FUZZ
    @given_bodies({**valid, "revision": REVISION})
    def run(data: dict[str, Any]) -> None:
        data = with_revision(data, program)
        body = {**prefixed("program", data), "revision": data.get("revision", "")}
        before = program_state(program)
        url = reverse("program_settings", args=[program.pk])
        if send("program settings", client, url, body) != 302:
            assert program_state(program) == before

    run()


def test_fuzz_item_dose(program, clinician_a):
    client = client_for(clinician_a.user)
    item = program.items.first()
    valid = {
        "sets": ints(1, 10),
        "reps_min": ints(1, 30),
        "reps_max": text("", "12", "20"),
        "to_fatigue": text("", "on"),
        "hold_min": ints(0, 60),
        "hold_max": text("", "30"),
        "side": text("each", "left", "right", "both"),
        "rest_seconds": ints(0, 120),
        "band": text("", "red", "blue"),
        "load_kg": text("", "2.5", "10"),
        "note": text("", "Slowly."),
        "has_own_frequency": text("", "on"),
        "times_per_day": ints(1, 6),
        "days_per_week": ints(1, 7),
        "weekdays": st.lists(text(*[str(n) for n in range(7)]), max_size=3),
    }

    @FUZZ
    @given_bodies({**valid, "revision": REVISION})
    def run(data: dict[str, Any]) -> None:
        data = with_revision(data, program)
        body = {**prefixed(f"item-{item.pk}", data), "revision": data.get("revision", "")}
        before = program_state(program)
        url = reverse("program_item_update", args=[program.pk, item.pk])
        if send("item dose", client, url, body) != 302:
            assert program_state(program) == before

    run()


def test_fuzz_add_exercise(program, clinician_a):
    client = client_for(clinician_a.user)
    library_pks = list(Exercise.objects.filter(clinic=None).values_list("pk", flat=True)[:20])
    valid = {
        "exercise": st.sampled_from(library_pks),
        "side": text("", "left", "right", "each"),
        "q": text("", "clam"),
        "revision": REVISION,
    }

    @FUZZ
    @given_bodies(valid)
    def run(data: dict[str, Any]) -> None:
        data = with_revision(data, program)
        before = program_state(program)
        url = reverse("program_item_add", args=[program.pk])
        status = send("add exercise", client, url, data)
        added = ProgramItem.objects.filter(program=program).count() - len(before[1])
        assert added in {0, 1}
        if status != 302:
            assert program_state(program) == before

    run()


def test_fuzz_swap(program, clinician_a):
    client = client_for(clinician_a.user)
    items = list(program.items.select_related("exercise"))
    ladders = ladders_for([item.exercise for item in items], clinician_a.clinic)
    choices = [
        f"{kind}:{rung.exercise.pk}"
        for ladder in ladders.values()
        for kind, rungs in [
            ("progression", ladder.progressions),
            ("regression", ladder.regressions),
            ("alternative", ladder.alternatives),
        ]
        for rung in rungs
    ]
    valid = {
        "item": st.sampled_from([item.pk for item in items]),
        "swap": st.sampled_from(choices),
        "keep_dose": text("", "on"),
        "revision": REVISION,
    }

    @FUZZ
    @given_bodies(valid)
    def run(data: dict[str, Any]) -> None:
        data = with_revision(data, program)
        item_pk = data.pop("item", items[0].pk)
        item_pk = item_pk if isinstance(item_pk, int) and 0 < item_pk < 2**31 else items[0].pk
        before = program_state(program)
        url = reverse("program_item_swap", args=[program.pk, item_pk])
        if send("swap", client, url, data) != 302:
            assert program_state(program) == before

    run()


def test_fuzz_copy(program, clinician_a, patient_a2):
    client = client_for(clinician_a.user)

    @FUZZ
    @given_bodies({"patient": st.just(patient_a2.pk)})
    def run(data: dict[str, Any]) -> None:
        before = rows(Program)
        if send("copy", client, reverse("program_copy", args=[program.pk]), data) != 302:
            assert rows(Program) == before

    run()


def test_fuzz_save_as_template(program, clinician_a):
    client = client_for(clinician_a.user)
    valid = {"title": text("Hip basics", "ACL phase 1"), "scope": text("personal", "clinic")}

    @FUZZ
    @given_bodies(valid)
    def run(data: dict[str, Any]) -> None:
        before = rows(Program)
        url = reverse("program_save_template", args=[program.pk])
        if send("save as template", client, url, data) != 302:
            assert rows(Program) == before

    run()


def test_fuzz_new_program(library, clinician_a, patient_a2):
    client = client_for(clinician_a.user)
    valid = {
        "title": text("Knee program"),
        "start_date": days_from_today(-10, 10),
        "end_date": text(""),
        "times_per_day": ints(1, 3),
        "days_per_week": ints(1, 7),
        "template": text(""),
    }

    @FUZZ
    @given_bodies(valid)
    def run(data: dict[str, Any]) -> None:
        before = rows(Program)
        url = reverse("program_create", args=[patient_a2.pk])
        if send("new program", client, url, prefixed("program", data)) != 302:
            assert rows(Program) == before

    run()


# --- patients and the library ---------------------------------------------------------------


def patient_fields(clinician: Clinician) -> dict[str, SearchStrategy[Any]]:
    return {
        "first_name": text("Ann", "José"),
        "last_name": text("Lee", "O'Neill"),
        "date_of_birth": text("1980-02-03", "1950-12-31"),
        "email": st.integers(0, 10**6).map(lambda n: f"ann{n}@example.com"),
        "phone": text("", "01234 567890"),
        "preferred_language": text("en", "es", ""),
        "primary_clinician": st.just(clinician.pk),
    }


def test_fuzz_patient_create(clinician_a):
    client = client_for(clinician_a.user)

    @FUZZ
    @given_bodies(patient_fields(clinician_a))
    def run(data: dict[str, Any]) -> None:
        before = rows(Patient)
        if send("patient create", client, reverse("patient_create"), data) != 302:
            assert rows(Patient) == before

    run()


def test_fuzz_patient_edit(clinician_a, patient_a2):
    client = client_for(clinician_a.user)

    @FUZZ
    @given_bodies(patient_fields(clinician_a))
    def run(data: dict[str, Any]) -> None:
        before = rows(Patient)
        url = reverse("patient_edit", args=[patient_a2.pk])
        if send("patient edit", client, url, data) != 302:
            assert rows(Patient) == before

    run()


def picture_bytes(kind: str) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (30, 20), "teal").save(buffer, "PNG")
    whole = buffer.getvalue()
    return {
        "png": whole,
        "cut": whole[: len(whole) // 2],
        "junk": b"\x89PNG\r\n\x1a\n" + b"\0" * 50,
    }[kind]


UPLOADS = st.sampled_from(["png", "cut", "junk"]).map(
    lambda kind: SimpleUploadedFile(f"{kind}.png", picture_bytes(kind))
)


def test_fuzz_exercise_create(library, clinician_a):
    client = client_for(clinician_a.user)
    library_pks = list(Exercise.objects.filter(clinic=None).values_list("pk", flat=True)[:10])
    valid = {
        "name": text("Heel raise", "Wall sit"),
        "summary": text("Rise up onto your toes."),
        "purpose": text("Stronger calves."),
        "position": text("standing", "sitting"),
        "region": text("lower_body"),
        "body_part": text("ankle_foot", "knee"),
        "activity_type": text("body_weight"),
        "skill_level": text("all"),
        "steps": text("Stand tall.\nRise up.", "One.\n\nTwo."),
        "cues": text("", "Keep your knees straight."),
        "sets": ints(1, 5),
        "reps_min": ints(1, 20),
        "hold_min": ints(0, 10),
        "rest_seconds": ints(0, 60),
        "side": text("both", "each"),
        "progressions": st.lists(st.sampled_from(library_pks), max_size=2),
        "alternatives": st.lists(st.sampled_from(library_pks), max_size=2),
        "video_url": text("", "https://example.com/v"),
        "upload": UPLOADS,
    }

    @FUZZ
    @given_bodies(valid)
    def run(data: dict[str, Any]) -> None:
        before = [rows(Exercise), rows(ExerciseLink)]
        if send("exercise create", client, reverse("exercise_create"), data) != 302:
            assert [rows(Exercise), rows(ExerciseLink)] == before

    run()


# --- clinic administration ------------------------------------------------------------------


def test_fuzz_clinic_settings(admin_a):
    client = client_for(admin_a.user)
    valid = {
        "name": text("Northside Physio"),
        "email": text("", "desk@northside.example"),
        "phone": text("", "01234 567890"),
        "address": text("", "1 High St\nTown"),
        "website": text("", "northside.example"),
        "timezone": text("Europe/London", "Australia/Brisbane"),
        "brand_colour": text("#123abc"),
        "handout_footer": text(""),
        "paper_size": text("a4", "letter"),
        "silence_days": ints(1, 60),
        "pain_threshold": ints(1, 10),
        "emergency_number": text("999", "112"),
        "pain_advice": text(""),
        "upload": UPLOADS,
    }

    @FUZZ
    @given_bodies(valid)
    def run(data: dict[str, Any]) -> None:
        before = rows(Clinic, pk=admin_a.clinic_id)
        if send("clinic settings", client, reverse("clinic_settings"), data) != 302:
            assert rows(Clinic, pk=admin_a.clinic_id) == before

    run()


def test_fuzz_staff_invite(admin_a):
    client = client_for(admin_a.user)
    valid = {
        "full_name": text("Dee Newhire"),
        "email": st.integers(0, 10**6).map(lambda n: f"dee{n}@northside.example"),
        "role": text("clinician", "admin"),
    }

    @FUZZ
    @given_bodies(valid)
    def run(data: dict[str, Any]) -> None:
        before = [rows(User), rows(Clinician), rows(StaffInvitation), len(mail.outbox)]
        if send("staff invite", client, reverse("staff_invite"), data) != 302:
            assert [rows(User), rows(Clinician), rows(StaffInvitation), len(mail.outbox)] == before

    run()


# --- signing in -----------------------------------------------------------------------------


def test_fuzz_invitation_accept(clinician_a, settings):
    settings.INVITATIONS_PER_SENDER_HOUR = 10_000  # one invitation per body posted
    client = client_for(None)
    valid = {"password1": text("a-long-new-passphrase"), "password2": text("a-long-new-passphrase")}

    @FUZZ
    @given_bodies(valid)
    def run(data: dict[str, Any]) -> None:
        # A fresh patient each time: an accepted link answers 410 Gone from then on.
        patient = PatientFactory(primary_clinician=clinician_a)
        sent = send_invitation(patient, sent_by=clinician_a.user, base_url="http://testserver/")
        url = sent.link.removeprefix("http://testserver")
        before = [rows(User), rows(Patient, pk=patient.pk), rows(Invitation)]
        if send("invitation accept", client, url, data) != 302:
            assert [rows(User), rows(Patient, pk=patient.pk), rows(Invitation)] == before
        client.logout()

    run()


def test_fuzz_joining_the_team(admin_a, settings):
    settings.INVITATIONS_PER_SENDER_HOUR = 10_000  # one invitation per body posted
    client = client_for(None)
    valid = {"password1": text("a-long-new-passphrase"), "password2": text("a-long-new-passphrase")}
    invited = iter(range(10**6))

    @FUZZ
    @given_bodies(valid)
    def run(data: dict[str, Any]) -> None:
        # A fresh address each time: an accepted link answers 410 Gone from then on.
        mail.outbox.clear()
        invite_clinician(
            admin_a.clinic,
            email=f"new{next(invited)}@northside.example",
            full_name="Nia Newcomer",
            role="clinician",
            base_url="http://testserver/",
            sent_by=admin_a.user,
        )
        url = re.search(r"/join/\S+/", mail.outbox[0].body)[0]
        before = [rows(User), rows(Clinician), rows(StaffInvitation)]
        if send("join the team", client, url, data) != 302:
            assert [rows(User), rows(Clinician), rows(StaffInvitation)] == before
        client.logout()

    run()


def test_fuzz_invitation_token_in_the_address(db):
    client = client_for(None)

    @FUZZ
    @given_bodies({"token": st.text(min_size=1, max_size=60)})
    def run(data: dict[str, Any]) -> None:
        token = quote(str(data.get("token") or "x"), safe="")
        url = reverse("accept_invitation", args=["placeholder"]).replace("placeholder", token)
        send("invitation token", client, url, {})

    run()


def test_fuzz_login(clinician_a):
    client = client_for(None)
    valid = {
        "username": text(clinician_a.user.email, "nobody@example.com"),
        "password": text(PASSWORD, "wrong password"),
        "next": text("", "/dashboard/", "https://evil.example/"),
    }

    @FUZZ
    @given_bodies(valid)
    def run(data: dict[str, Any]) -> None:
        LoginFailure.objects.all().delete()  # so the throttle does not hide the form's paths
        client.logout()
        status = send("login", client, reverse("login"), data)
        if status != 302:
            assert "_auth_user_id" not in client.session

    run()


def test_fuzz_password_reset(clinician_a):
    client = client_for(None)

    @FUZZ
    @given_bodies({"email": text(clinician_a.user.email, "nobody@example.com")})
    def run(data: dict[str, Any]) -> None:
        before = len(mail.outbox)
        if send("password reset", client, reverse("password_reset"), data) != 302:
            assert len(mail.outbox) == before

    run()


# --- searches (GET) -------------------------------------------------------------------------


def test_fuzz_searches(program, clinician_a, patient_a):
    clinician, patient = client_for(clinician_a.user), client_for(patient_a.user)
    pages = [
        (clinician, reverse("library")),
        (clinician, reverse("patient_list")),
        (clinician, reverse("program_builder", args=[program.pk])),
        (clinician, reverse("program_search", args=[program.pk])),
        (patient, reverse("portal_history")),
        (patient, reverse("portal_log", args=[program.pk])),
    ]
    valid = {
        "q": text("clam", "pat"),
        "region": text("", "lower_body"),
        "equipment": text("", "band"),
        "status": text("", "active"),
        "page": text("1", "2"),
        "date": days_from_today(-3, 0),
        "slot": text("1", "2"),
    }

    @FUZZ
    @given_bodies(valid)
    def run(data: dict[str, Any]) -> None:
        for client, url in pages:
            STATS["requests"] += 1
            STATS["searches (GET)"] += 1
            headers = {"HX-Request": "true"} if url.endswith("/search/") else {}
            response = client.get(url, data, headers=headers)
            assert response.status_code in ALLOWED, f"{url}: {response.status_code} for {data!r}"

    run()
