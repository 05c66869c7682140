"""About the data: what the tracker records, what its words mean, how the
figures are collected, what the data covers, and how to use and cite it."""

from functools import partial

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from bri_tracker import data_generation
from explorer import about as content
from projects.counts import data_coverage
from projects.models import Metric

METRIC_FIELDS = ("key", "name", "unit", "is_currency", "aggregation", "description")


def about(request):
    today = timezone.localdate()
    # Keyed by the day too: a figure grows a year old without any edit.
    coverage = data_generation.cached(
        f"about-coverage:{today.isoformat()}", partial(data_coverage, today=today)
    )
    metrics = data_generation.cached("about-metrics", _metrics)
    page_url = request.build_absolute_uri(reverse("about:about"))
    return render(
        request,
        "explorer/about.html",
        {
            "coverage": coverage,
            "metrics": metrics,
            "definitions": [
                content.QUALIFIER_VOCABULARY,
                content.PERIOD_VOCABULARY,
                content.PROJECT_KIND_VOCABULARY,
                content.PROJECT_STATUS_VOCABULARY,
                content.AGREEMENT_KIND_VOCABULARY,
                content.AGREEMENT_STATUS_VOCABULARY,
                content.STANDING_VOCABULARY,
            ],
            "figure_statuses": content.FIGURE_STATUS_VOCABULARY,
            "standings": _standings(coverage),
            "agreement_statuses": _agreement_statuses(coverage),
            "citation": content.dataset_citation(coverage.newest_change, page_url),
            "page_url": page_url,
            "licence_name": content.LICENCE_NAME,
            "licence_url": content.LICENCE_URL,
        },
    )


def _metrics():
    return content.metric_terms(
        Metric.objects.order_by("sort_order", "name").values(*METRIC_FIELDS)
    )


def _standings(coverage):
    """(label, countries) for every standing, those without countries too."""
    return [
        (term.label, coverage.countries_by_standing.get(term.value, 0))
        for term in content.STANDING_VOCABULARY.terms
    ]


def _agreement_statuses(coverage):
    """(label, AgreementStatusCount) per status that has agreements, in the
    vocabulary's order (a value it no longer has, last)."""
    statuses = content.AGREEMENT_STATUS_VOCABULARY.choices
    order = {value: index for index, value in enumerate(statuses.values)}
    rows = sorted(
        coverage.agreements_by_status, key=lambda row: order.get(row.status, len(order))
    )
    return [(content.label(statuses, row.status), row) for row in rows]
