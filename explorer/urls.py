"""Public URL maps, one per namespace: projects, countries, agreements, sources."""

from django.urls import path

from bri_tracker.page_cache import page_query
from explorer.feeds import CountryFiguresFeed, ProjectFiguresFeed
from explorer.filters import (
    CountryFilter,
    FigureFilter,
    PartnerAgreementFilter,
    ProjectFilter,
    SourceFilter,
)
from explorer.views import (
    about,
    agreements,
    corrections,
    countries,
    figures,
    projects,
    sources,
)
from explorer.views.lookups import project_lookup, source_lookup

EXPORT = "export.<str:fmt>"


def listing(view, filterset):
    """A list or its export: its filter form's fields and a page number are
    its query; anything else is dropped (bri_tracker/page_cache.py)."""
    return page_query(view, "page", filterset=filterset)


def reporting(view):
    """A report form, told by ``?sent=1`` that a report went in."""
    return page_query(view, "sent")


project_patterns = [
    path("", listing(projects.project_list, ProjectFilter), name="list"),
    path(EXPORT, listing(projects.project_list_export, ProjectFilter), name="export"),
    # Not a slug (the dot), so no project page is hidden by it.
    path("lookup.json", page_query(project_lookup, "q"), name="lookup"),
    path("<slug:slug>/", page_query(projects.project_detail), name="detail"),
    path(
        f"<slug:slug>/{EXPORT}",
        page_query(projects.project_detail_export),
        name="detail_export",
    ),
    path("<slug:slug>/feed/", page_query(ProjectFiguresFeed()), name="feed"),
    path("<slug:slug>/history/", page_query(projects.project_history), name="history"),
    path("<slug:slug>/report/", reporting(corrections.project_report), name="report"),
]

figure_patterns = [
    path("", listing(figures.figure_list, FigureFilter), name="list"),
    path(EXPORT, listing(figures.figure_list_export, FigureFilter), name="export"),
    path("<int:pk>/", page_query(figures.figure_detail), name="detail"),
    path("<int:pk>/report/", reporting(corrections.figure_report), name="report"),
]

country_patterns = [
    path("", listing(countries.country_list, CountryFilter), name="list"),
    path(EXPORT, listing(countries.country_list_export, CountryFilter), name="export"),
    path("<str:iso3>/", page_query(countries.country_detail), name="detail"),
    path(
        f"<str:iso3>/{EXPORT}",
        page_query(countries.country_detail_export),
        name="detail_export",
    ),
    path("<str:iso3>/feed/", page_query(CountryFiguresFeed()), name="feed"),
    path("<str:iso3>/report/", reporting(corrections.country_report), name="report"),
]

agreement_patterns = [
    path("", listing(agreements.agreement_list, PartnerAgreementFilter), name="list"),
    path(
        EXPORT,
        listing(agreements.agreement_list_export, PartnerAgreementFilter),
        name="export",
    ),
]

source_patterns = [
    path("", listing(sources.source_list, SourceFilter), name="list"),
    path(EXPORT, listing(sources.source_list_export, SourceFilter), name="export"),
    path("lookup.json", page_query(source_lookup, "q"), name="lookup"),
    path("<int:pk>/", page_query(sources.source_detail), name="detail"),
]

about_patterns = [
    path("", page_query(about.about), name="about"),
]
