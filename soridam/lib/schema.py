"""Commands that an operator may run straight after cloning (eval_search, ingest_eml) bring the schema up first."""

from __future__ import annotations

from collections.abc import Callable

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def ensure_migrated(say: Callable[[str], None]) -> None:
    """Apply pending migrations (as ``make install`` would), saying so, instead of failing on a missing table."""
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        say("The database schema is not up to date: applying migrations first.")
        call_command("migrate", verbosity=0, interactive=False)
