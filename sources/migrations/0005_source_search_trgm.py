"""Trigram indexes for the substring matches on a source's title and
publisher (the figure list's source filter, its suggestions, the sources
list's search). On PostgreSQL only; Django's icontains is
UPPER(column) LIKE UPPER(pattern)."""

from django.db import migrations

from bri_tracker.migration_operations import PostgresRunSQL

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX source_title_trgm ON sources_source
       USING gin (UPPER(title) gin_trgm_ops)""",
    """CREATE INDEX source_publisher_trgm ON sources_source
       USING gin (UPPER(publisher) gin_trgm_ops)""",
]

BACKWARD = [
    "DROP INDEX IF EXISTS source_publisher_trgm",
    "DROP INDEX IF EXISTS source_title_trgm",
]


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0004_source_created_at"),
    ]

    operations = [
        PostgresRunSQL(FORWARD, BACKWARD),
    ]
