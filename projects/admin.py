from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    ValidationError,
)
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html

from bri_tracker.editing import EditorAdmin, VersionedInline
from bri_tracker.request_limits import on_request_too_big
from projects.choices import CandidateDecision
from projects.imports import LimitedImportMixin
from projects.ingest import candidate_accept, candidate_reject, release_ingest
from projects.models import (
    DashboardCard,
    FigureCandidate,
    Metric,
    Milestone,
    Observation,
    Project,
)
from projects.resources import ObservationResource, ProjectResource
from sources.extraction import AsOfBasis
from sources.ingestion import MAX_BYTES, IngestError, decode_upload, too_big
from sources.language import no_figures_reason


@admin.register(Metric)
class MetricAdmin(EditorAdmin):
    list_display = ["key", "name", "unit", "aggregation", "sort_order"]
    list_editable = ["sort_order"]
    list_filter = ["aggregation"]
    search_fields = ["key", "name"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # Figures, cards, imports and exports name metrics by key.
            readonly.append("key")
        if not request.user.is_superuser:
            # The ceiling that questions unusual values is not the editors'
            # to raise (issue 15).
            readonly.append("plausible_max")
        return readonly


class MilestoneInline(VersionedInline):
    model = Milestone
    extra = 0
    fields = ["date", "date_precision", "kind", "title", "source", "quote"]
    autocomplete_fields = ["source"]


class ObservationInline(VersionedInline):
    model = Observation
    extra = 0
    fields = [
        "metric",
        "value",
        "qualifier",
        "period",
        "as_of",
        "source",
        "quote",
        "status",
    ]
    autocomplete_fields = ["source"]


@admin.register(Project)
class ProjectAdmin(LimitedImportMixin, EditorAdmin):
    resource_classes = [ProjectResource]
    list_display = [
        "name",
        "kind",
        "sector",
        "status",
        "opened_display",
        "is_signature",
    ]
    list_filter = ["kind", "sector", "status", "is_signature", "countries__region"]
    search_fields = ["name", "official_name", "aliases", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["countries"]
    inlines = [MilestoneInline, ObservationInline]

    @admin.display(description="Opened", ordering="opened_on")
    def opened_display(self, obj):
        return obj.opened_display


@admin.register(Milestone)
class MilestoneAdmin(EditorAdmin):
    list_display = ["title", "date_display", "kind", "project", "country", "source"]
    list_filter = ["kind", "date_precision"]
    search_fields = ["title", "note", "quote", "project__name", "country__name"]
    date_hierarchy = "date"
    autocomplete_fields = ["project", "country", "source"]
    list_select_related = ["project", "country", "source"]

    @admin.display(description="Date", ordering="date")
    def date_display(self, obj):
        return obj.date_display


@admin.register(Observation)
class ObservationAdmin(LimitedImportMixin, EditorAdmin):
    resource_classes = [ObservationResource]
    list_display = [
        "scope",
        "metric",
        "display_value",
        "period",
        "as_of_display",
        "status",
        "source_link",
        "public_link",
    ]
    list_filter = [
        "status",
        "metric",
        "qualifier",
        "period",
        # No filter listing every project or every related country: at
        # 100,000 projects the sidebar alone would be megabytes. Search by
        # project name instead.
        "project__countries",
        "source__publisher",
        "confidence",
    ]
    search_fields = ["quote", "note", "counted", "project__name", "source__title"]
    date_hierarchy = "as_of"
    autocomplete_fields = ["project", "source"]
    list_select_related = ["metric", "project", "source"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["metric", "project", "value", "qualifier", "status"]}),
        (
            "When",
            {"fields": ["as_of", "as_of_precision", "period", "period_start"]},
        ),
        ("Source", {"fields": ["source", "quote", "change_percent"]}),
        (
            "What is counted",
            {
                "fields": ["counted", "unit"],
                "description": "Required for an “Other figure”; for other "
                "metrics, only when the figure counts something narrower.",
            },
        ),
        ("Notes", {"fields": ["confidence", "note", "value_checked"]}),
    ]

    @admin.display(description="Source")
    def source_link(self, obj):
        url = reverse("admin:sources_source_change", args=[obj.source_id])
        return format_html('<a href="{}">{}</a>', url, obj.source.title[:50])

    @admin.display(description="Public page")
    def public_link(self, obj):
        if obj.status != Observation.Status.PUBLISHED:
            return "not public (draft)"
        url = reverse("figures:detail", args=[obj.pk])
        return format_html('<a href="{}">view</a>', url)

    @admin.action(description="Publish the selected figures")
    def publish(self, request, queryset):
        self._set_status(request, queryset, Observation.Status.PUBLISHED)

    @admin.action(description="Return the selected figures to draft")
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Observation.Status.DRAFT)

    def _set_status(self, request, queryset, status):
        # One save per figure: each change enters the history and the
        # dashboard's cache is dropped. The row is locked while its version
        # is read and raised, so that an editor's save of it in the meantime
        # is refused rather than lost.
        changed = 0
        for pk in queryset.exclude(status=status).values_list("pk", flat=True):
            with transaction.atomic():
                figure = (
                    Observation.objects.select_for_update()
                    .exclude(status=status)
                    .filter(pk=pk)
                    .order_by()  # no join to the metrics: lock only the figure
                    .first()
                )
                if figure is None:
                    continue
                figure.status = status
                figure.version += 1
                figure.save(update_fields=["status", "version", "updated_at"])
                changed += 1
        self.message_user(
            request, f"{changed} figure(s) set to {status}.", messages.SUCCESS
        )

    @admin.display(description="Project", ordering="project__name")
    def scope(self, obj):
        return obj.project or "Initiative-wide"

    @admin.display(description="Value", ordering="value")
    def display_value(self, obj):
        return obj.display_value

    @admin.display(description="As of", ordering="as_of")
    def as_of_display(self, obj):
        return obj.as_of_display


@admin.register(DashboardCard)
class DashboardCardAdmin(EditorAdmin):
    list_display = ["display_title", "metric", "project", "period", "sort_order"]
    list_editable = ["sort_order"]
    list_select_related = ["metric", "project"]
    autocomplete_fields = ["project"]
    search_fields = ["title", "metric__name", "project__name"]


class ReleaseForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14, "cols": 100}),
        required=False,
        help_text="Paste the release, or upload it below.",
    )
    upload = forms.FileField(
        required=False, help_text=".txt or .html, UTF-8 or UTF-16, 2 MB at most"
    )
    title = forms.CharField(required=False, help_text="Defaults to the headline.")
    publisher = forms.CharField(required=False)
    published_on = forms.DateField(required=False, help_text="YYYY-MM-DD")
    url = forms.URLField(required=False, assume_scheme="https")

    def __init__(self, *args, refusal="", **kwargs):
        super().__init__(*args, **kwargs)
        # Why the request itself was refused (too big to read): the error.
        self.refusal = refusal

    def clean(self):
        if self.refusal:
            raise forms.ValidationError(self.refusal)
        cleaned = super().clean()
        upload = cleaned.get("upload")
        try:
            if upload:
                if upload.size > MAX_BYTES:
                    raise IngestError(too_big("file", upload.size))
                cleaned["raw"] = decode_upload(upload.read(MAX_BYTES + 1))
            else:
                cleaned["raw"] = cleaned.get("text") or ""
                size = len(cleaned["raw"].encode())
                if size > MAX_BYTES:
                    raise IngestError(too_big("text", size))
            if not cleaned["raw"].strip():
                raise IngestError("Paste the release's text or upload its file.")
        except IngestError as error:
            raise forms.ValidationError(str(error)) from error
        return cleaned


class CandidateRowForm(forms.ModelForm):
    """A row of the review list. A decided proposal's fields are shown but
    disabled: changing them would no longer change anything (an accepted one
    is a figure of its own by then)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.decision != CandidateDecision.PENDING:
            for field in self.fields.values():
                field.disabled = True
        if "value" in self.fields and self.instance.value is not None:
            # "2500000", not the column's "2500000.0000": a narrow input.
            self.initial["value"] = Decimal(f"{self.instance.value.normalize():f}")


@admin.register(FigureCandidate)
class FigureCandidateAdmin(admin.ModelAdmin):
    """The review screen: each proposal's fields, editable in place, over
    the sentence it was read from; accepted or rejected one by one or in
    bulk. Decided proposals are read-only and link to their figure."""

    list_display = [
        "metric",
        "value",
        "change_display",
        "qualifier",
        "as_of",
        "as_of_basis_display",
        "period",
        "project",
        "counted",
        "confidence_display",
        "decision",
        "reject_reason",
        "figure_link",
    ]
    list_display_links = ["decision"]
    list_editable = [
        "metric",
        "value",
        "qualifier",
        "as_of",
        "period",
        "project",
        "counted",
        "reject_reason",
    ]
    list_filter = ["decision", "metric", ("source", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["source", "metric", "project", "observation"]
    list_per_page = 100
    search_fields = ["quote", "counted", "source__title", "project__name"]
    # The project picker asks the server as the editor types: a select of
    # every project would put all of them in every row of the page.
    autocomplete_fields = ["project"]
    actions = ["accept_as_draft", "accept_and_publish", "reject"]
    fields = [
        "source",
        "quote",
        "metric",
        "value",
        "qualifier",
        "change_percent",
        "as_of",
        "as_of_basis_display",
        "period",
        "period_start",
        "project",
        "counted",
        "unit",
        "confidence",
        "decision",
        "reject_reason",
        "figure_link",
        "decided_by",
        "decided_at",
        "extracted",
    ]
    readonly_fields = [
        "source",
        "as_of_basis_display",
        "confidence",
        "decision",
        "figure_link",
        "decided_by",
        "decided_at",
        "extracted",
    ]

    class Media:
        css = {"all": ["css/release_review.css"]}
        js = ["js/release_review.js"]

    def get_urls(self):
        urls = super().get_urls()
        return [
            path(
                "add-release/",
                on_request_too_big(self._release_too_big)(
                    self.admin_site.admin_view(self.add_release_view)
                ),
                name="projects_figurecandidate_add_release",
            ),
            *urls,
        ]

    def has_change_permission(self, request, obj=None):
        # A decided proposal is a record of the decision: view only.
        if obj is not None and obj.decision != CandidateDecision.PENDING:
            return False
        return super().has_change_permission(request, obj)

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=CandidateRowForm, **kwargs)

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:projects_figurecandidate_add_release")

    def changelist_view(self, request, extra_context=None):
        # The proposals need the page's width: no navigation sidebar here.
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def _release_too_big(self, request, size):
        """The form again, with the reason, for a POST over Django's limit
        (DATA_UPLOAD_MAX_MEMORY_SIZE): its text cannot be read back."""
        if not (
            self.admin_site.has_permission(request) and self.has_add_permission(request)
        ):
            raise RequestDataTooBig("The form's data is too big.")
        refusal = (
            f"{too_big('text', size)} It could not be kept: paste a shorter part "
            "of it, or only the release itself."
        )
        form = ReleaseForm({}, refusal=refusal)
        return self._release_form_page(request, form, status=413)

    def add_release_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ReleaseForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                source, created, candidates = release_ingest(
                    raw=data["raw"],
                    title=data["title"],
                    publisher=data["publisher"],
                    published_on=data["published_on"],
                    url=data["url"],
                )
            except (IngestError, ValidationError) as error:
                form.add_error(None, error)
            else:
                for level, message in _ingest_messages(source, created, candidates):
                    self.message_user(request, message, level)
                review = reverse("admin:projects_figurecandidate_changelist")
                return redirect(f"{review}?source__id__exact={source.pk}")
        return self._release_form_page(request, form)

    def _release_form_page(self, request, form, status=200):
        context = {
            **self.admin_site.each_context(request),
            "title": "Add a press release",
            "form": form,
            "opts": self.model._meta,
        }
        return render(
            request, "admin/projects/add_release.html", context, status=status
        )

    @admin.display(description="Change", ordering="change_percent")
    def change_display(self, candidate):
        if candidate.change_percent is None:
            return "—"
        return f"{candidate.change_percent.normalize():+f}%"

    @admin.display(description="As of from", ordering="as_of_basis")
    def as_of_basis_display(self, candidate):
        # The extractor's own words; a value it no longer has keeps ours.
        try:
            return AsOfBasis(candidate.as_of_basis).label
        except ValueError:
            return candidate.get_as_of_basis_display() or "—"

    @admin.display(description="Conf.", ordering="confidence")
    def confidence_display(self, candidate):
        return f"{candidate.confidence:.2f}"

    @admin.display(description="Figure")
    def figure_link(self, candidate):
        if candidate.observation_id is None:
            return "—"
        url = reverse(
            "admin:projects_observation_change", args=[candidate.observation_id]
        )
        return format_html('<a href="{}">#{}</a>', url, candidate.observation_id)

    @admin.action(description="Accept the selected proposals as draft figures")
    def accept_as_draft(self, request, queryset):
        self._accept(request, queryset, Observation.Status.DRAFT)

    @admin.action(description="Accept and publish the selected proposals")
    def accept_and_publish(self, request, queryset):
        self._accept(request, queryset, Observation.Status.PUBLISHED)

    @admin.action(description="Reject the selected proposals (reason from each row)")
    def reject(self, request, queryset):
        rejected = 0
        for candidate in self._as_on_screen(request, queryset):
            candidate_reject(
                candidate,
                user=request.user,
                reason=candidate.reject_reason or "Rejected",
            )
            rejected += 1
        self.message_user(request, f"{rejected} proposal(s) rejected.")

    def _accept(self, request, queryset, status):
        accepted = 0
        for candidate in self._as_on_screen(request, queryset):
            try:
                candidate_accept(candidate, user=request.user, status=status)
                accepted += 1
            except ValidationError as error:
                self._refuse(request, candidate, error)
        self.message_user(request, f"{accepted} proposal(s) accepted as {status}.")

    def _as_on_screen(self, request, queryset):
        """The selected pending proposals as the editor sees them: a row
        corrected on the page but not saved is taken with its corrections
        (an action does not save the rows' fields, Save does). A correction
        that is not valid is refused with its reason; the row is left alone.
        """
        pending = {c.pk: c for c in queryset.filter(decision=CandidateDecision.PENDING)}
        on_screen = _row_forms(self, request, pending)
        for pk, candidate in pending.items():
            form = on_screen.get(pk)
            if form is None or not form.has_changed():
                yield candidate
            elif form.is_valid():
                yield form.save(commit=False)
            else:
                self._refuse(request, candidate, ValidationError(_errors(form)))

    def _refuse(self, request, candidate, error):
        reasons = "; ".join(error.messages)
        self.message_user(
            request,
            f"Not done, “{candidate.quote[:60]}”: {reasons}",
            messages.ERROR,
        )


def _row_forms(admin_, request, candidates):
    """{pk: bound row form} for the changelist rows of ``candidates`` posted
    with an action; {} when the page had no editable rows."""
    try:
        total = int(request.POST.get("form-TOTAL_FORMS", 0))
    except ValueError:
        return {}
    row_form = admin_.get_changelist_formset(request).form
    forms_by_pk = {}
    for index in range(min(total, admin_.list_per_page)):
        prefix = f"form-{index}"
        pk = request.POST.get(f"{prefix}-id", "")
        candidate = candidates.get(int(pk)) if pk.isdigit() else None
        if candidate is not None:
            forms_by_pk[candidate.pk] = row_form(
                request.POST, prefix=prefix, instance=candidate
            )
    return forms_by_pk


def _errors(form):
    return [
        f"{form.fields[name].label if name in form.fields else name}: {message}"
        for name, messages_ in form.errors.items()
        for message in messages_
    ]


def _ingest_messages(source, created, candidates):
    """(level, message) pairs telling the editor what storing a release did."""
    if not created:
        return [
            (
                messages.INFO,
                f"This release is already stored as “{source}”: its proposals "
                "are below.",
            )
        ]
    if source.duplicate_of is not None:
        return [
            (
                messages.WARNING,
                f"Stored “{source}” as a copy of “{source.duplicate_of}” (source "
                f"#{source.duplicate_of_id}): its {len(candidates)} proposed "
                "figure(s) are marked as already recorded from the original.",
            )
        ]
    if not candidates:
        return [
            (
                messages.WARNING,
                f"Stored “{source}”. {no_figures_reason(source.text)}",
            )
        ]
    return [
        (
            messages.SUCCESS,
            f"Stored “{source}”: {len(candidates)} proposed figure(s) to review.",
        )
    ]
