from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from bri_tracker.exports import CHUNK_SIZE, stream_export
from countries import charts
from countries.filters import CountryFilter
from countries.models import COUNTRY_EXPORT_COLUMNS, Country
from projects.consensus import compare_sources
from projects.models import Observation

PAGE_SIZE = 50
EXPORT_FORMATS = ("csv", "json")
FIGURE_COLUMNS = (
    "id",
    "project_slug",
    "project_name",
    "metric_key",
    "value",
    "qualifier",
    "period",
    "period_start",
    "as_of",
    "as_of_precision",
    "change_percent",
    "source_id",
    "source_title",
    "source_url",
    "quote",
)


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
    _check_format(fmt)
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
    figures = Observation.objects.for_country(country).with_related()
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
            "conflicts": _conflicts(figures),
            "milestones": milestones.order_by(F("date").asc(nulls_last=True), "pk"),
        },
    )


def country_detail_export(request, iso3, fmt):
    _check_format(fmt)
    country = get_object_or_404(Country, iso3=iso3.upper())
    rows = _figure_rows(Observation.objects.for_country(country).chronological())
    return stream_export(
        fmt, rows, columns=FIGURE_COLUMNS, filename=f"bri-{country.iso3}-figures"
    )


def _filtered(request):
    filterset = CountryFilter(request.GET, queryset=Country.objects.for_list())
    countries = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return filterset, countries


def _figure_rows(figures):
    """FIGURE_COLUMNS rows, read in chunks."""
    return figures.values(
        "id",
        "value",
        "qualifier",
        "period",
        "period_start",
        "as_of",
        "as_of_precision",
        "change_percent",
        "source_id",
        "quote",
        project_slug=F("project__slug"),
        project_name=F("project__name"),
        metric_key=F("metric__key"),
        source_title=F("source__title"),
        source_url=F("source__url"),
    ).iterator(chunk_size=CHUNK_SIZE)


def _conflicts(figures):
    """Pks of figures that another source contradicts, project by project
    (compare_sources() compares all the figures it is given)."""
    by_project = defaultdict(list)
    for figure in figures:
        by_project[figure.project_id].append(figure)
    return set().union(*(compare_sources(group) for group in by_project.values()))


def _check_format(fmt):
    if fmt not in EXPORT_FORMATS:
        raise Http404("Exports come as .csv or .json.")
