from django.urls import path

from programs import documents, transfer_views, views

urlpatterns = [
    path("<int:pk>/", views.program_builder, name="program_builder"),
    path("<int:pk>/search/", views.program_search, name="program_search"),
    path("<int:pk>/preview/", views.program_preview, name="program_preview"),
    path("<int:pk>/settings/", views.program_settings, name="program_settings"),
    path("<int:pk>/items/add/", views.item_add, name="program_item_add"),
    path("<int:pk>/items/<int:item_pk>/", views.item_update, name="program_item_update"),
    path("<int:pk>/items/<int:item_pk>/move/", views.item_move, name="program_item_move"),
    path("<int:pk>/items/<int:item_pk>/remove/", views.item_remove, name="program_item_remove"),
    path("<int:pk>/items/<int:item_pk>/swap/", views.item_swap, name="program_item_swap"),
    path("<int:pk>/activate/", views.program_activate, name="program_activate"),
    path("<int:pk>/discharge/", views.program_discharge, name="program_discharge"),
    path("<int:pk>/delete/", views.program_delete, name="program_delete"),
    path("<int:pk>/copy/", views.program_copy, name="program_copy"),
    path("<int:pk>/save-template/", views.program_save_template, name="program_save_template"),
    path("<int:pk>/handout.pdf", documents.program_handout, name="program_handout"),
    path(
        "<int:pk>/discharge-summary.pdf",
        documents.program_discharge_summary,
        name="program_discharge_summary",
    ),
    path(
        "<int:pk>/discharge-summary/regenerate/",
        documents.program_regenerate_summary,
        name="program_regenerate_summary",
    ),
    path("clinic/library/export/", transfer_views.library_export, name="clinic_library_export"),
    path("clinic/library/import/", transfer_views.library_import, name="clinic_library_import"),
]
