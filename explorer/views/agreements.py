from django.shortcuts import render
from django.utils import timezone

from bri_tracker import data_generation
from bri_tracker.pagination import CachedCountPaginator
from countries.models import Country, PartnerAgreement
from explorer import partner_charts as charts
from explorer.exports import AGREEMENT_EXPORT, export, invalid_filters
from explorer.filters import PartnerAgreementFilter
from projects.counts import cached_site_counts
from projects.models import Observation

PAGE_SIZE = 50
# Official counts the recorded agreements are compared with.
REPORTED_METRICS = ("partner_countries", "partners")


def agreement_list(request):
    filterset, agreements = _filtered(request)
    # Unfiltered, the list is every agreement: the footer's count.
    total = None if filterset.narrows else cached_site_counts().agreements
    paginator = CachedCountPaginator(
        agreements.with_related(), PAGE_SIZE, known_count=total
    )
    page_obj = paginator.get_page(request.GET.get("page"))
    today = timezone.localdate()
    # The same for every filter and page: built once per data generation
    # (and day, which the chart runs to).
    chart = data_generation.cached(f"agreements-chart:{today}", lambda: _chart(today))
    return render(
        request,
        "explorer/agreement_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "agreements": page_obj.object_list,
            **chart,
        },
    )


def _chart(today):
    """The cumulative partners chart, its table and note, as the template's
    context."""
    steps = charts.cumulative_partners(PartnerAgreement.objects.timeline_rows())
    reported = _reported_rows()
    return {
        "chart": charts.cumulative_partners_chart(steps, reported, today=today),
        "chart_table": charts.cumulative_partners_table(steps, reported),
        "chart_headers": charts.PARTNERS_TABLE_HEADERS,
        "chart_note": charts.comparison_note(
            steps, reported, charts.map_counts(Country.objects.map_rows())
        ),
    }


def agreement_list_export(request, fmt):
    filterset, agreements = _filtered(request)
    if not filterset.is_valid():
        return invalid_filters(fmt, filterset)
    return export(
        request, fmt, agreements, spec=AGREEMENT_EXPORT, filename="bri-agreements"
    )


def _filtered(request):
    filterset = PartnerAgreementFilter(
        request.GET, queryset=PartnerAgreement.objects.chronological()
    )
    return filterset, filterset.rows


def _reported_rows():
    """Initiative-wide cumulative partner counts as plain rows for
    countries.charts, labelled in the site's notation ("150+")."""
    figures = (
        Observation.objects.published()
        .initiative_wide()
        .of_metric(*REPORTED_METRICS)
        .filter(period=Observation.Period.CUMULATIVE)
        .with_related()
        .chronological()
    )
    return [
        {
            "series": figure.metric.name,
            "metric_key": figure.metric.key,
            "as_of": figure.as_of,
            "as_of_display": figure.as_of_display,
            "value": figure.value,
            "qualifier": figure.qualifier,
            "label": figure.display_value,
            "source": figure.source.title,
        }
        for figure in figures
    ]
