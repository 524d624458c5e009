import io
import logging
import threading
import urllib.request
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from pypdf import PdfReader
from weasyprint import HTML

from exercises.loader import load_library
from exercises.models import Exercise
from programs import handouts, prescribing
from programs.handouts import RefusedURL, SafeFetcher
from programs.models import DocumentDownload, Program
from tests.conftest import client_for
from tests.factories import ExerciseFactory, active_program

PORTAL = "https://physio.example.org/accounts/login/"
SEVEN = [  # the seed exercises
    "clamshell",
    "clamshell-loop-band",
    "reverse-clamshell",
    "reverse-clamshell-mini-band",
    "reverse-clamshell-abduction-extension",
    "side-lying-leg-raise",
    "windshield-wiper-stretch",
]


def squeezed(text: str) -> str:
    """Without any white space: long words and links may break across lines in a PDF."""
    return "".join(text.split())


def read(pdf: bytes) -> tuple[str, int, list[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    pages = [page.extract_text() for page in reader.pages]
    # PDF text breaks lines where the layout does; compare with single spaces.
    return " ".join(" ".join(pages).split()), len(pages), pages


@pytest.fixture
def library(db):
    load_library()


@pytest.fixture
def seven(library, clinician_a, patient_a):
    return active_program(patient_a, clinician_a, slugs=SEVEN)


@pytest.fixture
def weasyprint_warnings(caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    yield caplog
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


def test_handout_has_the_patient_clinic_every_exercise_and_dose(seven, weasyprint_warnings):
    text, pages, per_page = read(handouts.handout(seven, PORTAL).pdf)
    assert "Pat Activated" in text
    assert "Northside Physio" in text
    for item in seven.items.select_related("exercise"):
        assert item.exercise.name in text
        assert item.prescription_text.capitalize()[:40] in text
    assert "Your log sheet" in text
    assert PORTAL in squeezed(text)
    assert all("Pat Activated" in page for page in per_page)  # on every page
    assert f"Page 1 of {pages}" in per_page[0]


def library_slugs(count: int) -> list[str]:
    """`count` exercises with the library's own wording and drawings: the seven, then copies of
    them under new names (a program holds each exercise once)."""
    originals = [Exercise.objects.get(slug=slug, clinic=None) for slug in SEVEN]
    for n in range(max(0, count - len(originals))):
        copy = Exercise.objects.get(pk=originals[n % len(originals)].pk)
        copy.pk, copy._state.adding = None, True
        copy.slug, copy.name = f"{copy.slug}-{n}", f"{copy.name} ({n // len(originals) + 2})"
        copy.save()
    return [*SEVEN, *(f"{slug}-{n}" for n, slug in enumerate(SEVEN * 3))][:count]


# Two library exercises to a page (shorter ones pack three or more), one under the heading on
# the first page, none ever split, and the log sheet on a page of its own. Measured on A4:
# 1, 3, 7 and 20 exercises take 2, 3, 5 and 12 pages (one exercise a page took 2, 4, 8 and 22).
@pytest.mark.parametrize("count,expected_pages", [(1, 2), (3, 3), (7, 5), (20, 12)])
def test_page_counts(library, clinician_a, patient_a, count, expected_pages, weasyprint_warnings):
    program = active_program(patient_a, clinician_a, slugs=library_slugs(count))
    text, pages, per_page = read(handouts.handout(program, PORTAL).pdf)
    assert program.items.count() == count
    assert pages == expected_pages
    assert f"Page {pages} of {pages}" in per_page[-1]
    # every step of every exercise made it onto the pages, nothing was cut off
    for item in program.items.select_related("exercise"):
        for step in item.exercise.steps:
            assert " ".join(step.split()) in text
    # and each exercise is whole on one page: its name, steps and last common mistake together
    for item in program.items.select_related("exercise"):
        exercise = item.exercise
        whole = [exercise.steps[0], exercise.steps[-1], exercise.mistakes[-1]]
        assert any(
            f"{item.position + 1}. {exercise.name}" in " ".join(page.split())
            and all(" ".join(line.split()) in " ".join(page.split()) for line in whole)
            for page in per_page
        ), exercise.name


def lines_placed(pdf: bytes) -> list[list[tuple[float, float, str]]]:
    """Each page's lines of text as (x, y, text), in the order they were drawn (the document's
    order); y grows up the page."""
    placed: list[list[tuple[float, float, str]]] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        lines: list[tuple[float, float, str]] = []

        def visit(text, cm, tm, font, size, lines=lines):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                lines.append((x, y, " ".join(text.split())))

        page.extract_text(visitor_text=visit)
        placed.append(lines)
    return placed


def assert_advice_sits_under_its_heading(pdf: bytes, items) -> None:
    """Every tip and common mistake starts below its own heading, in the heading's column, on
    the heading's page: never beside it, above it or on another page."""
    lists = {
        "Tips for good form": [cue for item in items for cue in item.exercise.cues],
        "Common mistakes": [m for item in items for m in item.exercise.mistakes],
    }
    starts = dict.fromkeys(lists, 0)
    for lines in lines_placed(pdf):
        heading = None
        for x, y, text in lines:
            if text in lists or text == "Steps":
                heading = (text, x, y)
            elif heading and heading[0] in lists:
                title, left, top = heading
                if any(entry.startswith(text) for entry in lists[title]):
                    assert y < top and 0 <= x - left < 30, (title, text)
                    starts[title] += 1
    assert starts == {title: len(entries) for title, entries in lists.items()}


@pytest.mark.parametrize("count", [1, 7, 20])
def test_tips_and_mistakes_never_leave_their_heading(library, clinician_a, patient_a, count):
    program = active_program(patient_a, clinician_a, slugs=library_slugs(count))
    items = list(program.items.select_related("exercise"))
    assert_advice_sits_under_its_heading(handouts.handout(program, PORTAL).pdf, items)
    assert_advice_sits_under_its_heading(handouts.discharge_summary(program, PORTAL).pdf, items)


def test_the_clinic_is_named_once_at_the_top_of_each_page(seven, clinician_a):
    clinic = clinician_a.clinic
    clinic.handout_footer = "Call us on 01234 567890 with any questions."
    clinic.save()
    seven.refresh_from_db()
    for lines in lines_placed(handouts.handout(seven, PORTAL).pdf):
        # The masthead on the first page, the running header after it; the pain advice on the
        # first page names the clinic too, as whom to call.
        named = [y for _, y, text in lines if "Northside Physio" in text and "call" not in text]
        assert len(named) == 1
        assert named[0] > 700  # at the top
        assert any("Call us on 01234 567890" in text for _, _, text in lines)


def test_the_handout_says_when_to_stop_and_whom_to_call(seven, clinician_a):
    clinic = clinician_a.clinic
    clinic.phone, clinic.emergency_number, clinic.pain_threshold = "01234 567890", "112", 5
    clinic.save()
    seven.stop_if = "Stop if the outer hip aches for more than a day."
    seven.save()
    seven.refresh_from_db()
    text, _, _ = read(handouts.handout(seven, PORTAL).pdf)
    flat = " ".join(text.split())
    assert "When to stop: Stop if the outer hip aches for more than a day." in flat
    assert "If your pain reaches 5 out of 10: Stop the exercise that hurts." in flat
    assert "01234 567890" in flat and "call 112" in flat


def test_us_letter_clinics_get_letter_pages(seven, clinician_a):
    clinic = clinician_a.clinic
    clinic.paper_size = "letter"
    clinic.save()
    seven.refresh_from_db()
    reader = PdfReader(io.BytesIO(handouts.handout(seven, PORTAL).pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_a4_by_default(seven):
    reader = PdfReader(io.BytesIO(handouts.handout(seven, PORTAL).pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


HOSTILE = [
    '<img src="file:///etc/passwd">',
    '<img src="http://127.0.0.1:9/x.png">',
    '<style>@import url("http://127.0.0.1:9/x.css");</style>',
    '<link rel="stylesheet" href="https://cdn.example.com/x.css">',
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_is_shown_as_text_and_fetches_nothing(
    library, clinician_a, patient_a, hostile, monkeypatch, weasyprint_warnings
):
    fetched = []
    original = SafeFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(SafeFetcher, "fetch", spy)
    program = active_program(patient_a, clinician_a, slugs=["clamshell"])
    Program.objects.filter(pk=program.pk).update(note=hostile)
    item = program.items.get()
    item.note = hostile[:300]
    item.save()
    program.refresh_from_db()
    text, _, _ = read(handouts.handout(program, PORTAL).pdf)
    assert squeezed(hostile) in squeezed(text)
    assert all(url.startswith("data:") for url in fetched), fetched


def test_a_huge_note_still_renders(library, clinician_a, patient_a, weasyprint_warnings):
    program = active_program(patient_a, clinician_a, slugs=["clamshell"])
    Program.objects.filter(pk=program.pk).update(note="Zebra crossing. " * 900)
    program.refresh_from_db()
    text, pages, _ = read(handouts.handout(program, PORTAL).pdf)
    # every word is there; page breaks may put the running header between two of them
    assert pages > 2 and text.count("Zebra") == 900 and text.count("crossing.") == 900


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x.png",
        "https://example.com/a.css",
        "ftp://example.com/x",
        "file:///etc/passwd",
        "gopher://x",
    ],
)
def test_the_fetcher_refuses_everything_outside_the_app(url):
    with pytest.raises(RefusedURL):
        SafeFetcher().fetch(url)


def test_the_fetcher_reads_the_apps_own_static_files(settings):
    from django.contrib.staticfiles import finders

    path = finders.find("exercises/illustrations/clamshell.svg")
    response = SafeFetcher().fetch(f"file://{path}")
    assert b"<svg" in response.read()


@contextmanager
def local_server(answer):
    """An HTTP server on 127.0.0.1 that calls `answer(handler)` for every GET; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            answer(self)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def redirect():
    """A URL that redirects to a second local server; yields it with the requests both got."""
    hits: list[str] = []

    def target(handler):
        hits.append(f"target {handler.path}")
        handler.send_response(200)
        handler.send_header("Content-Type", "text/css")
        handler.end_headers()
        handler.wfile.write(b"body { color: red }")

    with local_server(target) as target_url:

        def redirecting(handler):
            hits.append(f"redirect {handler.path}")
            handler.send_response(302)
            handler.send_header("Location", f"{target_url}{handler.path}")
            handler.end_headers()

        with local_server(redirecting) as url:
            yield url, hits


def test_the_fetcher_requests_nothing_from_a_redirecting_url(redirect):
    url, hits = redirect
    with pytest.raises(RefusedURL):
        SafeFetcher().fetch(f"{url}/x.css")
    # nor when WeasyPrint asks for a stylesheet and a picture while rendering a page
    page = f'<link rel="stylesheet" href="{url}/a.css"><p>Hello</p><img src="{url}/b.png">'
    pdf = HTML(string=page, url_fetcher=SafeFetcher()).write_pdf()
    assert "Hello" in read(pdf)[0]
    assert hits == []
    # whereas an ordinary client is redirected, and both servers see it
    plain = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    assert plain.open(f"{url}/x.css", timeout=5).read() == b"body { color: red }"
    assert hits == ["redirect /x.css", "target /x.css"]


# --- the discharge summary -----------------------------------------------------------------


def test_discharge_stores_the_summary_with_notes_charts_and_program(seven, clinician_a):
    client = client_for(clinician_a.user)
    seven.refresh_from_db()
    client.post(
        reverse("program_discharge", args=[seven.pk]),
        {"revision": seven.revision, "notes": "Great progress. Keep the band work."},
    )
    seven.refresh_from_db()
    assert seven.status == Program.Status.DISCHARGED and seven.discharge_summary
    response = client.get(reverse("program_discharge_summary", args=[seven.pk]))
    text, _, _ = read(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert "Discharge summary" in text and "Pat Activated" in text
    assert "Great progress. Keep the band work." in text
    assert "Adherence per week" in text and "Pain over time" in text
    assert "If your symptoms come back" in text
    for name in ["Clamshell with loop band", "Side-lying leg raise"]:
        assert name in text


def test_the_summary_given_at_discharge_is_kept_until_regenerated(
    seven, clinician_a, django_capture_on_commit_callbacks
):
    client = client_for(clinician_a.user)
    seven.refresh_from_db()
    client.post(reverse("program_discharge", args=[seven.pk]), {"revision": seven.revision})
    seven.refresh_from_db()
    first = seven.discharge_summary.name
    assert client.get(reverse("program_discharge_summary", args=[seven.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("program_regenerate_summary", args=[seven.pk]))
    seven.refresh_from_db()
    assert seven.discharge_summary.name != first
    assert seven.discharge_summary.storage.exists(seven.discharge_summary.name)
    # The earlier file is gone: nothing points to it, and an erasure could not find it.
    assert not seven.discharge_summary.storage.exists(first)


# --- access and audit --------------------------------------------------------------------------


def test_patient_downloads_their_own_handout_only(seven, patient_a, patient_b):
    own = client_for(patient_a.user).get(reverse("portal_handout", args=[seven.pk]))
    assert own["Content-Type"] == "application/pdf"
    assert "Pat Activated" in read(own.content)[0]
    assert (
        client_for(patient_b.user).get(reverse("portal_handout", args=[seven.pk])).status_code
        == 404
    )


def test_another_clinic_gets_404(seven, clinician_b):
    response = client_for(clinician_b.user).get(reverse("program_handout", args=[seven.pk]))
    assert response.status_code == 404


def test_every_download_is_recorded(seven, clinician_a, patient_a):
    client_for(clinician_a.user).get(reverse("program_handout", args=[seven.pk]))
    client_for(patient_a.user).get(reverse("portal_handout", args=[seven.pk]))
    records = list(DocumentDownload.objects.order_by("at").values_list("user", "kind"))
    assert records == [(clinician_a.user.pk, "handout"), (patient_a.user.pk, "handout")]


def test_no_handout_for_an_empty_program(library, clinician_a, patient_a):
    program = prescribing.create_program(patient_a, by=clinician_a.user, title="Empty")
    response = client_for(clinician_a.user).get(reverse("program_handout", args=[program.pk]))
    assert response.status_code == 404


def test_handout_uses_the_clinic_logo(seven, clinician_a, tmp_path):
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (200, 80), "navy").save(buffer, "PNG")
    clinic = clinician_a.clinic
    clinic.logo.save("logo.png", ContentFile(buffer.getvalue()), save=True)
    seven.refresh_from_db()
    reader = PdfReader(io.BytesIO(handouts.handout(seven, PORTAL).pdf))
    assert any(page.images for page in reader.pages[:1])


def test_custom_exercise_picture_is_embedded(library, clinician_a, patient_a):
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (300, 200), "teal").save(buffer, "JPEG")
    custom = ExerciseFactory(clinic=clinician_a.clinic, name="Heel raise")
    custom.image.save("heel.jpg", ContentFile(buffer.getvalue()), save=True)
    program = prescribing.create_program(patient_a, by=clinician_a.user, title="P")
    prescribing.add_item(program, custom, revision=None, by=clinician_a.user)
    prescribing.activate(program, revision=None, by=clinician_a.user)
    reader = PdfReader(io.BytesIO(handouts.handout(program, PORTAL).pdf))
    assert "Heel raise" in reader.pages[0].extract_text()
    # the clinician's own photo, not the library's placeholder drawing (which is vector art)
    [picture] = reader.pages[0].images
    assert picture.image.size == (300, 200)
    red, green, blue = picture.image.convert("RGB").getpixel((150, 100))
    assert red < 20 and abs(green - 128) < 20 and abs(blue - 128) < 20  # teal
