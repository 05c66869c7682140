"""The sources list, and a source's page: its text with every quote marked."""

from typing import NamedTuple

from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from bri_tracker.pagination import CachedCountPaginator
from explorer.exports import (
    SOURCE_EXPORT,
    export,
    invalid_filters,
    source_row,
    source_sql,
)
from explorer.filters import SourceFilter
from projects.counts import cached_site_counts
from sources.highlight import highlight_quotes
from sources.models import Source

PAGE_SIZE = 50


class Mark(NamedTuple):
    """What a highlighted quote links to: its element id, a URL, a label."""

    id: str
    url: str
    label: str


def _filtered(request):
    filterset = SourceFilter(request.GET, queryset=Source.objects.for_list())
    return filterset, filterset.rows


def source_list(request):
    filterset, sources = _filtered(request)
    # Unfiltered, the list is every source: the footer's count.
    total = None if filterset.narrows else cached_site_counts().sources
    paginator = CachedCountPaginator(sources, PAGE_SIZE, known_count=total)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "explorer/source_list.html",
        {"filter": filterset, "page_obj": page, "sources": page.object_list},
    )


def source_list_export(request, fmt):
    filterset, sources = _filtered(request)
    if not filterset.is_valid():
        return invalid_filters(fmt, filterset)
    return export(
        request,
        fmt,
        sources,
        spec=SOURCE_EXPORT,
        filename="bri-sources",
        derive=source_row,
        sql=source_sql,
    )


def source_detail(request, pk):
    source = get_object_or_404(
        Source.objects.select_related("duplicate_of").defer("duplicate_of__text"), pk=pk
    )
    figures = list(source.observations.published().with_related())
    milestones = list(source.milestones.select_related("project"))
    agreements = list(source.agreements.select_related("country", "organization"))
    return render(
        request,
        "explorer/source_detail.html",
        {
            "source": source,
            "duplicates": source.duplicates.defer("text"),
            "figures": figures,
            "milestones": milestones,
            "agreements": agreements,
            "segments": highlight_quotes(
                source.text, _marks(figures, milestones, agreements)
            ),
        },
    )


def _marks(figures, milestones, agreements):
    """(Mark, quote) pairs, figures first: a passage quoted by several rows
    links to the first of them."""
    marks = []
    for figure in figures:
        label = f"{figure.metric.name}: {figure.display_value} ({figure.as_of_display})"
        url = reverse("figures:detail", args=[figure.pk])
        marks.append((Mark(f"quote-{figure.pk}", url, label), figure.quote))
    for milestone in milestones:
        url = (
            reverse("projects:detail", args=[milestone.project.slug])
            if milestone.project
            else ""
        )
        mark = Mark(f"milestone-{milestone.pk}", url, f"Milestone: {milestone}")
        marks.append((mark, milestone.quote))
    for agreement in agreements:
        url = (
            reverse("countries:detail", args=[agreement.country.iso3])
            if agreement.country
            else reverse("agreements:list")
        )
        mark = Mark(f"agreement-{agreement.pk}", url, f"Agreement: {agreement}")
        marks.append((mark, agreement.quote))
    return marks
