"""The FilterSets of the public lists: projects, figures, countries,
agreements and sources, with the pieces they share (a year, a region, a
"Sort by" choice)."""

from typing import NamedTuple

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django_filters.constants import EMPTY_VALUES

from bri_tracker import data_generation
from countries.models import Country, PartnerAgreement, PartnerStatus
from projects.models import Metric, Observation, Project
from sources.models import Source


class Sort(NamedTuple):
    """One choice of a list's "Sort by": its label and its ``order_by()``
    arguments, with a tie-breaker last so that pages never repeat or skip a
    row."""

    label: str
    order: tuple


class SortFilter(django_filters.ChoiceFilter):
    """ "Sort by" among ``sorts``; the empty choice keeps the queryset's own
    order, which ``default_label`` names."""

    def __init__(self, sorts: dict[str, Sort], *, default_label: str, **kwargs):
        self.sorts = sorts
        super().__init__(
            choices=[(key, sort.label) for key, sort in sorts.items()],
            label="Sort by",
            empty_label=default_label,
            **kwargs,
        )

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.order_by(*self.sorts[value].order)


class ListFilterSet(django_filters.FilterSet):
    """A list's filters. ``rows`` is what the list shows: the filtered rows,
    or none when a parameter is invalid (``qs`` would silently ignore it)."""

    @property
    def rows(self):
        return self.qs if self.is_valid() else self.queryset.none()


class YearFilter(django_filters.NumberFilter):
    """A four-digit year: year lookups fail beyond 9999, decimals mean nothing."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


def _region_choices():
    return data_generation.cached(
        "region-choices", lambda: Country.objects.region_choices()
    )


def _publisher_choices():
    return data_generation.cached(
        "publisher-choices",
        lambda: [(name, name) for name in Source.objects.publishers()],
    )


# Projects

PROJECT_SORTS = {
    "name": Sort("Name (A-Z)", (F("name").asc(), "pk")),
    "-name": Sort("Name (Z-A)", (F("name").desc(), "pk")),
    "-opened": Sort(
        "Opened (newest first)", (F("opened_on").desc(nulls_last=True), "pk")
    ),
    "opened": Sort(
        "Opened (oldest first)", (F("opened_on").asc(nulls_last=True), "pk")
    ),
    "-latest": Sort(
        "Latest figure (newest first)",
        (F("latest_as_of").desc(nulls_last=True), "pk"),
    ),
    "latest": Sort(
        "Latest figure (oldest first)",
        (F("latest_as_of").asc(nulls_last=True), "pk"),
    ),
}


class ProjectFilter(ListFilterSet):
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
        choices=_region_choices, method="filter_region", label="Region"
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
    sort = SortFilter(PROJECT_SORTS, default_label="Name (A-Z)")

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
        return queryset.with_figures_of(value)


# Figures

# The figure list's default order: newest first (FigureFilter's empty choice).
FIGURE_DEFAULT_ORDER = (F("as_of").desc(nulls_last=True), "-pk")
FIGURE_SORTS = {
    "as_of": Sort("As of (oldest first)", (F("as_of").asc(nulls_last=True), "pk")),
    "-value": Sort("Value (largest first)", ("-value", "pk")),
    "value": Sort("Value (smallest first)", ("value", "pk")),
    "-added": Sort("Recently added", ("-created_at", "pk")),
}


class FigureFilter(ListFilterSet):
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
    sort = SortFilter(FIGURE_SORTS, default_label="As of (newest first)")

    class Meta:
        model = Observation
        fields = []

    def filter_initiative_wide(self, queryset, name, value):
        return queryset.initiative_wide() if value else queryset


# Countries and agreements

COUNTRY_SORTS = {
    "-projects": Sort("Most projects", (F("project_count").desc(), "name", "iso3")),
    "-signed": Sort(
        "Signed (newest first)",
        (F("first_signed_on").desc(nulls_last=True), "name", "iso3"),
    ),
    "signed": Sort(
        "Signed (oldest first)",
        (F("first_signed_on").asc(nulls_last=True), "name", "iso3"),
    ),
}


class CountryFilter(ListFilterSet):
    """Filters the country list; the queryset needs the partner status and
    project count annotations (explorer.views.countries)."""

    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label="Name", max_length=100
    )
    region = django_filters.ChoiceFilter(choices=_region_choices, label="Region")
    status = django_filters.ChoiceFilter(
        field_name="partner_status",
        choices=PartnerStatus.choices,
        label="Partner status",
    )
    sort = SortFilter(COUNTRY_SORTS, default_label="Name (A-Z)")

    class Meta:
        model = Country
        fields = []


AGREEMENT_SORTS = {
    "-signed": Sort("Newest first", (F("signed_on").desc(nulls_last=True), "-pk")),
    "partner": Sort(
        "Partner (A-Z)",
        (
            Coalesce("country__name", "organization__name").asc(),
            F("signed_on").asc(nulls_last=True),
            "pk",
        ),
    ),
}


class PartnerAgreementFilter(ListFilterSet):
    year = YearFilter(
        field_name="signed_on",
        lookup_expr="year",
        label="Year signed",
        min_value=1900,
        max_value=2100,
    )
    region = django_filters.ChoiceFilter(
        field_name="country__region", choices=_region_choices, label="Region"
    )
    country = django_filters.ModelChoiceFilter(
        queryset=Country.objects.all(), to_field_name="iso3", label="Country"
    )
    kind = django_filters.ChoiceFilter(choices=PartnerAgreement.Kind.choices)
    status = django_filters.ChoiceFilter(choices=PartnerAgreement.Status.choices)
    sort = SortFilter(AGREEMENT_SORTS, default_label="Oldest first")

    class Meta:
        model = PartnerAgreement
        fields = []


# Sources

SOURCE_SORTS = {
    "-published": Sort(
        "Newest first", (F("published_on").desc(nulls_last=True), "title", "pk")
    ),
    "published": Sort(
        "Oldest first", (F("published_on").asc(nulls_last=True), "title", "pk")
    ),
    "title": Sort("Title (A-Z)", ("title", "pk")),
    "-title": Sort("Title (Z-A)", ("-title", "pk")),
    "-figures": Sort("Most figures", ("-figure_count", "title", "pk")),
    "figures": Sort("Fewest figures", ("figure_count", "title", "pk")),
}


class SourceFilter(ListFilterSet):
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
    sort = SortFilter(SOURCE_SORTS, default_label="Newest first")

    class Meta:
        model = Source
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(publisher__icontains=value)
        )

    def filter_stored(self, queryset, name, value):
        if value == self.TEXT:
            return queryset.with_text()
        return queryset.reference_only()
