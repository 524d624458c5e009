"""Remote therapeutic monitoring records (programs/rtm.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
