"""The figure list's default order (explorer.filters.FIGURE_DEFAULT_ORDER):
figures achieved first, newest first, then projections; alone and after a
metric filter. Over published figures only, like the other sorts' indexes
(migration 0008). On PostgreSQL only; the expression is the one the ORM
writes, ``("qualifier" = 'projected')``, so that the planner matches it."""

from django.db import migrations

from bri_tracker.migration_operations import PostgresRunSQL

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


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0010_observation_unit"),
    ]

    operations = [
        PostgresRunSQL(FORWARD, BACKWARD),
    ]
