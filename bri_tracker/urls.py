"""The root URLconf: the one module of this package that looks upward, at
the site apps' URL maps (README, "Where things are")."""

from django.contrib import admin
from django.urls import include, path

from bri_tracker import views
from explorer import urls as explorer

admin.site.site_header = "BRI Tracker editors"
admin.site.site_title = "BRI Tracker admin"
admin.site.index_title = "Projects, partners and sourced figures"

# A database that cannot be reached is a 503, also outside views (issue 15).
handler500 = "bri_tracker.outage.server_error"

urlpatterns = [
    path("", include("dashboard.urls")),
    path("projects/", include((explorer.project_patterns, "projects"))),
    path("figures/", include((explorer.figure_patterns, "figures"))),
    path("countries/", include((explorer.country_patterns, "countries"))),
    path("agreements/", include((explorer.agreement_patterns, "agreements"))),
    path("sources/", include((explorer.source_patterns, "sources"))),
    path("about/", include((explorer.about_patterns, "about"))),
    path("api/", include(("api.urls", "api"))),
    path("data/", include("opendata.urls")),
    path("healthz", views.health, name="health"),
    path("readyz", views.ready, name="ready"),
    path("admin/", admin.site.urls),
]
