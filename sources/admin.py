from django.contrib import admin
from django.db import models

from bri_tracker.editing import EditorAdmin
from sources.models import Source


@admin.register(Source)
class SourceAdmin(EditorAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "title",
        "publisher",
        "published_display",
        "has_text",
        "duplicate_of",
    ]
    list_filter = [
        "publisher",
        "language",
        ("duplicate_of", admin.EmptyFieldListFilter),
    ]
    search_fields = ["title", "publisher", "url", "text"]
    date_hierarchy = "published_on"
    readonly_fields = ["content_hash", "created_at", "updated_at"]
    autocomplete_fields = ["duplicate_of"]
    fieldsets = [
        (None, {"fields": ["title", "publisher", "url", "language"]}),
        ("Date", {"fields": ["published_on", "published_on_precision", "date_note"]}),
        ("Text", {"fields": ["text", "duplicate_of", "content_hash"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(boolean=True, description="Text stored")
    def has_text(self, obj):
        return obj.has_text

    @admin.display(description="Published", ordering="published_on")
    def published_display(self, obj):
        return obj.published_display
