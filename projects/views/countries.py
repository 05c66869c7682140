from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render

from bri_tracker.exports import CHUNK_SIZE, stream_export
from countries import charts
from countries.filters import CountryFilter
from countries.models import COUNTRY_EXPORT_COLUMNS, Country
from projects.consensus import compare_sources
from projects.exports import figure_export
from projects.models import Observation

PAGE_SIZE = 50


def country_list(request):
    filterset, countries = _filtered(request)
    page_obj = Paginator(countries.with_agreements(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "countries/country_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "countries": page_obj.object_list,
            "map": charts.partner_status_map(Country.objects.map_rows()),
        },
    )


def country_list_export(request, fmt):
    _, countries = _filtered(request)
    rows = countries.export_rows().iterator(chunk_size=CHUNK_SIZE)
    return stream_export(
        fmt, rows, columns=COUNTRY_EXPORT_COLUMNS, filename="bri-countries"
    )


def country_detail(request, iso3):
    country = get_object_or_404(
        Country.objects.with_partner_status(), iso3=iso3.upper()
    )
    if iso3 != country.iso3:
        return redirect("countries:detail", iso3=country.iso3, permanent=True)
    agreements = country.agreements.select_related("source").chronological()
    figures = Observation.objects.published().for_country(country).with_related()
    figures = list(figures.chronological())
    milestones = country.milestones.select_related("project", "source")
    return render(
        request,
        "countries/country_detail.html",
        {
            "country": country,
            "agreements": list(agreements),
            "projects": country.projects.order_by("name", "pk"),
            "figures": figures,
            "conflicts": compare_sources(figures),
            "milestones": milestones.order_by(F("date").asc(nulls_last=True), "pk"),
        },
    )


def country_detail_export(request, iso3, fmt):
    country = get_object_or_404(Country, iso3=iso3.upper())
    figures = Observation.objects.published().for_country(country).chronological()
    return figure_export(request, fmt, figures, filename=f"bri-{country.iso3}-figures")


def _filtered(request):
    filterset = CountryFilter(request.GET, queryset=Country.objects.for_list())
    countries = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return filterset, countries
