"""The FilterSets of the public lists: projects, figures, countries,
agreements and sources, with the pieces they share (a year, a region, a
country, a metric, a "Sort by" choice, a text input with suggestions).

Choices are cached under the data generation, so that rendering a form
reads no table. Empty choices say what they mean ("Any sector")."""

from typing import NamedTuple

import django_filters
from django import forms
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.urls import reverse_lazy
from django.utils.html import format_html
from django_filters.constants import EMPTY_VALUES

from bri_tracker import data_generation, page_cache
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

    def is_valid(self):
        valid = super().is_valid()
        if not valid:  # rendered with its errors, but not kept (issue 15)
            page_cache.skip()
        return valid

    @property
    def narrows(self):
        """Whether the list shows fewer rows than its whole queryset: an
        invalid parameter, or filters that change the query's conditions
        (the sort, and a filter left at a value that filters nothing, do
        not)."""
        if not self.is_valid():
            return True
        try:
            filtered = str(self.qs.order_by().query)
        except EmptyResultSet:  # a condition that no row can meet
            return True
        return filtered != str(self.queryset.order_by().query)

    @property
    def params(self):
        """The request's parameters without the empty ones, for the links
        a list builds (pages, sorts, exports): ``{% querystring
        filter.params page=2 %}``."""
        params = QueryDict(mutable=True)
        for key in self.data:
            values = (
                self.data.getlist(key)
                if isinstance(self.data, QueryDict)
                else [self.data[key]]
            )
            values = [value for value in values if str(value).strip()]
            if values:
                params.setlist(key, values)
        return params


class LookupInput(forms.TextInput):
    """A text input that suggests values as one types: static/js/filters.js
    fills its ``<datalist>`` from the JSON at ``lookup_url``
    (explorer.views.lookups). Without JavaScript it is a plain text box."""

    def __init__(self, lookup_url, attrs=None):
        self.lookup_url = lookup_url
        super().__init__(attrs)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        options_id = f"{attrs.get('id') or name}-options"
        attrs.update(
            {"list": options_id, "data-lookup": self.lookup_url, "autocomplete": "off"}
        )
        return super().render(name, value, attrs, renderer) + format_html(
            '<datalist id="{}"></datalist>', options_id
        )


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


def _country_choices():
    """(iso3, name) of every country, by name."""
    return data_generation.cached(
        "country-choices",
        lambda: list(
            Country.objects.order_by("name", "iso3").values_list("iso3", "name")
        ),
    )


def _metrics():
    """{key: (id, name)} of every metric, in the metrics' order."""
    return data_generation.cached(
        "metrics-by-key",
        lambda: {
            key: (pk, name)
            for pk, key, name in Metric.objects.order_by(
                "sort_order", "name"
            ).values_list("pk", "key", "name")
        },
    )


def _metric_choices():
    return [(key, name) for key, (_, name) in _metrics().items()]


def _metric_id(key):
    return _metrics()[key][0]


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
    country = django_filters.MultipleChoiceFilter(
        choices=_country_choices,
        method="filter_countries",
        label="Country",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    region = django_filters.ChoiceFilter(
        choices=_region_choices,
        method="filter_region",
        label="Region",
        empty_label="Any region",
    )
    sector = django_filters.ChoiceFilter(
        choices=Project.Sector.choices, empty_label="Any sector"
    )
    kind = django_filters.ChoiceFilter(
        choices=Project.Kind.choices, empty_label="Any kind"
    )
    status = django_filters.ChoiceFilter(
        choices=Project.Status.choices, empty_label="Any status"
    )
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
    metric = django_filters.ChoiceFilter(
        choices=_metric_choices,
        method="filter_metric",
        label="Has figures for",
        empty_label="Any metric",
    )
    sort = SortFilter(PROJECT_SORTS, default_label="Name (A-Z)")

    class Meta:
        model = Project
        fields = []

    def filter_search(self, queryset, name, value):
        found = queryset.search(value)
        if "search_rank" in found.query.annotations:
            return found.order_by(F("search_rank").desc(nulls_last=True), "name")
        return found

    def filter_countries(self, queryset, name, value):
        # A subquery rather than a join: a project in two of the countries
        # is listed once, without DISTINCT.
        in_country = Project.countries.through.objects.filter(
            project=OuterRef("pk"), country__iso3__in=value
        )
        return queryset.filter(Exists(in_country))

    def filter_region(self, queryset, name, value):
        return queryset.in_region(value)

    def filter_metric(self, queryset, name, value):
        return queryset.with_figures_of(_metric_id(value))


# Figures

# Source ids are bigint; a longer number is no id (and would overflow).
MAX_ID = 2**63 - 1


def _projected():
    return ExpressionWrapper(
        Q(qualifier=Observation.Qualifier.PROJECTED), output_field=BooleanField()
    )


# The figure list's default order (FigureFilter's empty choice): figures
# achieved, newest first, then projections, so that a 2030 target does not
# top the list. The index figure_achieved_first (projects.Observation) reads
# it in this order.
FIGURE_DEFAULT_ORDER = (
    _projected().asc(),
    F("as_of").desc(nulls_last=True),
    F("pk").desc(),
)
FIGURE_SORTS = {
    "-as_of": Sort(
        "As of (newest first, projections included)",
        (F("as_of").desc(nulls_last=True), "-pk"),
    ),
    "as_of": Sort("As of (oldest first)", (F("as_of").asc(nulls_last=True), "pk")),
    "-value": Sort("Value (largest first)", ("-value", "pk")),
    "value": Sort("Value (smallest first)", ("value", "pk")),
    "-added": Sort("Recently added", ("-created_at", "pk")),
}


# A text filter that finds at most this many projects (or sources) filters the
# figures by their ids, read first, and PostgreSQL reads the figures through
# the project's (source's) index. Past it, matches are common enough for the
# list's order index to fill a page quickly, and the filter stays a subquery:
# a subquery that finds a few rows would make PostgreSQL walk the whole order
# index (2.5 s at 2M figures).
FEW = 500


def _named_or_matching(model, named: Q, matching: Q):
    """Primary keys of the ``model`` rows ``named`` picks if there are any,
    else of those ``matching`` finds; past FEW of them, a subquery. The rows
    ``named`` picks must be among those ``matching`` finds: only ``matching``
    is searched, so that it can use its indexes."""
    rows = list(
        model.objects.filter(matching)
        .annotate(is_named=ExpressionWrapper(named, output_field=BooleanField()))
        .order_by("-is_named")
        .values_list("pk", "is_named")[: FEW + 1]
    )
    if rows and rows[0][1]:
        return [pk for pk, is_named in rows if is_named]
    if len(rows) <= FEW:
        return [pk for pk, _ in rows]
    return model.objects.filter(matching).values("pk")


def _source_id_in_range(value):
    text = value.strip()
    if text.isascii() and text.isdigit() and int(text) > MAX_ID:
        raise ValidationError("No source has this id.")


class FigureFilter(ListFilterSet):
    q = django_filters.CharFilter(
        method="filter_text",
        label="Search",
        max_length=200,
        help_text="What is counted, a metric, a project or one of its countries",
    )
    metric = django_filters.MultipleChoiceFilter(
        choices=_metric_choices,
        method="filter_metrics",
        label="Metric",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    project = django_filters.CharFilter(
        method="filter_project",
        label="Project",
        max_length=200,
        widget=LookupInput(
            reverse_lazy("projects:lookup"),
            attrs={"placeholder": "Name, other name or slug"},
        ),
    )
    country = django_filters.ChoiceFilter(
        field_name="project__countries__iso3",
        choices=_country_choices,
        label="Country",
        empty_label="Any country",
    )
    initiative_wide = django_filters.BooleanFilter(
        label="Initiative-wide only",
        widget=forms.CheckboxInput,
        method="filter_initiative_wide",
    )
    qualifier = django_filters.ChoiceFilter(
        choices=Observation.Qualifier.choices, empty_label="Any qualifier"
    )
    period = django_filters.ChoiceFilter(
        choices=Observation.Period.choices, empty_label="Any period"
    )
    from_year = YearFilter(
        field_name="as_of__year", lookup_expr="gte", label="As of, from year"
    )
    to_year = YearFilter(field_name="as_of__year", lookup_expr="lte", label="to year")
    source = django_filters.CharFilter(
        method="filter_source",
        label="Source",
        max_length=500,
        validators=[_source_id_in_range],
        widget=LookupInput(
            reverse_lazy("sources:lookup"),
            attrs={"placeholder": "Title, publisher or id"},
        ),
    )
    sort = SortFilter(FIGURE_SORTS, default_label="Newest first, projections last")

    class Meta:
        model = Observation
        fields = []

    def filter_metrics(self, queryset, name, value):
        return queryset.filter(metric_id__in=[_metric_id(key) for key in value])

    def filter_project(self, queryset, name, value):
        """A project's slug or exact name picks that project; other text, the
        projects whose name or other names contain it."""
        text = value.strip()
        named = Q(slug=text) | Q(name=text)
        matching = Q(name__icontains=text) | Q(aliases__icontains=text) | Q(slug=text)
        return queryset.filter(project__in=_named_or_matching(Project, named, matching))

    def filter_source(self, queryset, name, value):
        """A source's id or exact title picks it; other text, the sources whose
        title or publisher contain it."""
        text = value.strip()
        if text.isascii() and text.isdigit():
            return queryset.filter(source_id=int(text))
        named = Q(title=text)
        matching = Q(title__icontains=text) | Q(publisher__icontains=text)
        return queryset.filter(source__in=_named_or_matching(Source, named, matching))

    def filter_initiative_wide(self, queryset, name, value):
        return queryset.initiative_wide() if value else queryset

    def filter_text(self, queryset, name, value):
        """Figures whose counted text contains ``value``, of a metric whose
        name does, or of a project the project search finds (its names,
        aliases and countries). The metrics and projects are looked up
        first, so that the figures are found through their indexes."""
        text = value.strip()
        if not text:
            return queryset
        metrics = [
            pk
            for pk, metric_name in _metrics().values()
            if text.casefold() in metric_name.casefold()
        ]
        projects = Project.objects.search(text).order_by().values_list("pk", flat=True)
        project_ids = list(projects[: FEW + 1])
        in_projects = (
            Q(project__in=project_ids)
            if len(project_ids) <= FEW
            else Q(project__in=Project.objects.search(text).order_by().values("pk"))
        )
        return queryset.filter(
            Q(counted__icontains=text) | Q(metric__in=metrics) | in_projects
        )


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
    region = django_filters.ChoiceFilter(
        choices=_region_choices, label="Region", empty_label="Any region"
    )
    status = django_filters.ChoiceFilter(
        field_name="partner_status",
        choices=PartnerStatus.choices,
        label="Partner status",
        empty_label="Any partner status",
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
        field_name="country__region",
        choices=_region_choices,
        label="Region",
        empty_label="Any region",
    )
    country = django_filters.ChoiceFilter(
        field_name="country__iso3",
        choices=_country_choices,
        label="Country",
        empty_label="Any country",
    )
    kind = django_filters.ChoiceFilter(
        choices=PartnerAgreement.Kind.choices, empty_label="Any kind"
    )
    status = django_filters.ChoiceFilter(
        choices=PartnerAgreement.Status.choices, empty_label="Any status"
    )
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
    publisher = django_filters.ChoiceFilter(
        choices=_publisher_choices, empty_label="Any publisher"
    )
    stored = django_filters.ChoiceFilter(
        label="Text",
        choices=[(TEXT, "Stored text"), (REFERENCE, "Reference only")],
        method="filter_stored",
        empty_label="Stored or reference only",
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
