"""The patient's calendar feed and as-needed exercises."""

from django.urls import URLPattern, path

from programs import as_needed, calendar_feed

urlpatterns: list[URLPattern] = [
    # The calendar feed (programs/calendar_feed.py).
    path("calendar/<str:token>.ics", calendar_feed.calendar_feed, name="calendar_feed"),
    path("my/calendar/reset/", calendar_feed.calendar_reset, name="portal_calendar_reset"),
    path("my/calendar/off/", calendar_feed.calendar_off, name="portal_calendar_off"),
]

# As-needed exercises (programs/as_needed.py).
urlpatterns += [
    path(
        "my/programs/<int:pk>/items/<int:item_pk>/as-needed/",
        as_needed.log_as_needed,
        name="portal_as_needed",
    ),
    path("my/as-needed/<int:pk>/", as_needed.as_needed_done, name="portal_as_needed_done"),
]
