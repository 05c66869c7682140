from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from import_export.admin import ImportExportMixin

from bri_tracker.editing import EditorAdmin
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
from sources.ingestion import MAX_BYTES, IngestError, decode_upload


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "unit", "aggregation", "sort_order"]
    list_editable = ["sort_order"]
    list_filter = ["aggregation"]
    search_fields = ["key", "name"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["date", "date_precision", "kind", "title", "source", "quote"]
    autocomplete_fields = ["source"]


class ObservationInline(admin.TabularInline):
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
class ProjectAdmin(ImportExportMixin, EditorAdmin):
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
class ObservationAdmin(ImportExportMixin, EditorAdmin):
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
        # dashboard's cache is dropped.
        changed = 0
        for figure in queryset.exclude(status=status):
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
class DashboardCardAdmin(admin.ModelAdmin):
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
        required=False, help_text=".txt or .html, UTF-8, 2 MB at most"
    )
    title = forms.CharField(required=False, help_text="Defaults to the headline.")
    publisher = forms.CharField(required=False)
    published_on = forms.DateField(required=False, help_text="YYYY-MM-DD")
    url = forms.URLField(required=False, assume_scheme="https")

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        try:
            if upload:
                cleaned["raw"] = decode_upload(upload.read(MAX_BYTES + 1))
            else:
                cleaned["raw"] = cleaned.get("text") or ""
            if not cleaned["raw"].strip():
                raise IngestError("Paste the release's text or upload its file.")
        except IngestError as error:
            raise forms.ValidationError(str(error)) from error
        return cleaned


@admin.register(FigureCandidate)
class FigureCandidateAdmin(admin.ModelAdmin):
    """The review screen: each proposal beside its sentence, editable in
    place, accepted or rejected one by one or in bulk."""

    list_display = [
        "sentence",
        "metric",
        "value",
        "qualifier",
        "as_of",
        "period",
        "project",
        "counted",
        "confidence",
        "decision",
        "reject_reason",
        "figure_link",
    ]
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
    actions = ["accept_as_draft", "accept_and_publish", "reject"]
    readonly_fields = ["extracted", "decided_by", "decided_at", "observation"]

    def get_urls(self):
        urls = super().get_urls()
        return [
            path(
                "add-release/",
                self.admin_site.admin_view(self.add_release_view),
                name="projects_figurecandidate_add_release",
            ),
            *urls,
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:projects_figurecandidate_add_release")

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
                self.message_user(request, _ingest_message(source, created, candidates))
                review = reverse("admin:projects_figurecandidate_changelist")
                return redirect(f"{review}?source__id__exact={source.pk}")
        context = {
            **self.admin_site.each_context(request),
            "title": "Add a press release",
            "form": form,
            "opts": self.model._meta,
        }
        return render(request, "admin/projects/add_release.html", context)

    @admin.display(description="Sentence")
    def sentence(self, candidate):
        before, quote, after = _in_sentence(candidate.source.text, candidate.quote)
        return format_html("…{}<mark>{}</mark>{}…", before, quote, after)

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
        pending = queryset.filter(decision=FigureCandidate.Decision.PENDING)
        for candidate in pending:
            candidate_reject(
                candidate,
                user=request.user,
                reason=candidate.reject_reason or "Rejected",
            )
        self.message_user(request, f"{len(pending)} proposal(s) rejected.")

    def _accept(self, request, queryset, status):
        accepted = 0
        for candidate in queryset.filter(decision=FigureCandidate.Decision.PENDING):
            try:
                candidate_accept(candidate, user=request.user, status=status)
                accepted += 1
            except ValidationError as error:
                reasons = "; ".join(error.messages)
                self.message_user(
                    request,
                    f"Not accepted, “{candidate.quote[:60]}”: {reasons}",
                    messages.ERROR,
                )
        self.message_user(request, f"{accepted} proposal(s) accepted as {status}.")


def _ingest_message(source, created, candidates):
    if not created:
        return f"This release is already stored as “{source}”: its proposals are below."
    return f"Stored “{source}”: {len(candidates)} proposed figure(s) to review."


def _in_sentence(text, quote):
    """The sentence around ``quote`` in ``text``, as (before, quote, after)."""
    start = text.find(quote)
    if start < 0:
        return "", quote, ""
    end = start + len(quote)
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    right_stops = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    right = min(right_stops, default=len(text))
    return text[left:start].lstrip()[-200:], quote, text[end : right + 1][:200]
