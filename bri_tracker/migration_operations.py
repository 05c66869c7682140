"""Migration operations for what only PostgreSQL can build.

The indexes of the list sorts use ``NULLS LAST``, which SQLite (the
zero-set-up database of ``make run``) cannot index. The models declare them
all the same; on other databases these operations change the migration
state only.
"""

from django.db import migrations


class PostgresAddIndex(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
