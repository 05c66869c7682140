"""Editors view and resolve readers' correction requests; they add none (the
public form does) and, as everywhere, only superusers delete."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["change_correctionrequest", "view_correctionrequest"]


def grant(apps, schema_editor):
    config = apps.get_app_config("corrections")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="corrections", codename__in=CODENAMES
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="corrections", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("corrections", "0001_initial"),
        ("projects", "0004_plausibility_and_editors"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
