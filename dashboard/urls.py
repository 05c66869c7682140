"""The managers' dashboard, its charts' CSV downloads and embeddable views."""

from django.urls import path

from dashboard import views

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("dashboard/<slug:chart>.csv", views.chart_csv, name="chart_csv"),
    path("embed/<slug:chart>/", views.chart_embed, name="chart_embed"),
]
