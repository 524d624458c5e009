# Discharge summaries move from the public media storage to the private documents' storage
# (clinic/storage.py), under random names. Each stored summary is copied, its row updated, and
# the public copy deleted once the migration has committed. Earlier summaries of a program
# (kept on file when a summary was made again) are moved too. A file that is missing is
# skipped: its row keeps the name, and the download says the summary is missing, as before.
# Going back copies the summaries to the media storage again.

import re
import uuid

from django.core.files.storage import storages
from django.db import migrations, models, transaction
from django.utils import timezone

import clinic.storage
import programs.models

OLD_FOLDER = "discharge-summaries"
EARLIER = re.compile(r"discharge-(\d+)-\d{14}(?:_\w+)?\.pdf")


def copy(source, name, target, new_name):
    with source.open(name, "rb") as handle:
        return target.save(new_name, handle)


def delete_after_commit(storage, names):
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


def earlier_summaries(storage, program_pks):
    try:
        _, files = storage.listdir(OLD_FOLDER)
    except FileNotFoundError:  # no summary was ever stored
        return []
    return [
        f"{OLD_FOLDER}/{name}"
        for name in files
        if (match := EARLIER.fullmatch(name)) and int(match.group(1)) in program_pks
    ]


def to_documents(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    media, documents = storages["default"], storages["documents"]
    moved = []
    stored = Program.objects.exclude(discharge_summary="").values_list("pk", "discharge_summary")
    for pk, name in stored:
        if not media.exists(name):
            continue
        new_name = copy(media, name, documents, f"{OLD_FOLDER}/{uuid.uuid4().hex}.pdf")
        Program.objects.filter(pk=pk).update(discharge_summary=new_name)
        moved.append(name)
    program_pks = set(Program.objects.values_list("pk", flat=True))
    for name in earlier_summaries(media, program_pks):
        if name not in moved:
            copy(media, name, documents, f"{OLD_FOLDER}/{uuid.uuid4().hex}.pdf")
            moved.append(name)
    delete_after_commit(media, moved)


def to_media(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    media, documents = storages["default"], storages["documents"]
    moved = []
    stored = Program.objects.exclude(discharge_summary="").values_list("pk", "discharge_summary")
    for pk, name in stored:
        if not documents.exists(name):
            continue
        stamp = timezone.now().strftime("%Y%m%d%H%M%S")
        new_name = copy(documents, name, media, f"{OLD_FOLDER}/discharge-{pk}-{stamp}.pdf")
        Program.objects.filter(pk=pk).update(discharge_summary=new_name)
        moved.append(name)
    delete_after_commit(documents, moved)


class Migration(migrations.Migration):

    dependencies = [
        ("programs", "0007_one_dose_model"),
    ]

    operations = [
        migrations.AlterField(
            model_name="program",
            name="discharge_summary",
            field=models.FileField(
                blank=True,
                help_text="The PDF given at discharge, kept as it was.",
                storage=clinic.storage.documents_storage,
                upload_to=programs.models.discharge_summary_path,
            ),
        ),
        migrations.RunPython(to_documents, to_media),
    ]
