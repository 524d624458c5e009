from django.urls import path

from exercises import views

urlpatterns = [
    path("", views.library, name="library"),
    path("new/", views.exercise_create, name="exercise_create"),
    path("<int:pk>/", views.exercise_detail, name="exercise_detail"),
    path("<int:pk>/edit/", views.exercise_edit, name="exercise_edit"),
    path("<int:pk>/text/<str:language>/", views.exercise_text, name="exercise_text"),
    path("<int:pk>/archive/", views.exercise_archive, name="exercise_archive"),
    path("<int:pk>/restore/", views.exercise_restore, name="exercise_restore"),
]
