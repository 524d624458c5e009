from django.contrib import admin

from clinic.admin import HTTPS_URL_FIELDS
from exercises.models import Equipment, Exercise, ExerciseLink, Muscle


class LinkOutInline(admin.TabularInline):
    model = ExerciseLink
    fk_name = "source"
    extra = 0
    autocomplete_fields = ["target"]
    verbose_name = "link to a harder or alternative exercise"
    verbose_name_plural = "links to harder or alternative exercises"


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["name", "clinic", "body_part", "activity_type", "skill_level", "is_archived"]
    list_filter = [
        "clinic",
        "is_archived",
        "region",
        "body_part",
        "activity_type",
        "skill_level",
        "position",
        "equipment",
    ]
    search_fields = ["name", "slug", "summary"]
    list_select_related = ["clinic"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["equipment", "target_muscles"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [LinkOutInline]
    formfield_overrides = HTTPS_URL_FIELDS


@admin.register(ExerciseLink)
class ExerciseLinkAdmin(admin.ModelAdmin):
    list_display = ["source", "kind", "target", "note"]
    list_filter = ["kind"]
    search_fields = ["source__name", "target__name"]
    list_select_related = ["source", "target"]
    autocomplete_fields = ["source", "target"]


@admin.register(Equipment)
class EquipmentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


@admin.register(Muscle)
class MuscleAdmin(admin.ModelAdmin):
    list_display = ["name", "plain_name", "slug"]
    search_fields = ["name", "plain_name", "slug"]
