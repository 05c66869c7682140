"""The editors' admin: change history with revert, and no lost updates.

Every data model's admin builds on ``EditorAdmin``, and the rows edited on
another model's page on ``VersionedInline``. Each form (a change page, an
inline row, a row of an editable list, a revert) carries the version the
editor opened. Its validation refuses a version that is no longer current,
with the fields that changed meanwhile; its save claims the version with one
conditional UPDATE in the save's transaction (``claim_version``), so that of
two saves of the same version racing past validation exactly one is written.
The other is refused like a stale form (issue 15).
"""

import copy
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.admin import TabularInline
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.forms.models import BaseModelFormSet
from django.http import HttpResponseRedirect
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME

from bri_tracker.pagination import CachedCountPaginator


class EditConflict(Exception):
    """A save found its row at another version than the one it loaded."""


def claim_version(instance, expected: int) -> None:
    """Raise the stored version of ``instance`` from ``expected`` to
    ``expected + 1``, or raise EditConflict when it is no longer ``expected``.

    The UPDATE locks the row until the surrounding transaction ends: a
    concurrent claim of the same version waits for it, then matches no row.
    Call it in the transaction that saves the instance."""
    model = type(instance)
    claimed = model._base_manager.filter(pk=instance.pk, version=expected).update(
        version=F("version") + 1
    )
    if not claimed:
        raise EditConflict(
            f"{model._meta.verbose_name} #{instance.pk} is no longer at "
            f"version {expected}"
        )
    instance.version = expected + 1


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

    # A row among others (inline, editable list): refusals name the row.
    names_row = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._claimed = False
        if self._is_change():
            self.fields["loaded_version"].initial = self._current_version()

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if not self._is_change() or loaded is None:
            return cleaned
        current = self._current_version()
        if current is not None and current != loaded:
            raise ValidationError(self._refusal(loaded))
        return cleaned

    def save(self, commit=True):
        # An inline row or a list row is saved here; a change page's own
        # form by EditorAdmin.save_model, which claims it first.
        if not commit:
            return super().save(commit=False)
        with transaction.atomic():
            self.claim()
            return super().save(commit=True)

    def claim(self):
        """Claim the version this form was loaded at (``claim_version``)."""
        if self._is_change() and not self._claimed:
            loaded = self.cleaned_data.get("loaded_version")
            if loaded is None:  # a client that sent none: the request's own
                loaded = self.fields["loaded_version"].initial
            claim_version(self.instance, loaded)
            self._claimed = True

    def _is_change(self):
        return self.instance.pk is not None and not self.instance._state.adding

    def _current_version(self):
        # A revert form edits a historical copy carrying its old version
        # number: the stored one counts. Other instances were just read.
        if hasattr(self.instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME):
            return stored_version(self.instance)
        return self.instance.version

    def _refusal(self, loaded):
        opts = type(self.instance)._meta
        row = (
            f"{opts.verbose_name.capitalize()} #{self.instance.pk} “{self.instance}”: "
            if self.names_row
            else ""
        )
        return (
            f"{row}Someone else saved this {opts.verbose_name} while you were "
            f"editing it. Changed meanwhile: "
            f"{changes_since(self.instance, loaded)}. Your changes were not "
            "saved: reload the page to see the current version, then make "
            "them again."
        )


class VersionedRowForm(VersionedForm):
    names_row = True


class _IdWithVersion(forms.HiddenInput):
    """A list row's id input followed by its ``loaded_version`` input: the
    change list renders no other hidden field of a row."""

    def __init__(self, form):
        super().__init__()
        self.form = form

    def __deepcopy__(self, memo):
        return copy.copy(self)

    def render(self, name, value, attrs=None, renderer=None):
        version = self.form["loaded_version"].as_hidden()
        return mark_safe(super().render(name, value, attrs, renderer) + version)


class VersionedRowsFormSet(BaseModelFormSet):
    """The rows of an editable change list, each carrying its version. A
    stale row's refusal goes above the list, where the change list shows
    errors that belong to no cell."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        pk = form.fields.get(self.model._meta.pk.name)
        if pk is not None and "loaded_version" in form.fields:
            pk.widget = _IdWithVersion(form)

    def clean(self):
        super().clean()
        refusals = [error for form in self.forms for error in form.non_field_errors()]
        if refusals:
            raise ValidationError(refusals)


def _with_loaded_version(fieldsets):
    fieldsets = list(fieldsets)
    if not any("loaded_version" in opts["fields"] for _, opts in fieldsets):
        fieldsets.append((None, {"fields": ["loaded_version"]}))
    return fieldsets


class VersionedInline(TabularInline):
    """Rows of another model edited on a parent's page, each carrying the
    version it was loaded at (a hidden field of the row)."""

    form = VersionedRowForm

    def get_fieldsets(self, request, obj=None):
        return _with_loaded_version(super().get_fieldsets(request, obj))


class EditorAdmin(SimpleHistoryAdmin):
    form = VersionedForm
    # Lists of millions of rows: one cached count, no second unfiltered one.
    paginator = CachedCountPaginator
    show_full_result_count = False

    def get_fieldsets(self, request, obj=None):
        return _with_loaded_version(super().get_fieldsets(request, obj))

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", VersionedRowForm)
        return super().get_changelist_form(request, **kwargs)

    def get_changelist_formset(self, request, **kwargs):
        kwargs.setdefault("formset", VersionedRowsFormSet)
        return super().get_changelist_formset(request, **kwargs)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            if change:
                self._claim_changed_rows(request)
                if isinstance(form, VersionedForm):
                    form.claim()
            derived = set(getattr(obj, "history_excluded_fields", ()))
            if not (change and derived):
                super().save_model(request, obj, form, change)
                return
            # Counts the database keeps are not the form's to write back: the
            # values read with the page's post may be stale by now.
            obj._history_user = request.user
            obj.save(
                update_fields=[
                    field.name
                    for field in obj._meta.concrete_fields
                    if not field.primary_key and field.name not in derived
                ]
            )

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        # Kept with the request (the admin serves many at once) for
        # save_model, which Django gives no formsets.
        request.editor_formsets = formsets
        return formsets, inline_instances

    def _claim_changed_rows(self, request):
        """Claim the inline rows about to be saved before the parent row: a
        figure saved on its own page locks the figure, then its project (the
        project's figure count), and the opposite order would deadlock with
        it."""
        rows = [
            row
            for formset in getattr(request, "editor_formsets", ())
            for row in formset.initial_forms
            if isinstance(row, VersionedForm)
            and row not in formset.deleted_forms
            and row.has_changed()
        ]
        for row in sorted(
            rows, key=lambda row: (row._meta.model._meta.label, row.instance.pk)
        ):
            row.claim()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._refusing_lost_races(
            request, super().changeform_view, object_id, form_url, extra_context
        )

    def changelist_view(self, request, extra_context=None):
        return self._refusing_lost_races(
            request, super().changelist_view, extra_context
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        return self._refusing_lost_races(
            request, self._revert_view, object_id, version_id, extra_context
        )

    @transaction.atomic
    def _revert_view(self, request, *args):
        # simple-history's revert view runs in no transaction of its own.
        return super().history_form_view(request, *args)

    def _refusing_lost_races(self, request, view, *args):
        """``view``, run again when one of its saves lost a race (its
        transaction is rolled back). The other save has committed by then,
        so the second run's validation refuses the stale forms and says
        what changed."""
        for _ in range(2):
            try:
                return view(request, *args)
            except EditConflict as conflict:
                lost = conflict
        self.message_user(
            request,
            f"Not saved: {lost}, someone else saved it meanwhile. Reload the "
            "page to see the current version, then make your changes again.",
            messages.ERROR,
        )
        return HttpResponseRedirect(request.get_full_path())
