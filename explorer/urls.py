"""Public URL maps, one per namespace: projects, countries, agreements, sources."""

from django.urls import path

from explorer.feeds import CountryFiguresFeed, ProjectFiguresFeed
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

project_patterns = [
    path("", projects.project_list, name="list"),
    path(EXPORT, projects.project_list_export, name="export"),
    # Not a slug (the dot), so no project page is hidden by it.
    path("lookup.json", project_lookup, name="lookup"),
    path("<slug:slug>/", projects.project_detail, name="detail"),
    path(f"<slug:slug>/{EXPORT}", projects.project_detail_export, name="detail_export"),
    path("<slug:slug>/feed/", ProjectFiguresFeed(), name="feed"),
    path("<slug:slug>/history/", projects.project_history, name="history"),
    path("<slug:slug>/report/", corrections.project_report, name="report"),
]

figure_patterns = [
    path("", figures.figure_list, name="list"),
    path(EXPORT, figures.figure_list_export, name="export"),
    path("<int:pk>/", figures.figure_detail, name="detail"),
    path("<int:pk>/report/", corrections.figure_report, name="report"),
]

country_patterns = [
    path("", countries.country_list, name="list"),
    path(EXPORT, countries.country_list_export, name="export"),
    path("<str:iso3>/", countries.country_detail, name="detail"),
    path(f"<str:iso3>/{EXPORT}", countries.country_detail_export, name="detail_export"),
    path("<str:iso3>/feed/", CountryFiguresFeed(), name="feed"),
    path("<str:iso3>/report/", corrections.country_report, name="report"),
]

agreement_patterns = [
    path("", agreements.agreement_list, name="list"),
    path(EXPORT, agreements.agreement_list_export, name="export"),
]

source_patterns = [
    path("", sources.source_list, name="list"),
    path(EXPORT, sources.source_list_export, name="export"),
    path("lookup.json", source_lookup, name="lookup"),
    path("<int:pk>/", sources.source_detail, name="detail"),
]

about_patterns = [
    path("", about.about, name="about"),
]
