"""A trigram index for the figure list's search of what a figure counts
(explorer.filters.FigureFilter.filter_text). On PostgreSQL only; Django's
icontains is UPPER(column) LIKE UPPER(pattern)."""

from django.db import migrations

from bri_tracker.migration_operations import PostgresRunSQL

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX figure_counted_trgm ON projects_observation
       USING gin (UPPER(counted) gin_trgm_ops) WHERE status = 'published'""",
]
BACKWARD = ["DROP INDEX IF EXISTS figure_counted_trgm"]


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0012_figure_candidate_counted"),
    ]

    operations = [
        PostgresRunSQL(FORWARD, BACKWARD),
    ]
