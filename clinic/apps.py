from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinics and people"

    def ready(self) -> None:
        from clinic import audit  # noqa: F401 (connects the sign-in receivers)
