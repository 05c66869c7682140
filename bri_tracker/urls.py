from django.contrib import admin
from django.urls import include, path

from bri_tracker import views
from projects import urls as public
from projects.views import dashboard

admin.site.site_header = "BRI Tracker editors"
admin.site.site_title = "BRI Tracker admin"
admin.site.index_title = "Projects, partners and sourced figures"

urlpatterns = [
    path("", dashboard.dashboard, name="home"),
    path("dashboard/<slug:chart>.csv", dashboard.chart_csv, name="chart_csv"),
    path("embed/<slug:chart>/", dashboard.chart_embed, name="chart_embed"),
    path("projects/", include((public.project_patterns, "projects"))),
    path("figures/", include((public.figure_patterns, "figures"))),
    path("countries/", include((public.country_patterns, "countries"))),
    path("agreements/", include((public.agreement_patterns, "agreements"))),
    path("sources/", include((public.source_patterns, "sources"))),
    path("healthz", views.health, name="health"),
    path("admin/", admin.site.urls),
]
