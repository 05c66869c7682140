"""The API's URL map, under /api/: the documentation page, the OpenAPI
schema, and one list and record endpoint per kind of record."""

from django.http import JsonResponse
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api import views

NOT_FOUND = {"detail": "Not found."}

router = SimpleRouter()
router.register("projects", views.ProjectViewSet, basename="project")
router.register("figures", views.FigureViewSet, basename="figure")
router.register("countries", views.CountryViewSet, basename="country")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("sources", views.SourceViewSet, basename="source")
router.register("metrics", views.MetricViewSet, basename="metric")

urlpatterns = [
    path(
        "",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/docs.html"
        ),
        name="docs",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("changes/", views.ChangeFeedView.as_view(), name="changes"),
    *router.urls,
    # Anything else under /api/ (a key the record's pattern refuses, a
    # misspelt list) answers JSON, as an unknown record does, not the site's
    # HTML page. Only paths ending in "/": without it, APPEND_SLASH first
    # redirects /api/figures to /api/figures/.
    re_path(r"^.*/$", lambda request: JsonResponse(NOT_FOUND, status=404)),
]
