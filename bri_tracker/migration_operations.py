"""Migration operations for what only PostgreSQL can build.

The indexes of the list sorts use ``NULLS LAST``, which SQLite (the
zero-set-up database of ``make run``) cannot index. The models declare them
all the same; on other databases these operations change the migration
state only.
"""

from django.db import migrations


class PostgresOnly:
    """A migration operation that touches only a PostgreSQL database; on
    others it changes the migration state alone."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class PostgresAddIndex(PostgresOnly, migrations.AddIndex):
    pass


class AddFieldInPlace(migrations.AddField):
    """AddField that on SQLite adds the column with ``ALTER TABLE ... ADD
    COLUMN``: SQLite's usual way, rebuilding the table, would re-create the
    PostgreSQL-only indexes above and fail."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.name)
        definition, params = schema_editor.column_sql(
            model, field, include_default=True
        )
        schema_editor.execute(
            f"ALTER TABLE {schema_editor.quote_name(model._meta.db_table)} "
            f"ADD COLUMN {schema_editor.quote_name(field.column)} {definition}",
            params,
        )


class PostgresRunSQL(PostgresOnly, migrations.RunSQL):
    """RunSQL for PostgreSQL-only statements (trigram indexes, say)."""
