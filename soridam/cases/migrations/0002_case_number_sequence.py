"""A PostgreSQL sequence for case numbers, so concurrent intakes never wait on a counter row."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from soridam.cases.migrations._defaults import CATEGORIES


def create_sequence(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE SEQUENCE IF NOT EXISTS cases_case_number_seq START 1")


def drop_sequence(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS cases_case_number_seq")


def create_categories(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    category = apps.get_model("cases", "Category")
    for position, (slug, name_ko, name_en) in enumerate(CATEGORIES):
        category.objects.get_or_create(
            slug=slug, defaults={"name_ko": name_ko, "name_en": name_en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        migrations.RunPython(create_sequence, drop_sequence),
        migrations.RunPython(create_categories, migrations.RunPython.noop),
    ]
