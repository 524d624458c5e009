"""Carers: invitations, acceptance and ending access (clinic/carers.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
