"""Carers: invitations, acceptance and ending access (clinic/carers.py)."""

from django.urls import URLPattern, path

from clinic import carer_views

urlpatterns: list[URLPattern] = [
    path("my/carers/", carer_views.portal_carers, name="portal_carers"),
    path("my/carers/<int:pk>/end/", carer_views.portal_carer_end, name="portal_carer_end"),
    path("my/helping/", carer_views.carer_choose, name="carer_choose"),
    path("patients/<int:pk>/carers/", carer_views.patient_carers, name="patient_carers"),
    path(
        "patients/<int:pk>/carers/<int:carer_pk>/end/",
        carer_views.patient_carer_end,
        name="patient_carer_end",
    ),
    path("carer/<str:token>/", carer_views.carer_accept, name="carer_accept"),
]
