"""Private documents and public media: a discharge summary is reached only through the download
views that check access, never at a URL someone could guess; exercise pictures and clinic logos
are served with DEBUG on or off."""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from exercises.loader import load_library
from programs import handouts, prescribing
from programs.handouts import RefusedURL, SafeFetcher
from programs.models import Program
from tests.conftest import client_for
from tests.factories import ExerciseFactory, active_program

ROOT = Path(__file__).resolve().parent.parent
PDF = b"%PDF-1.4 a stand-in summary with health data"


@pytest.fixture(autouse=True)
def _documents_in_a_temporary_folder(settings, tmp_path):
    settings.DOCUMENTS_ROOT = tmp_path / "documents"


@pytest.fixture
def discharged(clinician_a, patient_a) -> Program:
    load_library()
    program = active_program(patient_a, clinician_a, slugs=["clamshell"])
    prescribing.discharge(program, revision=None, by=clinician_a.user)
    # Access is what is checked here, so a stand-in file replaces a rendered summary.
    program.discharge_summary.save("summary.pdf", ContentFile(PDF))
    return program


def png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (4, 4), "teal").save(out, "PNG")
    return out.getvalue()


def guesses(program: Program) -> list[str]:
    """Where a summary could be fetched if it had a URL: its stored name under the media and
    documents prefixes, the name alone, and the names summaries used to be stored under."""
    name = program.discharge_summary.name
    base = name.rsplit("/", 1)[-1]
    return [
        f"/media/{name}",
        f"/media/{base}",
        f"/media/discharge-summaries/discharge-{program.pk}-20260101120000.pdf",
        f"/documents/{name}",
        f"/documents/{base}",
        f"/media/exercises/../{name}",
        f"/media/exercises/..%2f{name}",
        f"/media/exercises/..%2f..%2fdocuments%2f{name}",
    ]


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
@pytest.mark.parametrize("who", ["anon", "clinician_b", "patient_b"])
def test_a_stored_summary_is_not_at_any_guessable_url(
    discharged, clinician_b, patient_b, settings, debug, who
):
    settings.DEBUG = debug
    user = {"anon": None, "clinician_b": clinician_b.user, "patient_b": patient_b.user}[who]
    client = client_for(user)
    for url in guesses(discharged):
        response = client.get(url)
        assert response.status_code == 404, url
        assert PDF not in response.content


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_a_summary_left_in_the_media_folder_is_not_served(settings, debug):
    """Summaries were stored in the public media folder once; anything still there stays put."""
    settings.DEBUG = debug
    legacy = Path(settings.MEDIA_ROOT) / "discharge-summaries" / "discharge-7-20250101120000.pdf"
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(PDF)
    response = client_for(None).get("/media/discharge-summaries/discharge-7-20250101120000.pdf")
    assert response.status_code == 404


@pytest.mark.parametrize("outsider", ["clinician_b", "patient_b"])
def test_the_download_views_refuse_outsiders(discharged, clinician_b, patient_b, outsider):
    user = {"clinician_b": clinician_b.user, "patient_b": patient_b.user}[outsider]
    client = client_for(user)
    for name in ["program_discharge_summary", "portal_discharge_summary"]:
        assert client.get(reverse(name, args=[discharged.pk])).status_code == 404


@pytest.mark.parametrize(
    "who,view",
    [("clinician_a", "program_discharge_summary"), ("patient_a", "portal_discharge_summary")],
)
def test_the_owner_downloads_the_summary_as_an_uncached_attachment(
    discharged, clinician_a, patient_a, who, view
):
    user = {"clinician_a": clinician_a.user, "patient_a": patient_a.user}[who]
    response = client_for(user).get(reverse(view, args=[discharged.pk]))
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_handout_is_an_uncached_attachment_too(discharged, clinician_a):
    response = client_for(clinician_a.user).get(reverse("program_handout", args=[discharged.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]


def test_a_summary_is_stored_privately_under_a_random_name(discharged, settings, patient_a):
    handouts.store_discharge_summary(discharged, "http://testserver/accounts/login/")
    discharged.refresh_from_db()
    first = discharged.discharge_summary.name
    handouts.store_discharge_summary(discharged, "http://testserver/accounts/login/")
    discharged.refresh_from_db()
    second = discharged.discharge_summary.name
    for name in [first, second]:
        assert re.fullmatch(r"discharge-summaries/[0-9a-f]{32}\.pdf", name)
        assert f"discharge-{discharged.pk}-" not in name
        assert patient_a.last_name.lower() not in name.lower()
        assert (Path(settings.DOCUMENTS_ROOT) / name).is_file()
        assert not (Path(settings.MEDIA_ROOT) / name).exists()
    assert first != second
    assert discharged.discharge_summary.storage is storages["documents"]


def test_a_private_document_has_no_url(discharged):
    with pytest.raises(ValueError, match="no URL"):
        discharged.discharge_summary.url  # noqa: B018


def test_the_documents_folder_follows_the_setting(settings, tmp_path):
    settings.DOCUMENTS_ROOT = tmp_path / "elsewhere"
    name = storages["documents"].save("x/y.pdf", ContentFile(PDF))
    assert (tmp_path / "elsewhere" / name).read_bytes() == PDF


# --- public media -----------------------------------------------------------------------------


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_exercise_pictures_and_clinic_logos_are_served(clinician_a, settings, debug):
    settings.DEBUG = debug
    exercise = ExerciseFactory(clinic=clinician_a.clinic)
    exercise.image.save("upload.png", ContentFile(png()))
    clinic = clinician_a.clinic
    clinic.logo.save("logo.png", ContentFile(png()))
    for url in [exercise.image.url, clinic.logo.url, exercise.illustration_url]:
        assert url.startswith("/media/")
        response = client_for(None).get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content) == png()
        assert "public" in response["Cache-Control"]


def test_an_uploaded_logo_gets_a_random_name(admin_a):
    """Names of public pictures say nothing about who uploaded them (clinic/images.py)."""
    client_for(admin_a.user).post(
        reverse("clinic_settings"),
        {
            "name": "Northside Physio",
            "timezone": "Europe/London",
            "brand_colour": "#123abc",
            "paper_size": "a4",
            "silence_days": 4,
            "pain_threshold": 7,
            "emergency_number": "112",
            "upload": SimpleUploadedFile("knee of Pat Activated.png", png(), "image/png"),
        },
    )
    admin_a.clinic.refresh_from_db()
    assert re.fullmatch(r"clinics/[0-9a-f]{32}\.png", admin_a.clinic.logo.name)


@pytest.mark.parametrize(
    "name",
    [
        "exercises/missing.png",
        "exercises/picture.svg",
        "exercises/notes.txt",
        "other/picture.png",
        "exercises/../secret.png",
        "exercises/.hidden.png",
    ],
)
def test_only_public_pictures_that_exist_are_served(settings, name):
    for folder in ["exercises", "other"]:
        (Path(settings.MEDIA_ROOT) / folder).mkdir(parents=True, exist_ok=True)
    for stored in ["exercises/picture.svg", "exercises/notes.txt", "other/picture.png"]:
        (Path(settings.MEDIA_ROOT) / stored).write_bytes(b"x")
    (Path(settings.MEDIA_ROOT) / "secret.png").write_bytes(png())
    (Path(settings.MEDIA_ROOT) / "exercises" / ".hidden.png").write_bytes(png())
    assert client_for(None).get(f"/media/{name}").status_code == 404


def test_public_media_accepts_only_reads(clinician_a):
    exercise = ExerciseFactory(clinic=clinician_a.clinic)
    exercise.image.save("upload.png", ContentFile(png()))
    assert client_for(clinician_a.user).post(exercise.image.url).status_code == 405


# --- the handout renderer ------------------------------------------------------------------------


def test_the_pdf_fetcher_never_reads_the_documents_folder(discharged, settings):
    path = Path(settings.DOCUMENTS_ROOT) / discharged.discharge_summary.name
    with pytest.raises(RefusedURL):
        SafeFetcher().fetch(f"file://{path}")


def test_the_pdf_fetcher_refuses_documents_even_inside_a_served_folder(settings):
    settings.DOCUMENTS_ROOT = Path(settings.MEDIA_ROOT) / "documents"
    name = storages["documents"].save("discharge-summaries/x.pdf", ContentFile(PDF))
    with pytest.raises(RefusedURL):
        SafeFetcher().fetch(f"file://{Path(settings.DOCUMENTS_ROOT) / name}")


def test_the_pdf_fetcher_still_reads_public_media(settings):
    name = storages["default"].save("exercises/pic.png", ContentFile(png()))
    response = SafeFetcher().fetch(f"file://{Path(settings.MEDIA_ROOT) / name}")
    assert response.read() == png()


# --- moving the summaries stored before -----------------------------------------------------------


def migration():
    return importlib.import_module("programs.migrations.0008_discharge_summaries_private")


def test_the_migration_moves_stored_summaries_to_the_documents_storage(
    discharged, clinician_a, patient_a, settings, django_capture_on_commit_callbacks
):
    media = Path(settings.MEDIA_ROOT)
    old = f"discharge-summaries/discharge-{discharged.pk}-20250101120000.pdf"
    earlier = f"discharge-summaries/discharge-{discharged.pk}-20241201120000.pdf"
    stranger = "discharge-summaries/discharge-999999-20241201120000.pdf"
    for name in [old, earlier, stranger]:
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(PDF + name.encode())
    Program.objects.filter(pk=discharged.pk).update(discharge_summary=old)
    missing = active_program(patient_a, clinician_a, slugs=["clamshell"], title="Second")
    Program.objects.filter(pk=missing.pk).update(discharge_summary="discharge-summaries/gone.pdf")

    with django_capture_on_commit_callbacks(execute=True):
        migration().to_documents(apps, None)

    discharged.refresh_from_db()
    new = discharged.discharge_summary.name
    assert re.fullmatch(r"discharge-summaries/[0-9a-f]{32}\.pdf", new)
    assert (Path(settings.DOCUMENTS_ROOT) / new).read_bytes() == PDF + old.encode()
    assert not (media / old).exists() and not (media / earlier).exists()
    documents = list((Path(settings.DOCUMENTS_ROOT) / "discharge-summaries").iterdir())
    assert len(documents) == 3  # the stand-in summary, the stored one and the earlier one
    assert (media / stranger).exists()  # no program of that number: left alone
    missing.refresh_from_db()  # a missing file is skipped, its row unchanged
    assert missing.discharge_summary.name == "discharge-summaries/gone.pdf"
    response = client_for(clinician_a.user).get(
        reverse("program_discharge_summary", args=[discharged.pk])
    )
    assert response.content == PDF + old.encode()


def test_the_migration_goes_back(discharged, settings, django_capture_on_commit_callbacks):
    stored = discharged.discharge_summary.name
    with django_capture_on_commit_callbacks(execute=True):
        migration().to_media(apps, None)
    discharged.refresh_from_db()
    name = discharged.discharge_summary.name
    assert name.startswith(f"discharge-summaries/discharge-{discharged.pk}-")
    assert (Path(settings.MEDIA_ROOT) / name).read_bytes() == PDF
    assert not (Path(settings.DOCUMENTS_ROOT) / stored).exists()


# --- the operator's view and the settings ------------------------------------------------------


def test_the_physio_admin_shows_a_discharged_program_without_a_link_to_its_summary(
    discharged, operator
):
    url = reverse("admin:programs_program_change", args=[discharged.pk])
    response = client_for(operator).get(url)
    assert response.status_code == 200
    assert discharged.discharge_summary.name not in response.content.decode()


def settings_in_a_fresh_process(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "PYTHONPATH"}
    base = {k: v for k, v in os.environ.items() if k in keep}
    code = (
        "import json; from clinic import settings as s; "
        "print(json.dumps({k: s.STORAGES[k] for k in ['default', 'documents']}, default=str))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_storages_are_local_folders_by_default():
    result = settings_in_a_fresh_process({})
    assert result.returncode == 0, result.stderr
    chosen = json.loads(result.stdout)
    assert chosen["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert chosen["documents"]["BACKEND"] == "clinic.storage.DocumentStorage"


def test_buckets_are_chosen_by_environment_variables():
    result = settings_in_a_fresh_process(
        {
            "MEDIA_BUCKET": "clinic-media",
            "DOCUMENTS_BUCKET": "clinic-documents",
            "AWS_S3_ENDPOINT_URL": "https://s3.example.org",
        }
    )
    assert result.returncode == 0, result.stderr
    chosen = json.loads(result.stdout)
    media, documents = chosen["default"], chosen["documents"]
    assert media["BACKEND"] == "clinic.storage.BucketMedia"
    assert documents["BACKEND"] == "storages.backends.s3.S3Storage"
    assert media["OPTIONS"]["bucket_name"] == "clinic-media"
    assert documents["OPTIONS"] == {
        "endpoint_url": "https://s3.example.org",
        "bucket_name": "clinic-documents",
        "default_acl": "private",
        "querystring_auth": False,
        "file_overwrite": False,
    }


@pytest.mark.parametrize(
    "env,message",
    [
        ({"DOCUMENTS_ROOT": str(ROOT / "media" / "documents")}, "DOCUMENTS_ROOT="),
        ({"DOCUMENTS_ROOT": str(ROOT / "staticfiles")}, "DOCUMENTS_ROOT="),
        ({"MEDIA_BUCKET": "one", "DOCUMENTS_BUCKET": "one"}, "DOCUMENTS_BUCKET='one'"),
    ],
)
def test_documents_are_never_put_where_files_are_served(env, message):
    result = settings_in_a_fresh_process(env)
    assert result.returncode != 0
    assert message in result.stderr


def test_pictures_in_a_bucket_are_linked_at_the_apps_own_media_address():
    """So that pages load them from their own origin, as the Content-Security-Policy allows."""
    from clinic.storage import BucketMedia

    bucket = BucketMedia(bucket_name="pictures")
    assert bucket.url("exercises/ab12cd.png") == "/media/exercises/ab12cd.png"


def test_the_physio_admin_says_whether_a_summary_is_stored_and_links_the_checked_download(
    discharged, operator
):
    page = client_for(operator).get(reverse("admin:programs_program_change", args=[discharged.pk]))
    text = page.content.decode()
    assert "Stored on " in text
    assert f'href="{reverse("program_discharge_summary", args=[discharged.pk])}"' in text
    assert discharged.discharge_summary.name not in text  # the private file is never named
    discharged.discharge_summary = ""
    discharged.save(update_fields=["discharge_summary"])
    page = client_for(operator).get(reverse("admin:programs_program_change", args=[discharged.pk]))
    assert "Not stored" in page.content.decode()


@pytest.mark.parametrize("model", ["exercise", "clinic"])
def test_pictures_saved_any_way_get_random_names_in_their_public_folder(
    model, clinic_a, clinician_a, operator
):
    """The physio admin saves an upload under the name it came with unless the field renames
    it: a file called after a patient, or a guessable one, must not end up in public media."""
    from tests.factories import ExerciseFactory

    png = BytesIO()
    Image.new("RGB", (4, 4), "teal").save(png, "PNG")
    if model == "clinic":
        field, folder = clinic_a.logo, "clinics"
    else:
        field = ExerciseFactory(clinic=clinic_a).image
        folder = "exercises"
    field.save("Pat Activated knee.PNG", ContentFile(png.getvalue()))
    assert re.fullmatch(rf"{folder}/[0-9a-f]{{32}}\.png", field.name)
    response = client_for(None).get(f"/media/{field.name}")
    assert response.status_code == 200
