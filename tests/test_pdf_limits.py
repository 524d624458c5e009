"""PDF rendering is bounded per user (a few at once, a few a minute) and per machine (a few at
once, whoever asks), a stored summary is served from storage and never rendered again, and
every download is on the audit trail."""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.urls import reverse

from clinic.models import AuditAction, AuditEntry, AuditSubject
from exercises.loader import load_library
from programs import handouts, stored_handouts
from programs.models import Program
from programs.render_limits import at_once, per_minute, render_place, renders_overall
from tests.conftest import client_for
from tests.factories import active_program

PDF = b"%PDF-1.7 stand-in"
real_render_pdf = handouts.render_pdf


@pytest.fixture
def program(db, clinician_a, patient_a) -> Program:
    load_library()
    return active_program(patient_a, clinician_a, slugs=["clamshell"])


@pytest.fixture
def quick_renders(monkeypatch) -> list[str]:
    """Renders that take no time and are not stored (tests/test_pdf_store.py has the stored
    handouts): what is tested here is who may start one. Returns the list of records rendered
    ("program 12"), in order."""
    rendered: list[str] = []

    def render(kind, context, about):
        rendered.append(about)
        return handouts.Rendered("", PDF)

    monkeypatch.setattr(handouts, "render_pdf", render)
    monkeypatch.setattr(stored_handouts, "keep_copy", lambda program, copy, pdf: None)
    return rendered


@pytest.fixture
def discharged(program, clinician_a) -> Program:
    client_for(clinician_a.user).post(
        reverse("program_discharge", args=[program.pk]), {"revision": program.revision}
    )
    program.refresh_from_db()
    assert program.status == Program.Status.DISCHARGED and program.discharge_summary
    return program


def handout_url(program: Program) -> str:
    return reverse("program_handout", args=[program.pk])


def test_the_limits_are_counted_in_the_database_so_every_worker_shares_them():
    assert isinstance(caches["default"], DatabaseCache)


def test_a_render_beyond_those_running_at_once_gets_a_try_again_page(
    program, clinician_a, settings, quick_renders
):
    settings.PDF_RENDERS_AT_ONCE = 2
    for _ in range(2):  # two renders of this user's still running in other workers
        at_once().take(clinician_a.user.pk)
    response = client_for(clinician_a.user).get(handout_url(program))
    assert response.status_code == 429
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "Your PDF is being prepared" in page and "Try again in a few seconds" in page
    assert f'href="{handout_url(program)}"' in page  # try again
    assert f'href="{program.patient.get_absolute_url()}"' in page  # go back
    assert quick_renders == []


def test_another_user_is_not_held_up_by_a_busy_one(
    program, clinician_a, patient_a, settings, quick_renders
):
    settings.PDF_RENDERS_AT_ONCE = 1
    at_once().take(clinician_a.user.pk)
    response = client_for(patient_a.user).get(reverse("portal_handout", args=[program.pk]))
    assert response.status_code == 200 and response.content == PDF


def test_renders_per_minute_are_limited_and_say_when_to_come_back(
    program, patient_a, settings, quick_renders
):
    settings.PDF_RENDERS_PER_MINUTE = 3
    client = client_for(patient_a.user)
    url = reverse("portal_handout", args=[program.pk])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(url)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert f'href="{reverse("portal_home")}"' in refused.content.decode()
    assert len(quick_renders) == 3


def test_a_render_that_fails_gives_its_place_back(program, clinician_a, settings, monkeypatch):
    settings.PDF_RENDERS_AT_ONCE = 1

    def broken(*args, **kwargs):
        raise OSError("the PDF engine ran out of memory")

    monkeypatch.setattr(handouts, "render_pdf", broken)
    with pytest.raises(OSError, match="out of memory"):
        client_for(clinician_a.user).get(handout_url(program))
    monkeypatch.setattr(
        handouts, "render_pdf", lambda kind, context, about: handouts.Rendered("", PDF)
    )
    assert client_for(clinician_a.user).get(handout_url(program)).status_code == 200


def test_a_refused_render_takes_no_turn_of_the_minute(
    program, clinician_a, settings, quick_renders
):
    settings.PDF_RENDERS_AT_ONCE, settings.PDF_RENDERS_PER_MINUTE = 1, 2
    slot = at_once().take(clinician_a.user.pk)
    client = client_for(clinician_a.user)
    assert [client.get(handout_url(program)).status_code for _ in range(3)] == [429] * 3
    at_once().give_back(slot)
    assert [client.get(handout_url(program)).status_code for _ in range(3)] == [200, 200, 429]


def test_a_stored_summary_is_served_from_storage_and_never_rendered_again(
    discharged, clinician_a, patient_a, settings, monkeypatch
):
    with discharged.discharge_summary.open("rb") as stored:
        pdf = stored.read()

    def no_render(*args, **kwargs):
        raise AssertionError("a stored summary was rendered again")

    monkeypatch.setattr(handouts, "render_pdf", no_render)
    settings.PDF_RENDERS_PER_MINUTE = 1
    for user in (clinician_a.user, patient_a.user):  # every place taken: no render may start
        at_once().take(user.pk)
        per_minute().take(user.pk)
    for client, url in [
        (client_for(clinician_a.user), "program_discharge_summary"),
        (client_for(patient_a.user), "portal_discharge_summary"),
    ]:
        response = client.get(reverse(url, args=[discharged.pk]))
        assert response.status_code == 200 and response.content == pdf


def test_making_the_summary_again_is_limited_like_any_render(
    discharged, clinician_a, settings, quick_renders
):
    settings.PDF_RENDERS_AT_ONCE = 1
    first = discharged.discharge_summary.name
    at_once().take(clinician_a.user.pk)
    response = client_for(clinician_a.user).post(
        reverse("program_regenerate_summary", args=[discharged.pk])
    )
    assert response.status_code == 429
    assert ">Try again</a>" not in response.content.decode()  # a POST is not repeated by a link
    discharged.refresh_from_db()
    assert discharged.discharge_summary.name == first


# --- the audit trail ------------------------------------------------------------------------


def document_entries(program: Program) -> list[tuple[str, str, int | None, str]]:
    return list(
        AuditEntry.objects.filter(subject=AuditSubject.DOCUMENT)
        .order_by("pk")
        .values_list("action", "detail", "user", "object_id")
        .filter(patient=program.patient)
    )


def test_every_download_is_on_the_audit_trail(
    program, clinician_a, patient_a, quick_renders, monkeypatch
):
    client_for(clinician_a.user).get(handout_url(program))
    client_for(patient_a.user).get(reverse("portal_handout", args=[program.pk]))
    pk = str(program.pk)
    assert document_entries(program) == [
        (AuditAction.DOWNLOAD, "handout", clinician_a.user.pk, pk),
        (AuditAction.DOWNLOAD, "handout", patient_a.user.pk, pk),
    ]


def test_the_stored_summary_and_its_downloads_are_on_the_audit_trail(
    discharged, clinician_a, patient_a
):
    client_for(clinician_a.user).get(reverse("program_discharge_summary", args=[discharged.pk]))
    client_for(patient_a.user).get(reverse("portal_discharge_summary", args=[discharged.pk]))
    pk = str(discharged.pk)
    assert document_entries(discharged) == [
        (AuditAction.CREATE, "discharge summary", clinician_a.user.pk, pk),
        (AuditAction.DOWNLOAD, "discharge summary", clinician_a.user.pk, pk),
        (AuditAction.DOWNLOAD, "discharge summary", patient_a.user.pk, pk),
    ]


def test_a_refused_render_is_not_a_download(program, clinician_a, settings, quick_renders):
    settings.PDF_RENDERS_AT_ONCE = 1
    at_once().take(clinician_a.user.pk)
    client_for(clinician_a.user).get(handout_url(program))
    assert document_entries(program) == []


# --- the machine's render places -------------------------------------------------------------


@pytest.fixture
def places(settings, tmp_path):
    """Render places of the test's own, two of them."""
    settings.PDF_RENDER_PLACES_DIR = str(tmp_path / "places")
    settings.PDF_RENDERS_OVERALL = 2
    return settings


def hold_a_place(seconds: float, log: list[tuple[str, float]], wait: float = 30) -> None:
    with render_place(wait=wait):
        log.append(("in", time.monotonic()))
        time.sleep(seconds)
        log.append(("out", time.monotonic()))


def most_at_once(log: list[tuple[str, float]]) -> int:
    running = most = 0
    for event, _ in sorted(log, key=lambda entry: (entry[1], entry[0] == "in")):
        running += 1 if event == "in" else -1
        most = max(most, running)
    return most


def test_a_burst_of_renders_in_threads_runs_two_at_once(places):
    log: list[tuple[str, float]] = []
    threads = [threading.Thread(target=hold_a_place, args=(0.2, log)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(log) == 16  # every render ran
    assert most_at_once(log) == 2


def _process_holds_a_place(folder: str, seconds: float, queue) -> None:  # in a child process
    log: list[tuple[str, float]] = []
    hold_a_place(seconds, log)
    queue.put(log)


def test_a_burst_of_renders_in_several_processes_runs_two_at_once(places):
    """gunicorn's workers are processes: the places hold across them (the machine's lock files)."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [
        context.Process(
            target=_process_holds_a_place, args=(places.PDF_RENDER_PLACES_DIR, 0.3, queue)
        )
        for _ in range(5)
    ]
    for worker in workers:
        worker.start()
    log = [entry for _ in workers for entry in queue.get(timeout=30)]
    for worker in workers:
        worker.join()
    assert len(log) == 10
    assert most_at_once(log) == 2


def test_a_render_with_no_free_place_in_time_gets_a_try_again_page(
    program, clinician_a, places, quick_renders, monkeypatch
):
    """Every place busy for longer than a request waits: 429, nothing recorded, and the
    minute's turn given back (it was not a render)."""
    places.PDF_RENDERS_OVERALL, places.PDF_RENDER_WAIT_SECONDS = 1, 0.2
    monkeypatch.setattr(handouts, "render_pdf", real_render_pdf)
    monkeypatch.setattr(handouts, "write_pdf", lambda html: PDF)
    places.PDF_RENDERS_PER_MINUTE = 1
    busy, done = threading.Event(), threading.Event()

    def long_render() -> None:
        with render_place():
            busy.set()
            done.wait(10)

    other = threading.Thread(target=long_render)
    other.start()
    busy.wait(5)
    try:
        response = client_for(clinician_a.user).get(handout_url(program))
    finally:
        done.set()
        other.join()
    assert response.status_code == 429 and response["Retry-After"] == "5"
    assert "Your PDF is being prepared" in response.content.decode()
    assert document_entries(program) == []
    # the place is free again and the minute's one turn is still there
    response = client_for(clinician_a.user).get(handout_url(program))
    assert response.status_code == 200 and response.content == PDF


def test_places_default_to_one_fewer_than_the_processors(settings):
    import os

    import clinic.settings

    assert max(1, (os.cpu_count() or 1) - 1) == clinic.settings.PDF_RENDERS_OVERALL
    settings.PDF_RENDERS_OVERALL = 3
    assert renders_overall() == 3
