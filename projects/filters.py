import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef

from countries.models import Country
from projects.models import Metric, Observation, Project

SORTS = {
    "name": ("Name (A-Z)", [F("name").asc()]),
    "-name": ("Name (Z-A)", [F("name").desc()]),
    "-opened": ("Opened (newest first)", [F("opened_on").desc(nulls_last=True)]),
    "opened": ("Opened (oldest first)", [F("opened_on").asc(nulls_last=True)]),
    "-latest": (
        "Latest figure (newest first)",
        [F("latest_as_of").desc(nulls_last=True)],
    ),
    "latest": (
        "Latest figure (oldest first)",
        [F("latest_as_of").asc(nulls_last=True)],
    ),
}


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def _regions():
    regions = Country.objects.exclude(region="").values_list("region", flat=True)
    return [(region, region) for region in sorted(set(regions))]


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search", method="filter_search", max_length=200
    )
    country = django_filters.ModelMultipleChoiceFilter(
        field_name="countries__iso3",
        to_field_name="iso3",
        queryset=Country.objects.filter(
            Exists(Project.countries.through.objects.filter(country=OuterRef("pk")))
        ),
        label="Country",
        distinct=True,
    )
    region = django_filters.ChoiceFilter(
        choices=_regions, method="filter_region", label="Region"
    )
    sector = django_filters.ChoiceFilter(choices=Project.Sector.choices)
    kind = django_filters.ChoiceFilter(choices=Project.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Project.Status.choices)
    opened_from = YearFilter(
        field_name="opened_on__year",
        lookup_expr="gte",
        label="Opened from (year)",
        min_value=1900,
        max_value=2100,
    )
    opened_to = YearFilter(
        field_name="opened_on__year",
        lookup_expr="lte",
        label="Opened to (year)",
        min_value=1900,
        max_value=2100,
    )
    metric = django_filters.ModelChoiceFilter(
        queryset=Metric.objects.all(),
        to_field_name="key",
        method="filter_metric",
        label="Has figures for",
    )
    sort = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        method="filter_sort",
        label="Sort by",
        empty_label="Name (A-Z)",
    )

    class Meta:
        model = Project
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["country"].widget = forms.SelectMultiple(attrs={"size": 6})

    def filter_search(self, queryset, name, value):
        found = queryset.search(value)
        if "search_rank" in found.query.annotations:
            return found.order_by(F("search_rank").desc(nulls_last=True), "name")
        return found

    def filter_region(self, queryset, name, value):
        return queryset.in_region(value)

    def filter_metric(self, queryset, name, value):
        figures = Observation.objects.published().filter(
            project=OuterRef("pk"), metric=value
        )
        return queryset.filter(Exists(figures))

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS[value][1], "pk")
