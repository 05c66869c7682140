from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = "Open data releases and downloads"

    def ready(self):
        from bri_tracker import data_generation
        from opendata.models import Release

        # A new release is listed on /data/ at once.
        data_generation.watch(Release)
