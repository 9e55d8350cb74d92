"""Cases carry their team in the index (``team_key``, 0 for none), and PostgreSQL gets one GIN index on
(team_key, tsv) for case documents (btree_gin), so a search for an agent reads only their teams' postings.

The backfill is one UPDATE … FROM cases_case. On PostgreSQL the plain tsvector index is dropped for it and
built again after: rewriting a million rows through a live GIN index is several times slower."""

from django.db import migrations, models

BACKFILL = (
    "UPDATE search_searchdocument SET team_key = c.team_id FROM cases_case c "
    "WHERE search_searchdocument.kind = 'case' AND c.id = search_searchdocument.key AND c.team_id IS NOT NULL"
)
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "SET LOCAL maintenance_work_mem = '256MB'",
    "DROP INDEX IF EXISTS search_document_tsv",
    BACKFILL,
    "CREATE INDEX search_document_tsv ON search_searchdocument USING gin (tsv)",
    "CREATE INDEX search_document_case_team_tsv ON search_searchdocument USING gin (team_key, tsv) WHERE kind = 'case'",
]
POSTGRES_REVERSE = ["DROP INDEX IF EXISTS search_document_case_team_tsv"]


def _forward(apps, schema_editor):
    statements = POSTGRES_FORWARD if schema_editor.connection.vendor == "postgresql" else [BACKFILL]
    for statement in statements:
        schema_editor.execute(statement)


def _reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_glossary"), ("cases", "0004_sla")]

    operations = [
        migrations.AddField(model_name="searchdocument", name="team_key", field=models.IntegerField(default=0)),
        migrations.RunPython(_forward, _reverse),
    ]
