from django.contrib import admin

from projects.models import DashboardCard, Metric, Milestone, Observation, Project


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
    fields = ["metric", "value", "qualifier", "period", "as_of", "source", "quote"]
    autocomplete_fields = ["source"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
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
class MilestoneAdmin(admin.ModelAdmin):
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
class ObservationAdmin(admin.ModelAdmin):
    list_display = [
        "scope",
        "metric",
        "display_value",
        "period",
        "as_of_display",
        "source",
    ]
    list_filter = ["metric", "qualifier", "period", "project", "confidence"]
    search_fields = ["quote", "note", "counted", "project__name", "source__title"]
    date_hierarchy = "as_of"
    autocomplete_fields = ["project", "source"]
    list_select_related = ["metric", "project", "source"]

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
