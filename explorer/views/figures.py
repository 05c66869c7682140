"""Every figure in one list, and one page per figure to cite."""

from django.db.models import F
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from bri_tracker.pagination import CachedCountPaginator
from explorer.citations import citation, full_value
from explorer.exports import figure_export, invalid_filters
from explorer.filters import FIGURE_DEFAULT_ORDER, FigureFilter
from projects.counts import cached_site_counts
from projects.models import Observation

PAGE_SIZE = 50


def _filtered(request):
    figures = Observation.objects.published().order_by(*FIGURE_DEFAULT_ORDER)
    filterset = FigureFilter(request.GET, queryset=figures)
    return filterset, filterset.rows


def figure_list(request):
    filterset, figures = _filtered(request)
    # Unfiltered, the list is every published figure: the footer's count.
    total = None if filterset.narrows else cached_site_counts().figures
    paginator = CachedCountPaginator(
        figures.with_related(), PAGE_SIZE, known_count=total
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "explorer/figure_list.html",
        {"filter": filterset, "page_obj": page, "figures": page.object_list},
    )


def figure_list_export(request, fmt):
    filterset, figures = _filtered(request)
    if not filterset.is_valid():
        return invalid_filters(fmt, filterset)
    return figure_export(request, fmt, figures, filename="bri-figures")


def figure_detail(request, pk):
    figure = get_object_or_404(
        Observation.objects.published()
        .with_related()
        .select_related("source__duplicate_of"),
        pk=pk,
    )
    permalink = request.build_absolute_uri(reverse("figures:detail", args=[pk]))
    return render(
        request,
        "explorer/figure_detail.html",
        {
            "figure": figure,
            "full_value": full_value(figure),
            "citation": citation(figure, permalink),
            "permalink": permalink,
            **_corroboration(figure),
        },
    )


def _corroboration(figure):
    """Other figures for the same metric, scope and date; ``source_count``
    counts the independent sources that agree on the value (a duplicate
    article counts as its original)."""
    others = []
    if figure.as_of is not None:
        others = list(
            Observation.objects.published()
            .filter(
                metric_id=figure.metric_id,
                project_id=figure.project_id,
                as_of=figure.as_of,
            )
            .exclude(pk=figure.pk)
            .select_related("metric", "source")
            .order_by(F("source__published_on").asc(nulls_last=True), "pk")
        )
    agreeing = [figure, *(o for o in others if o.value == figure.value)]
    sources = {o.source.duplicate_of_id or o.source_id for o in agreeing}
    return {"others": others, "source_count": len(sources)}
