"""Plausible ranges for the metrics, and the Editors group (issue #5)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# key: (largest plausible value, the question asked above it)
PLAUSIBLE = {
    "capacity_gw": (100, "did you mean MW?"),
    "partner_countries": (200, "there are fewer than 200 countries."),
    "partner_organizations": (200, "is this a count of organisations?"),
    "partners": (400, "is this a count of partners?"),
    "agreements": (2000, "is this a count of documents?"),
    "freight_trips": (1_000_000, "is this a count of trains, not containers?"),
    "passengers": (10_000_000_000, "is the unit right?"),
    "jobs": (100_000_000, "is the unit right?"),
    "investment_usd": (10**13, "is this in US dollars, not yuan?"),
    "engagement_usd": (10**13, "is this in US dollars, not yuan?"),
    "construction_usd": (10**13, "is this in US dollars, not yuan?"),
    "cost_usd": (10**12, "is this in US dollars, not yuan?"),
}

DATA_MODELS = {
    "projects": ["project", "milestone", "observation", "metric", "dashboardcard"],
    "countries": ["country", "organization", "partneragreement"],
    "sources": ["source"],
}


def set_plausible(apps, schema_editor):
    Metric = apps.get_model("projects", "Metric")
    for key, (limit, hint) in PLAUSIBLE.items():
        Metric.objects.filter(key=key).update(plausible_max=limit, plausible_hint=hint)


def create_editors(apps, schema_editor):
    """Editors add, change and view the data; nothing on users, groups or
    permissions, and only superusers delete."""
    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    codenames = [
        f"{action}_{model}"
        for models in DATA_MODELS.values()
        for model in models
        for action in ("add", "change", "view")
    ]
    editors.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=DATA_MODELS, codename__in=codenames
        )
    )


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_editors_workspace"),
        ("countries", "0002_editors_workspace"),
        ("sources", "0002_editors_workspace"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(set_plausible, migrations.RunPython.noop),
        migrations.RunPython(create_editors, remove_editors),
    ]
