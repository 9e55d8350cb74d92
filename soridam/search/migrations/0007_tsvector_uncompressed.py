"""PostgreSQL: keep the tsvector out of line but uncompressed (STORAGE EXTERNAL).

Every as-you-type suggestion ranks the documents its rare keys match with ts_rank, which reads each one's whole
tsvector: at 10,000 articles some 200 of them a keystroke. Decompressing pglz was two fifths of that query's
time (bench/README.md, 2026-12-06 FAQ suggestions); an article's tsvector grows from about 4 kB to 5 kB.
The ranked kinds' rows are rewritten so their stored tsvector takes the new form; a case is rewritten, and so
stored uncompressed, the next time it is indexed (a case's tsvector is mostly too short to be compressed).
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE search_searchdocument ALTER COLUMN tsv SET STORAGE EXTERNAL",
    # An update recomputes the generated column, and the new value is stored the new way.
    "UPDATE search_searchdocument SET title_keys = title_keys WHERE kind <> 'case'",
]
REVERSE = ["ALTER TABLE search_searchdocument ALTER COLUMN tsv SET STORAGE EXTENDED"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0006_mined_synonyms")]

    operations = [migrations.RunPython(_run(FORWARD), _run(REVERSE))]
