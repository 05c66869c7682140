from datetime import timedelta

from django.db.models import F
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import slugify

from bri_tracker.pagination import CachedCountPaginator
from explorer import charts
from explorer.consensus import compare_sources
from explorer.exports import figure_export, invalid_filters, project_export
from explorer.filters import ProjectFilter
from explorer.history import change_log
from projects.counts import cached_site_counts
from projects.models import Project

PAGE_SIZE = 25
MAX_CHART_ID = 60
STALE_AFTER = timedelta(days=365)


def _filtered(request):
    filterset = ProjectFilter(
        request.GET,
        queryset=Project.objects.order_by("name", "pk"),
    )
    return filterset, filterset.rows


def project_list(request):
    filterset, projects = _filtered(request)
    # Unfiltered, the list is every project: the footer's count.
    total = None if filterset.narrows else cached_site_counts().projects
    paginator = CachedCountPaginator(
        projects.with_countries(), PAGE_SIZE, known_count=total
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "explorer/project_list.html",
        {"filter": filterset, "page_obj": page, "projects": page.object_list},
    )


def project_list_export(request, fmt):
    filterset, projects = _filtered(request)
    if not filterset.is_valid():
        return invalid_filters(fmt, filterset)
    return project_export(request, fmt, projects, filename="bri-projects")


def project_detail(request, slug):
    project = get_object_or_404(Project.objects.with_countries(), slug=slug)
    figures = list(project.observations.published().with_related().chronological())
    latest = max((f.as_of for f in figures if f.as_of), default=None)
    charted, single = _series_charts(figures)
    return render(
        request,
        "explorer/project_detail.html",
        {
            "project": project,
            "figures": figures,
            "conflicts": compare_sources(figures),
            "charts": charted,
            "single_figures": single,
            "milestones": project.milestones.select_related("source").order_by(
                F("date").asc(nulls_last=True), "pk"
            ),
            "series_table_headers": charts.SERIES_TABLE_HEADERS,
            "latest": latest,
            "stale": latest is not None and latest < timezone.localdate() - STALE_AFTER,
        },
    )


def project_history(request, slug):
    project = get_object_or_404(Project, slug=slug)
    return render(
        request,
        "explorer/project_history.html",
        {"project": project, "entries": change_log(project)},
    )


def project_detail_export(request, slug, fmt):
    project = get_object_or_404(Project, slug=slug)
    figures = project.observations.published().chronological()
    return figure_export(request, fmt, figures, filename=f"bri-{project.slug}-figures")


def _series_charts(figures):
    """A chart per series with two or more dates; the figures of one-date
    series are listed instead (a chart of one point says nothing more)."""
    charted, single = [], []
    for series in charts.split_series(figures):
        if len(series.dates) < 2:
            single += series.figures
            continue
        charted.append(
            {
                "id": _chart_id(series),
                "spec": charts.series_chart(series),
                "table": charts.series_table(series),
            }
        )
    return charted, single


def _chart_id(series):
    """Stable across edits and readable in a link: "chart-passengers-cumulative"."""
    metric = series.figures[0].metric
    name = slugify(f"{metric.key}-{series.key.period}-{series.key.counted}")
    return f"chart-{name[:MAX_CHART_ID].strip('-')}"
