"""Secure messages between a patient (or their carer) and the clinic (programs/messaging.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
