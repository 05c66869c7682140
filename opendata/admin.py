"""Releases in the admin: a list to read, nothing to add, edit or delete
(a published release is immutable; ``manage.py publish_release`` writes
them)."""

from django.contrib import admin

from opendata.models import Release


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ("version", "created_at", "total_bytes", "note")
    readonly_fields = (
        "version",
        "created_at",
        "note",
        "counts",
        "files",
        "total_bytes",
        "path",
        "datapackage_sha256",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
