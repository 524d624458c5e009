"""The patient's calendar feed and as-needed exercises."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
