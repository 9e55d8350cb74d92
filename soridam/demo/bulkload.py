"""Writing many rows fast, for benchmark data only.

On PostgreSQL rows go in through binary COPY. For a big load, a table's secondary indexes and its
unique and foreign-key constraints are dropped first and built once at the end, as pg_restore does:
keeping sixteen indexes up to date row by row is what makes a big insert slow. All of it runs in the
caller's transaction, so a failure rolls the schema back with the rows. On SQLite rows go in through
one executemany per batch, and a big load rebuilds the named indexes the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
import psycopg.copy
from django.db import connection
from django.db.models import Model
from psycopg.abc import Buffer

_INDEXES = """
    SELECT pg_get_indexdef(i.indexrelid), i.indexrelid::regclass::text FROM pg_index i
    WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype <> 'f')
"""
_CONSTRAINTS = """
    SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
    WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f')
"""


def encode_rows(model: type[Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> bytes:
    """The rows in PostgreSQL's binary COPY format, made without a word to the server (psycopg's documented
    ``Copy(writer=...)``: only the connection's adapters are used), so another process can make them.
    Declaring the column types up front lets psycopg dump each row without inspecting it: ten times faster
    than COPY with per-row type guessing."""
    collected = _Collected()
    with psycopg.Copy(connection.connection.cursor(), binary=True, writer=collected) as copy:
        copy.set_types([_wire_type(model, column) for column in columns])
        for row in rows:
            copy.write_row(row)
    return bytes(collected.data)


def copy_encoded(model: type[Model], columns: Sequence[str], data: bytes) -> None:
    """Store rows that ``encode_rows`` made, through one binary COPY."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    sql = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN (FORMAT BINARY)"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        copy.write(data)


class _Collected(psycopg.copy.Writer):
    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, data: Buffer) -> None:
        self.data += data


def _wire_type(model: type[Model], column: str) -> str:
    field = next(field for field in model._meta.concrete_fields if field.column == column)
    kind = field.get_internal_type()
    if kind in ("AutoField", "BigAutoField", "ForeignKey", "BigIntegerField"):
        return "int8"
    return "timestamptz" if kind == "DateTimeField" else "text"


def insert_rows(model: type[Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """Rows in through one executemany (SQLite: it takes Python values, not COPY's binary format)."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({placeholders})"  # noqa: S608 - model names
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(rows))


@contextmanager
def indexes_built_after(models: Sequence[type[Model]]) -> Iterator[None]:
    """Drop the tables' secondary indexes (and, on PostgreSQL, unique and foreign-key constraints), run
    the load, then put every one back as it was. The caller holds a transaction around all of it."""
    tables = [model._meta.db_table for model in models]
    if connection.vendor == "postgresql":
        with _postgresql_rebuild(tables):
            yield
    else:
        with _sqlite_rebuild(tables):
            yield


@contextmanager
def _postgresql_rebuild(tables: list[str]) -> Iterator[None]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Deferred foreign-key checks still pending in this transaction would forbid the ALTER TABLEs.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(_INDEXES, [tables])
        indexes = cursor.fetchall()
        cursor.execute(_CONSTRAINTS, [tables])
        constraints = cursor.fetchall()
        for table, name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for _definition, name in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for definition, _name in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute(f"ANALYZE {', '.join(quote(table) for table in tables)}")


@contextmanager
def _sqlite_rebuild(tables: list[str]) -> Iterator[None]:
    """SQLite keeps unique constraints inside the table; only the named indexes can go and come back."""
    placeholders = ", ".join(["%s"] * len(tables))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({placeholders})",  # noqa: S608, E501
            tables,
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
