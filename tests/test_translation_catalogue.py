"""The Spanish catalogue covers the patient's side: every message a patient can read has its
Spanish, the committed catalogue holds every message the code marks, and a patient's page
rendered in Spanish has no English left in it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from fnmatch import fnmatch
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"

# Everything a patient reads: the portal, their emails, their documents, the pages of signing
# in, and the Python text those show (doses, dates, changes, questionnaire errors).
PATIENT_FILES = [
    "templates/base.html",
    "templates/404.html",
    "templates/500.html",
    "templates/programs/portal/*",
    "templates/programs/_program_items.html",
    "templates/programs/email/*",
    "templates/clinic/email/invitation*",
    "templates/clinic/email/account_exists*",
    "templates/clinic/email/base.html",
    "templates/clinic/email/_button.html",
    "templates/clinic/invitation_*.html",
    "templates/clinic/_choose_password_form.html",
    "templates/clinic/_pagination.html",
    "templates/registration/*",
    "templates/handouts/handout.html",
    "templates/handouts/_exercise.html",
    "templates/handouts/base.html",
    "exercises/dose.py",
    "programs/dates.py",
    "programs/charts.py",
    "templates/programs/charts/*",
    "templates/handouts/discharge.html",
    "templates/handouts/export.html",
    "programs/handouts.py",
    "programs/export.py",
    "programs/instruments.py",
    "programs/outcomes.py",
    "programs/questionnaires.py",
    "programs/portal.py",
    "programs/sessions.py",
    "programs/forms.py",
    "programs/messaging.py",
    "programs/message_views.py",
    "templates/programs/message_edit.html",
    "programs/as_needed.py",
    "templates/handouts/_as_needed.html",
    "programs/calendar_feed.py",
    "clinic/carers.py",
    "clinic/carer_views.py",
    "templates/clinic/portal_carers.html",
    "templates/clinic/portal_carer_end.html",
    "templates/clinic/carer_accept.html",
    "templates/clinic/carer_invitation_unusable.html",
    "templates/clinic/carer_choose.html",
    "templates/clinic/portal_minor.html",
    "templates/clinic/email/carer_invitation*",
]


def places(entry: polib.POEntry) -> list[str]:
    return [path for path, _line in entry.occurrences]


def key(entry: polib.POEntry) -> tuple[str | None, str]:
    return entry.msgctxt, entry.msgid


def is_patient_file(place: str) -> bool:
    return any(fnmatch(place, pattern) for pattern in PATIENT_FILES)


def patient_entries() -> list[polib.POEntry]:
    return [
        entry for entry in polib.pofile(str(CATALOGUE)) if any(map(is_patient_file, places(entry)))
    ]


def test_every_message_a_patient_reads_has_its_spanish():
    entries = patient_entries()
    assert len(entries) > 200  # the portal, emails, handouts, sign-in and doses are all there
    untranslated = [
        f"{places(entry)[0]}: {entry.msgid!r}"
        for entry in entries
        if not entry.translated() or entry.obsolete
    ]
    assert not untranslated, "Untranslated in the Spanish catalogue:\n" + "\n".join(untranslated)


def test_placeholders_are_kept_in_every_spanish_message():
    for entry in patient_entries():
        wanted = sorted(re.findall(r"%\(\w+\)[sd]|\{\{ *\w+ *\}\}", entry.msgid))
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            found = sorted(re.findall(r"%\(\w+\)[sd]|\{\{ *\w+ *\}\}", translation))
            assert set(found) == set(wanted), f"{entry.msgid!r} → {translation!r}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext")
def test_the_committed_catalogue_holds_every_message_the_patient_side_marks(tmp_path):
    """A message marked in a patient file but missing from the committed catalogue (nobody ran
    `make messages`) would show in English: gather the messages afresh and compare."""
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ["manage.py", "clinic", "exercises", "programs", "templates"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, copy / name)
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "es", "--add-location", "file", "-v0"],
        cwd=copy,
        check=True,
        env={"DEBUG": "1", "PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "clinic.settings"},
    )
    fresh = polib.pofile(str(copy / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    committed = {key(entry) for entry in polib.pofile(str(CATALOGUE))}
    missing = [
        f"{places(entry)[0]}: {entry.msgid!r}"
        for entry in fresh
        if any(map(is_patient_file, places(entry))) and key(entry) not in committed
    ]
    assert not missing, "Marked but not in locale/es (run make messages):\n" + "\n".join(missing)


# --- no English left on a Spanish page ---------------------------------------------------------

# Words that are common in English text and never Spanish words.
ENGLISH_WORDS = re.compile(
    r"\b(the|your|you|and|with|this|that|for|from|today|when|what|have|has|will|please|"
    r"sign|log|week|day|days|pain|exercises?|program|session|done|back)\b",
    re.IGNORECASE,
)


class VisibleText(HTMLParser):
    """The text a person sees or hears on a page: text nodes outside script and style, and the
    alt, aria-label, title and placeholder attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "svg"}:
            self._hidden += 1
        for name, value in attrs:
            if name in {"alt", "aria-label", "title", "placeholder"} and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "svg"} and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(" ".join(data.split()))


def english_left(html: str, allowed: set[str] = frozenset()) -> list[str]:
    """The pieces of visible text that still read as English."""
    parser = VisibleText()
    parser.feed(html)
    return [part for part in parser.parts if part not in allowed and ENGLISH_WORDS.search(part)]


@pytest.fixture
def spanish_patient(db, clinician_a, patient_a):
    from datetime import timedelta

    from exercises.loader import load_library
    from tests.factories import active_program, logged_session

    load_library()
    patient_a.preferred_language = "es"
    patient_a.save()
    program = active_program(
        patient_a,
        clinician_a,
        slugs=("clamshell", "glute-bridge"),
        start=patient_a.today() - timedelta(days=3),
        title="Cadera",
    )
    logged_session(program, patient_a.today() - timedelta(days=1), pain=3, note="Bien.")
    return program


def test_a_spanish_patients_pages_have_no_english_left(spanish_patient, patient_a):
    from django.urls import reverse

    from programs.models import SessionLog
    from tests.conftest import client_for

    client = client_for(patient_a.user)
    session = SessionLog.objects.get()
    pages = [
        reverse("portal_home"),
        reverse("portal_log", args=[spanish_patient.pk]),
        reverse("portal_history"),
        reverse("portal_settings"),
        reverse("portal_questionnaire", args=[spanish_patient.pk]),
        reverse("portal_session_done", args=[session.pk]),
        reverse("password_change"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_left(response.content.decode(), allowed={"English"}) == [], url


def test_english_words_are_found_when_left_in_a_spanish_page():
    """The check above can fail: an unmarked English sentence is caught."""
    page = '<p>Hola</p><p>Log your session today</p><img alt="Your exercises">'
    assert english_left(page) == ["Log your session today", "Your exercises"]
