"""Every figure in one list, and one page per figure to cite."""

from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from bri_tracker.exports import stream_export
from projects.citations import citation, full_value
from projects.models import Observation
from projects.source_filters import FigureFilter

PAGE_SIZE = 50
FIGURE_COLUMNS = [
    "id", "project", "project_slug", "metric", "metric_name", "value", "qualifier",
    "unit", "period", "period_start", "as_of", "as_of_precision", "change_percent",
    "source_id", "source_title", "source_publisher", "source_published_on",
    "source_url", "quote", "permalink",
]  # fmt: skip
# Export columns read through a relation: {column: lookup}.
_RELATED_COLUMNS = {
    "project": "project__name",
    "project_slug": "project__slug",
    "metric": "metric__key",
    "metric_name": "metric__name",
    "unit": "metric__unit",
    "source_title": "source__title",
    "source_publisher": "source__publisher",
    "source_published_on": "source__published_on",
    "source_url": "source__url",
}


def _filtered(request):
    filterset = FigureFilter(request.GET, queryset=Observation.objects.all())
    figures = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return filterset, figures


def figure_list(request):
    filterset, figures = _filtered(request)
    page = Paginator(figures.with_related(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "figures/figure_list.html",
        {"filter": filterset, "page_obj": page, "figures": page.object_list},
    )


def figure_list_export(request, fmt):
    if fmt not in ("csv", "json"):
        raise Http404("Exports come as .csv or .json.")
    _, figures = _filtered(request)
    return stream_export(
        fmt,
        _figure_rows(request, figures),
        columns=FIGURE_COLUMNS,
        filename="bri-figures",
    )


def figure_detail(request, pk):
    figure = get_object_or_404(
        Observation.objects.with_related().select_related("source__duplicate_of"),
        pk=pk,
    )
    permalink = request.build_absolute_uri(reverse("figures:detail", args=[pk]))
    return render(
        request,
        "figures/figure_detail.html",
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
            Observation.objects.filter(
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


def _figure_rows(request, figures):
    plain = [c for c in FIGURE_COLUMNS if c not in _RELATED_COLUMNS]
    plain.remove("permalink")
    rows = figures.values(
        *plain, *_RELATED_COLUMNS.values(), "metric__is_currency"
    ).iterator(chunk_size=2000)
    for row in rows:
        for column, lookup in _RELATED_COLUMNS.items():
            row[column] = row.pop(lookup)
        if row.pop("metric__is_currency") and not row["unit"]:
            row["unit"] = "USD"
        path = reverse("figures:detail", args=[row["id"]])
        row["permalink"] = request.build_absolute_uri(path)
        yield row
