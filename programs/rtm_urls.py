"""Remote therapeutic monitoring records (programs/rtm.py, programs/rtm_views.py)."""

from datetime import date

from django.urls import URLPattern, path, register_converter

from programs import rtm, rtm_views


class MonthConverter:
    """A calendar month as YYYY-MM; a month that does not exist (2026-13) matches nothing, so
    its URL is a 404."""

    regex = r"[0-9]{4}-[0-9]{2}"

    def to_python(self, value: str) -> date:
        month = rtm.parse_month(value)
        if month is None:
            raise ValueError(value)
        return month

    def to_url(self, value: date | str) -> str:
        return value if isinstance(value, str) else f"{value:%Y-%m}"


register_converter(MonthConverter, "rtm_month")

urlpatterns: list[URLPattern] = [
    path("patients/<int:pk>/rtm/", rtm_views.patient_rtm, name="patient_rtm"),
    path("patients/<int:pk>/rtm/start/", rtm_views.rtm_start, name="rtm_start"),
    path("patients/<int:pk>/rtm/end/", rtm_views.rtm_end, name="rtm_end"),
    path("patients/<int:pk>/rtm/time/", rtm_views.rtm_time_add, name="rtm_time_add"),
    path(
        "patients/<int:pk>/rtm/time/<int:time_pk>/delete/",
        rtm_views.rtm_time_delete,
        name="rtm_time_delete",
    ),
    path(
        "patients/<int:pk>/rtm/<rtm_month:month>.pdf",
        rtm_views.patient_rtm_pdf,
        name="patient_rtm_pdf",
    ),
    path("clinic/rtm/", rtm_views.rtm_report, name="rtm_report"),
    path("clinic/rtm/<rtm_month:month>.csv", rtm_views.rtm_report_csv, name="rtm_report_csv"),
]
