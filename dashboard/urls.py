"""The managers' dashboard, its charts' CSV downloads and embeddable views."""

from django.urls import path

from bri_tracker.page_cache import page_query
from dashboard import views

urlpatterns = [
    path("", page_query(views.dashboard), name="home"),
    path("dashboard/<slug:chart>.csv", page_query(views.chart_csv), name="chart_csv"),
    path("embed/<slug:chart>/", page_query(views.chart_embed), name="chart_embed"),
]
