from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Home programs"

    def ready(self) -> None:
        from clinic.models import Clinic

        post_save.connect(clinic_saved, sender=Clinic, dispatch_uid="programs.clinic_saved")


def clinic_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:  # noqa: ARG001
    """A clinic's alert settings (days of silence, pain threshold) and its time zone feed its
    patients' dashboard figures: mark them all to be worked out again."""
    if not created:
        from programs.figures import mark_clinic_changed

        mark_clinic_changed(instance)
