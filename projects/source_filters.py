"""FilterSets of the sources and figures lists."""

import django_filters
from django import forms
from django.db.models import F, Q

from bri_tracker.page_cache import cached_by_data
from countries.models import Country
from projects.models import Metric, Observation, Project
from sources.models import Source


class YearFilter(django_filters.NumberFilter):
    """A four-digit year: year lookups fail beyond 9999, decimals mean nothing."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


SOURCE_SORTS = {
    "-published": (
        "Newest first",
        [F("published_on").desc(nulls_last=True), "title"],
    ),
    "published": ("Oldest first", [F("published_on").asc(nulls_last=True), "title"]),
    "title": ("Title (A-Z)", ["title"]),
    "-title": ("Title (Z-A)", ["-title"]),
    "-figures": ("Most figures", ["-figure_count", "title"]),
    "figures": ("Fewest figures", ["figure_count", "title"]),
}
# The figure list's default order: newest first (FigureFilter's empty choice).
FIGURE_DEFAULT_ORDER = [F("as_of").desc(nulls_last=True), "-pk"]
FIGURE_SORTS = {
    "as_of": ("As of (oldest first)", [F("as_of").asc(nulls_last=True)]),
    "-value": ("Value (largest first)", ["-value"]),
    "value": ("Value (smallest first)", ["value"]),
    "-added": ("Recently added", ["-created_at"]),
}


def _sort_filter(sorts, default_label):
    return django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _) in sorts.items()],
        method="filter_sort",
        label="Sort by",
        empty_label=default_label,
    )


def _publisher_choices():
    return cached_by_data("publisher-choices", _publishers)


def _publishers():
    return [
        (name, name)
        for name in Source.objects.exclude(publisher="")
        .order_by("publisher")
        .values_list("publisher", flat=True)
        .distinct()
    ]


class SourceFilter(django_filters.FilterSet):
    TEXT = "text"
    REFERENCE = "reference"

    q = django_filters.CharFilter(
        method="search", label="Title or publisher", max_length=200
    )
    publisher = django_filters.ChoiceFilter(choices=_publisher_choices)
    stored = django_filters.ChoiceFilter(
        label="Text",
        choices=[(TEXT, "Stored text"), (REFERENCE, "Reference only")],
        method="filter_stored",
    )
    year = YearFilter(field_name="published_on__year", label="Year published")
    sort = _sort_filter(SOURCE_SORTS, "Newest first")

    class Meta:
        model = Source
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(publisher__icontains=value)
        )

    def filter_sort(self, queryset, name, value):
        # The id breaks ties, so that pages never repeat or skip a row.
        return queryset.order_by(*SOURCE_SORTS[value][1], "pk")

    def filter_stored(self, queryset, name, value):
        if value == self.TEXT:
            return queryset.with_text()
        return queryset.reference_only()


class FigureFilter(django_filters.FilterSet):
    metric = django_filters.ModelMultipleChoiceFilter(
        field_name="metric__key",
        to_field_name="key",
        label="Metric",
        queryset=Metric.objects.all(),
        distinct=False,
    )
    project = django_filters.ModelChoiceFilter(
        queryset=Project.objects.only("slug", "name"),
        to_field_name="slug",
        widget=forms.TextInput(attrs={"placeholder": "project slug"}),
        label="Project (slug)",
    )
    country = django_filters.ModelChoiceFilter(
        field_name="project__countries",
        queryset=Country.objects.all(),
        to_field_name="iso3",
        label="Country",
    )
    initiative_wide = django_filters.BooleanFilter(
        label="Initiative-wide only",
        widget=forms.CheckboxInput,
        method="filter_initiative_wide",
    )
    qualifier = django_filters.ChoiceFilter(choices=Observation.Qualifier.choices)
    period = django_filters.ChoiceFilter(choices=Observation.Period.choices)
    from_year = YearFilter(
        field_name="as_of__year", lookup_expr="gte", label="As of, from year"
    )
    to_year = YearFilter(field_name="as_of__year", lookup_expr="lte", label="to year")
    source = django_filters.ModelChoiceFilter(
        queryset=Source.objects.only("pk"),
        widget=forms.NumberInput,
        label="Source id",
    )
    sort = _sort_filter(FIGURE_SORTS, "As of (newest first)")

    class Meta:
        model = Observation
        fields = []

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*FIGURE_SORTS[value][1], "pk")

    def filter_initiative_wide(self, queryset, name, value):
        return queryset.initiative_wide() if value else queryset
