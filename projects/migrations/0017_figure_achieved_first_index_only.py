"""The figure list's default-order indexes (migration 0011) with the
qualifier column included: PostgreSQL only reads an expression index
without its table when the expression's columns are in the index, so a deep
page's keys (read backwards from the end, bri_tracker/pagination.py) were
read through the table: 194,000 rows for page 34,929 of two million figures,
about 1 s under load; as an index-only scan, 54 ms (issue 16)."""

from django.db import migrations

from bri_tracker.migration_operations import PostgresRunSQL

FORWARD = [
    "DROP INDEX IF EXISTS figure_achieved_first",
    """CREATE INDEX figure_achieved_first ON projects_observation
       ((qualifier = 'projected'), as_of DESC NULLS LAST, id DESC)
       INCLUDE (qualifier)
       WHERE status = 'published'""",
    "DROP INDEX IF EXISTS figure_metric_achieved_first",
    """CREATE INDEX figure_metric_achieved_first ON projects_observation
       (metric_id, (qualifier = 'projected'), as_of DESC NULLS LAST, id DESC)
       INCLUDE (qualifier)
       WHERE status = 'published'""",
]

BACKWARD = [
    "DROP INDEX IF EXISTS figure_metric_achieved_first",
    """CREATE INDEX figure_metric_achieved_first ON projects_observation
       (metric_id, (qualifier = 'projected'), as_of DESC NULLS LAST, id DESC)
       WHERE status = 'published'""",
    "DROP INDEX IF EXISTS figure_achieved_first",
    """CREATE INDEX figure_achieved_first ON projects_observation
       ((qualifier = 'projected'), as_of DESC NULLS LAST, id DESC)
       WHERE status = 'published'""",
]


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0016_project_sector_status_index"),
    ]

    operations = [PostgresRunSQL(FORWARD, BACKWARD)]
