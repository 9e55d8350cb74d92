"""The database cache's table (rate limits shared by every worker process; soridam/lib/cache.py).

A migration rather than ``createcachetable`` in the Makefile, so a fresh clone, ``migrate`` in production and
the test database all have it. It is created even when ``REDIS_URL`` is set, so switching back needs nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

CACHE_TABLE = "soridam_cache"  # frozen here: a migration must not change when the code does


def create_cache_table(apps: Any, schema_editor: Any) -> None:
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
