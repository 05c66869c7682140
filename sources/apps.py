from django.apps import AppConfig


class SourcesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sources"

    def ready(self):
        from bri_tracker import data_generation
        from sources.models import Source

        data_generation.watch(Source)
