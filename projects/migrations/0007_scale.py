"""Stored figure counts (projects, sources), the indexes of the list sorts,
and on PostgreSQL: a trigger-kept full-text document with a GIN index, and
trigram indexes for the substring searches (pg_trgm)."""

import django.contrib.postgres.search
from django.db import migrations, models

from bri_tracker.migration_operations import PostgresAddIndex
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

SEARCH_DOCUMENT = """
    setweight(to_tsvector('english', coalesce(NEW.name, '')), 'A')
    || setweight(to_tsvector('english',
        coalesce(NEW.aliases::text, '') || ' ' || coalesce(NEW.official_name, '')), 'B')
    || setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'C')
"""

POSTGRES_FORWARD = [
    f"""
    CREATE FUNCTION projects_project_search_document() RETURNS trigger AS $$
    BEGIN
        NEW.search_document := {SEARCH_DOCUMENT};
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER projects_project_search_document
    BEFORE INSERT OR UPDATE OF name, aliases, official_name, summary
    ON projects_project
    FOR EACH ROW EXECUTE FUNCTION projects_project_search_document()
    """,
    # Fires the trigger on every existing row.
    "UPDATE projects_project SET name = name",
    """CREATE INDEX project_search_document ON projects_project
       USING gin (search_document)""",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Django's icontains is UPPER(column) LIKE UPPER(pattern).
    """CREATE INDEX project_name_trgm ON projects_project
       USING gin (UPPER(name) gin_trgm_ops)""",
    """CREATE INDEX project_official_name_trgm ON projects_project
       USING gin (UPPER(official_name) gin_trgm_ops)""",
    """CREATE INDEX project_aliases_trgm ON projects_project
       USING gin (UPPER(aliases::text) gin_trgm_ops)""",
]

POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS project_aliases_trgm",
    "DROP INDEX IF EXISTS project_official_name_trgm",
    "DROP INDEX IF EXISTS project_name_trgm",
    "DROP INDEX IF EXISTS project_search_document",
    "DROP TRIGGER IF EXISTS projects_project_search_document ON projects_project",
    "DROP FUNCTION IF EXISTS projects_project_search_document()",
]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


def count_figures(apps, schema_editor):
    Observation = apps.get_model("projects", "Observation")
    Project = apps.get_model("projects", "Project")
    Source = apps.get_model("sources", "Source")
    published = Observation.objects.filter(status="published").order_by()
    for model, field in ((Project, "project"), (Source, "source")):
        mine = published.filter(**{field: OuterRef("pk")}).values(field)
        values = {
            "figure_count": Coalesce(
                Subquery(mine.annotate(n=Count("pk")).values("n")), 0
            )
        }
        if model is Project:
            values["latest_as_of"] = Subquery(mine.annotate(m=Max("as_of")).values("m"))
        model.objects.update(**values)


class Migration(migrations.Migration):
    dependencies = [
        ("countries", "0002_editors_workspace"),
        ("projects", "0006_editors_review_candidates"),
        ("sources", "0003_scale"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="figure_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, help_text="Published figures."
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="latest_as_of",
            field=models.DateField(
                editable=False,
                help_text="Date of the newest published figure.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True
            ),
        ),
        PostgresAddIndex(
            model_name="project",
            index=models.Index(
                models.OrderBy(
                    models.F("latest_as_of"), descending=True, nulls_last=True
                ),
                models.F("id"),
                name="project_latest_desc",
            ),
        ),
        PostgresAddIndex(
            model_name="project",
            index=models.Index(
                models.OrderBy(models.F("latest_as_of"), nulls_last=True),
                models.F("id"),
                name="project_latest_asc",
            ),
        ),
        PostgresAddIndex(
            model_name="project",
            index=models.Index(
                models.OrderBy(models.F("opened_on"), descending=True, nulls_last=True),
                models.F("id"),
                name="project_opened_desc",
            ),
        ),
        PostgresAddIndex(
            model_name="project",
            index=models.Index(
                models.OrderBy(models.F("opened_on"), nulls_last=True),
                models.F("id"),
                name="project_opened_asc",
            ),
        ),
        PostgresAddIndex(
            model_name="project",
            index=models.Index(fields=["name", "id"], name="project_name_id"),
        ),
        migrations.RunPython(count_figures, migrations.RunPython.noop),
        migrations.RunPython(
            _on_postgresql(POSTGRES_FORWARD), _on_postgresql(POSTGRES_BACKWARD)
        ),
    ]
