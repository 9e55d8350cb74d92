"""The full-text index, which differs per database: an FTS5 table on SQLite, a tsvector column with a GIN
index on PostgreSQL. Keys are precomputed (analysis.py), letters and digits only, so FTS5's unicode61
tokenizer and PostgreSQL's 'simple' configuration both keep each key whole and unchanged."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title_keys, body_keys, tokenize = 'unicode61 remove_diacritics 0')",
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS search_fts"]
POSTGRES_FORWARD = [
    "ALTER TABLE search_searchdocument ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', title_keys), 'A') || setweight(to_tsvector('simple', body_keys), 'B')"
    ") STORED",
    "CREATE INDEX search_document_tsv ON search_searchdocument USING gin (tsv)",
    # With the default statistics every rare key looks like 0.5 % of the rows, so a query of twenty rare keys
    # is planned as a sequential scan that decompresses every tsvector (140 ms at 10,000 articles).
    "ALTER TABLE search_searchdocument ALTER COLUMN tsv SET STATISTICS 2000",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS search_document_tsv",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tsv",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
