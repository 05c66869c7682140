import django_filters
from django import forms
from django.db.models import F
from django.db.models.functions import Coalesce

from countries.models import Country, PartnerAgreement, PartnerStatus

COUNTRY_SORTS = {
    "-projects": (
        "Most projects",
        [F("project_count").desc(), "name", "iso3"],
    ),
    "-signed": (
        "Signed (newest first)",
        [F("first_signed_on").desc(nulls_last=True), "name", "iso3"],
    ),
    "signed": (
        "Signed (oldest first)",
        [F("first_signed_on").asc(nulls_last=True), "name", "iso3"],
    ),
}
AGREEMENT_SORTS = {
    "-signed": (
        "Newest first",
        [F("signed_on").desc(nulls_last=True), "-pk"],
    ),
    "partner": (
        "Partner (A-Z)",
        [
            Coalesce("country__name", "organization__name").asc(),
            F("signed_on").asc(nulls_last=True),
            "pk",
        ],
    ),
}


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def _sort_choices(sorts):
    return [(key, label) for key, (label, _) in sorts.items()]


class CountryFilter(django_filters.FilterSet):
    """Filters the country list; the queryset needs CountryQuerySet.for_list()."""

    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label="Name", max_length=100
    )
    region = django_filters.ChoiceFilter(choices=[], label="Region")
    status = django_filters.ChoiceFilter(
        field_name="partner_status",
        choices=PartnerStatus.choices,
        label="Partner status",
    )
    sort = django_filters.ChoiceFilter(
        choices=_sort_choices(COUNTRY_SORTS),
        method="filter_sort",
        label="Sort by",
        empty_label="Name (A-Z)",
    )

    class Meta:
        model = Country
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Once per request, not once per use of the choices.
        self.filters["region"].extra["choices"] = Country.objects.region_choices()

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*COUNTRY_SORTS[value][1])


class PartnerAgreementFilter(django_filters.FilterSet):
    year = YearFilter(
        field_name="signed_on",
        lookup_expr="year",
        label="Year signed",
        min_value=1900,
        max_value=2100,
    )
    region = django_filters.ChoiceFilter(
        field_name="country__region", choices=[], label="Region"
    )
    country = django_filters.ModelChoiceFilter(
        queryset=Country.objects.all(), to_field_name="iso3", label="Country"
    )
    kind = django_filters.ChoiceFilter(choices=PartnerAgreement.Kind.choices)
    status = django_filters.ChoiceFilter(choices=PartnerAgreement.Status.choices)
    sort = django_filters.ChoiceFilter(
        choices=_sort_choices(AGREEMENT_SORTS),
        method="filter_sort",
        label="Sort by",
        empty_label="Oldest first",
    )

    class Meta:
        model = PartnerAgreement
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["region"].extra["choices"] = Country.objects.region_choices()

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*AGREEMENT_SORTS[value][1])
