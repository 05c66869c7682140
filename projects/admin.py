from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from import_export.admin import ImportExportMixin

from bri_tracker.editing import EditorAdmin
from projects.models import DashboardCard, Metric, Milestone, Observation, Project
from projects.resources import ObservationResource, ProjectResource


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
    list_filter = ["kind", "date_precision", "project"]
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
        "project",
        ("project__countries", admin.RelatedOnlyFieldListFilter),
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
            "Notes",
            {"fields": ["counted", "confidence", "note", "value_checked"]},
        ),
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
