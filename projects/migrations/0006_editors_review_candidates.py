"""Editors review the extractor's proposals (issue #6)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    config = apps.get_app_config("projects")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="projects",
            codename__in=[
                "add_figurecandidate",
                "change_figurecandidate",
                "view_figurecandidate",
            ],
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0005_figure_candidates"),
        ("projects", "0004_plausibility_and_editors"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
