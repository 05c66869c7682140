"""The figure list's default order (explorer.filters.FIGURE_DEFAULT_ORDER):
figures achieved first, newest first, then projections; alone and after a
metric filter. Over published figures only, like the other sorts' indexes
(migration 0008). On PostgreSQL only; the expression is the one the ORM
writes, ``("qualifier" = 'projected')``, so that the planner matches it."""

from django.db import migrations

FORWARD = [
    """CREATE INDEX figure_achieved_first ON projects_observation
       ((qualifier = 'projected'), as_of DESC NULLS LAST, id DESC)
       WHERE status = 'published'""",
    """CREATE INDEX figure_metric_achieved_first ON projects_observation
       (metric_id, (qualifier = 'projected'), as_of DESC NULLS LAST, id DESC)
       WHERE status = 'published'""",
]

BACKWARD = [
    "DROP INDEX IF EXISTS figure_metric_achieved_first",
    "DROP INDEX IF EXISTS figure_achieved_first",
]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0010_observation_unit"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD)),
    ]
