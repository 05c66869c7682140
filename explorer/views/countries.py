from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render

from bri_tracker import data_generation
from bri_tracker.pagination import CachedCountPaginator
from countries.models import Country
from explorer import partner_charts as charts
from explorer.consensus import compare_sources
from explorer.exports import COUNTRY_EXPORT, export, figure_export, invalid_filters
from explorer.filters import CountryFilter
from projects.counts import (
    CountryTotals,
    cached_country_totals,
    countries_with_project_count,
)
from projects.models import Observation
from sources.dates import format_partial_date

PAGE_SIZE = 50
# A country page shows its newest figures and first projects; the figure
# and project lists, filtered by the country, have them all. 50 each (100
# before issue 16): the rows were most of a cold render of the largest
# countries.
SHOWN_FIGURES = 50
SHOWN_PROJECTS = 50
SHOWN_AGREEMENTS = 50


def country_list(request):
    filterset, countries = _filtered(request)
    # The first signing is annotated (with_partner_status): no agreement
    # rows are loaded (they were, all of them, for one date per country).
    page_obj = CachedCountPaginator(countries, PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for country in page_obj.object_list:
        if country.first_signed_on:
            country.first_signed_display = format_partial_date(
                country.first_signed_on, country.first_signed_precision
            )
    return render(
        request,
        "explorer/country_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "countries": page_obj.object_list,
            # The same for every filter and page: once per data generation.
            **data_generation.cached("countries-map", _partner_map),
        },
    )


def _partner_map():
    """The partner map and its caption, as the template's context."""
    map_rows = list(Country.objects.map_rows())
    return {
        "map": charts.partner_status_map(map_rows),
        "map_caption": charts.map_counts(map_rows).caption(),
    }


def country_list_export(request, fmt):
    filterset, countries = _filtered(request)
    if not filterset.is_valid():
        return invalid_filters(fmt, filterset)
    return export(
        request, fmt, countries, spec=COUNTRY_EXPORT, filename="bri-countries"
    )


def country_detail(request, iso3):
    country = get_object_or_404(
        Country.objects.with_partner_status(), iso3=iso3.upper()
    )
    if iso3 != country.iso3:
        return redirect("countries:detail", iso3=country.iso3, permanent=True)
    agreements = country.agreements.select_related("source").chronological()
    figures = Observation.objects.published().for_country(country)
    newest = figures.with_related().order_by(F("as_of").desc(nulls_last=True), "-pk")
    shown = sorted(
        newest[:SHOWN_FIGURES], key=lambda f: (f.as_of is None, f.as_of, f.pk)
    )
    milestones = country.milestones.select_related("project", "source")
    projects = country.projects.order_by("name", "pk")
    # Published figures, from the projects' stored counts.
    totals = cached_country_totals().get(country.pk, CountryTotals(0, 0))
    return render(
        request,
        "explorer/country_detail.html",
        {
            "country": country,
            "agreements": list(agreements[:SHOWN_AGREEMENTS]),
            "projects": projects[:SHOWN_PROJECTS],
            "totals": totals,
            "figures": shown,
            "conflicts": compare_sources(shown),
            "milestones": milestones.order_by(F("date").asc(nulls_last=True), "pk"),
        },
    )


def country_detail_export(request, iso3, fmt):
    country = get_object_or_404(Country, iso3=iso3.upper())
    figures = Observation.objects.published().for_country(country).chronological()
    return figure_export(request, fmt, figures, filename=f"bri-{country.iso3}-figures")


def _filtered(request):
    countries = countries_with_project_count(Country.objects.for_list())
    filterset = CountryFilter(request.GET, queryset=countries)
    return filterset, filterset.rows
