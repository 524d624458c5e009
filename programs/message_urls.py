"""Secure messages between a patient (or their carer) and the clinic (programs/messaging.py)."""

from django.urls import URLPattern, path

from programs import message_views

urlpatterns: list[URLPattern] = [
    path("my/messages/", message_views.portal_messages, name="portal_messages"),
    path(
        "my/messages/<int:pk>/edit/", message_views.portal_message_edit, name="portal_message_edit"
    ),
    path("patients/<int:pk>/messages/", message_views.patient_messages, name="patient_messages"),
    path(
        "patients/<int:pk>/messages/<int:message_pk>/edit/",
        message_views.patient_message_edit,
        name="patient_message_edit",
    ),
    path(
        "patients/<int:pk>/messages/hand-over/",
        message_views.message_hand_over,
        name="message_hand_over",
    ),
]
