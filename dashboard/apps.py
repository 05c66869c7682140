from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The managers' page: headline cards, charts, chart data, embeds."""

    name = "dashboard"
