"""Stored handouts: a handout is rendered once and read back while nothing it prints changes.

A patient who downloads their handout again the same day, or a clinician who prints it for
them, gets the copy kept in the private documents' storage instead of waiting for a render.
The copy's name is a digest of everything the handout prints: the program as of its revision
(every change through prescribing moves it on), the day in the clinic, the paper size and the
language, the clinic's name, contact details, logo, colour, footer and pain advice, each
exercise's wording and picture, the patient's name, the primary clinician and the portal
link, and the handout's own templates. When any of them changes, the name changes, so a
stale copy is never sent.

Names say nothing about whom they belong to: `handouts/<program folder>/<copy>.pdf`, both
keyed digests (HMAC) with the SECRET_KEY, so they cannot be guessed from a program number
either. A program keeps one copy: storing a new one deletes the folder's others once the
request's transaction commits. Erasing a patient deletes their programs' folders
(programs/erasure.py). The storage has no URL; copies are sent by the download views, which
check access and record each download.

Storage is never a reason to fail a download: a copy that cannot be read is rendered again,
and one that cannot be written is still sent.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation
from django.utils.crypto import salted_hmac

from clinic.models import Patient
from clinic.storage import documents_storage
from exercises.models import Exercise
from exercises.pictures import media_credit, picture_alt
from programs.models import Program, ProgramItem
from programs.pain import threshold_for

logger = logging.getLogger(__name__)

FOLDER = "handouts"
PLACEHOLDER = "exercises/illustrations/placeholder.svg"
TEMPLATES = ["base.html", "handout.html", "_exercise.html", "print.css"]


@dataclass(frozen=True)
class Copy:
    """Where the handout's copy is (or would be) stored, and its PDF when it was there."""

    name: str
    pdf: bytes | None


def program_folder(program_id: int) -> str:
    digest = salted_hmac("programs.stored_handouts.folder", str(program_id), algorithm="sha256")
    return f"{FOLDER}/{digest.hexdigest()[:32]}"


@functools.cache
def file_digest(path: str) -> str:
    """A digest of a file of the release (a drawing, a template): it changes only with a new
    release, so it is read once per process."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@functools.cache
def drawing_digest(static_path: str) -> str:
    found = finders.find(static_path)
    return file_digest(str(found)) if isinstance(found, str) else ""


def templates_digest() -> str:
    folder = Path(settings.BASE_DIR) / "templates" / "handouts"
    return "".join(file_digest(str(folder / name)) for name in TEMPLATES)


def messages_digest(language: str) -> str:
    """A digest of the language's interface text (its message file): a new translation of a
    heading prints a new handout. English is the text in the templates themselves."""
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    return file_digest(str(path)) if path.exists() else ""


def exercise_printed(exercise: Exercise) -> list[object]:
    """What the handout prints of an exercise: its wording (in the language being spoken) and
    its picture."""
    words = exercise.words
    return [
        words.language,
        words.name,
        words.steps,
        words.cues,
        words.mistakes,
        exercise.image.name or "",  # uploads get a new random name each time
        "" if exercise.image else drawing_digest(exercise.illustration or PLACEHOLDER),
        picture_alt(exercise),
        media_credit(exercise),
    ]


def copy_name(
    program: Program, patient: Patient, items: list[ProgramItem], portal_url: str, today: date
) -> str:
    """The stored name of the handout these inputs print."""
    clinic = program.require_clinic()
    clinician = patient.primary_clinician
    printed = {
        "language": translation.get_language(),
        "messages": messages_digest(translation.get_language() or "en"),
        "day": today,
        "paper": clinic.paper_size,
        "portal": portal_url,
        "templates": templates_digest(),
        "program": [
            program.pk,
            program.revision,
            program.title,
            program.note,
            program.stop_if,
            program.start_date,
            program.frequency_text,
            threshold_for(program),
        ],
        "clinic": [
            clinic.name,
            clinic.email,
            clinic.phone,
            clinic.website,
            clinic.address,
            clinic.logo.name or "",
            clinic.brand_colour,
            clinic.handout_footer,
            clinic.pain_advice_text,
        ],
        "patient": patient.full_name,
        "clinician": str(clinician) if clinician else "",
        "items": [
            [
                item.pk,
                item.display_name,
                item.prescription_text,
                item.note,
                *exercise_printed(item.exercise),
            ]
            for item in items
        ],
    }
    message = json.dumps(printed, default=str, sort_keys=True)
    digest = salted_hmac("programs.stored_handouts.copy", message, algorithm="sha256")
    return f"{program_folder(program.pk)}/{digest.hexdigest()}.pdf"


def find_copy(
    program: Program, patient: Patient, items: list[ProgramItem], portal_url: str
) -> Copy:
    """The handout's stored copy, with pdf None when there is none (or it cannot be read)."""
    name = copy_name(program, patient, items, portal_url, program.today())
    try:
        with documents_storage().open(name, "rb") as stored:
            return Copy(name, stored.read())
    except FileNotFoundError:
        return Copy(name, None)
    except Exception as error:  # any storage backend's failure: render instead
        logger.error(
            "A stored handout of program %s could not be read (%s); rendering it.",
            program.pk,
            type(error).__name__,
        )
        return Copy(name, None)


def keep_copy(program: Program, copy: Copy, pdf: bytes) -> None:
    """Store the rendered handout under the copy's name, and once the transaction commits
    delete the program's earlier copies. A failure is logged; the download goes on."""
    storage = documents_storage()
    try:
        saved = storage.save(copy.name, ContentFile(pdf))
        if saved != copy.name:  # another request stored the same copy a moment earlier
            storage.delete(saved)
    except Exception as error:  # any storage backend's failure, whatever its kind
        logger.error(
            "A handout of program %s could not be stored (%s); it was sent all the same.",
            program.pk,
            type(error).__name__,
        )
        return
    keep = copy.name
    transaction.on_commit(lambda: _delete_copies(program.pk, keep=keep))
    logger.info("Handout of program %s stored for the next download.", program.pk)


def delete_copies(program_ids: Iterable[int]) -> None:
    """Delete every stored handout of the programs (their patient was erased)."""
    for program_id in program_ids:
        _delete_copies(program_id, keep=None)


def _delete_copies(program_id: int, keep: str | None) -> None:
    storage = documents_storage()
    folder = program_folder(program_id)
    try:
        _, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    except Exception as error:  # any storage backend's failure, whatever its kind
        logger.error(
            "Stored handouts of program %s could not be listed (%s).",
            program_id,
            type(error).__name__,
        )
        return
    for name in files:
        path = f"{folder}/{name}"
        if path == keep:
            continue
        try:
            storage.delete(path)
        except Exception as error:  # any storage backend's failure, whatever its kind
            logger.error(
                "A stored handout of program %s could not be deleted (%s): %s",
                program_id,
                type(error).__name__,
                path,
            )
