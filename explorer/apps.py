from django.apps import AppConfig


class ExplorerConfig(AppConfig):
    """The analysts' site: lists, detail pages, exports, feeds, citations."""

    name = "explorer"
