"""The editors' admin: change history with revert, and no lost updates.

Every data model's admin builds on ``EditorAdmin``. Its change form carries
the version the editor opened; saving over a newer version is refused with
the fields that changed meanwhile, instead of silently overwriting them.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from bri_tracker.pagination import CachedCountPaginator


def changes_since(instance, version):
    """ "value: 1000 → 1200; quote: … → …" between ``version`` and now, from
    the change history."""
    history = instance.history.all()
    old, new = history.filter(version=version).first(), history.first()
    if old is None or new is None:
        return "the record was changed"
    delta = new.diff_against(old, excluded_fields=["version", "created_at"])
    return (
        "; ".join(
            f"{instance._meta.get_field(change.field).verbose_name}: "
            f"{_short(change.old)} → {_short(change.new)}"
            for change in delta.changes
        )
        or "the record was saved again"
    )


def _short(value):
    if isinstance(value, Decimal):
        value = value.normalize()
        value = f"{value:f}"
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def stored_version(instance):
    return (
        type(instance)
        .objects.filter(pk=instance.pk)
        .values_list("version", flat=True)
        .first()
    )


class VersionedForm(forms.ModelForm):
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The stored version, not the instance's: a revert form edits a
            # historical copy that carries its old version number.
            self.fields["loaded_version"].initial = stored_version(self.instance)

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if not self.instance.pk or loaded is None:
            return cleaned
        model = type(self.instance)
        current = stored_version(self.instance)
        if current is not None and current != loaded:
            raise ValidationError(
                f"Someone else saved this {model._meta.verbose_name} while you "
                f"were editing it. Changed meanwhile: "
                f"{changes_since(self.instance, loaded)}. Your changes were not "
                "saved: reload the page to see the current version, then make "
                "them again."
            )
        return cleaned


class EditorAdmin(SimpleHistoryAdmin):
    form = VersionedForm
    # Lists of millions of rows: one cached count, no second unfiltered one.
    paginator = CachedCountPaginator
    show_full_result_count = False

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if not any("loaded_version" in opts["fields"] for _, opts in fieldsets):
            fieldsets.append((None, {"fields": ["loaded_version"]}))
        return fieldsets

    def save_model(self, request, obj, form, change):
        if change:
            obj.version = (stored_version(obj) or 0) + 1
        super().save_model(request, obj, form, change)
