from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects"

    def ready(self):
        from bri_tracker import data_generation
        from projects import signals
        from projects.models import (
            DashboardCard,
            Metric,
            Milestone,
            Observation,
            Project,
        )

        signals.connect()
        data_generation.watch(
            Metric,
            Project,
            Project.countries.through,
            Milestone,
            Observation,
            DashboardCard,
        )
