"""The only code that talks to the database's full-text index (FTS5 on SQLite, tsvector + GIN on PostgreSQL).

Both return candidate rows for keys; the ranking itself is done in Python (ranking.py) on both databases, so
the two give the same results.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import OperationalError, connection, transaction


def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def write(rows: Sequence[tuple[int, str, str]]) -> None:
    """(document id, title keys, body keys) after the documents were saved. PostgreSQL computes its
    tsvector column itself; SQLite's FTS5 table is kept here."""
    if not _is_sqlite() or not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(row[0],) for row in rows])
        cursor.executemany("INSERT INTO search_fts (rowid, title_keys, body_keys) VALUES (%s, %s, %s)", rows)


GIN_INDEX = "CREATE INDEX IF NOT EXISTS search_document_tsv ON search_searchdocument USING gin (tsv)"


@contextmanager
def bulk_load(*, large: bool) -> Iterator[None]:
    """For a large load on PostgreSQL, drop the GIN index and build it once at the end: inserting a million
    rows into a live GIN index is several times slower. Searches fall back to scans meanwhile."""
    if _is_sqlite() or not large:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS search_document_tsv")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(GIN_INDEX)


def refresh_statistics() -> None:
    """After a rebuild: the planner must know how large the index is, or it filters half a million term rows
    instead of looking a few up (100 ms instead of 1 ms). Autovacuum would get there later."""
    if not _is_sqlite():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument, search_searchterm")


def delete(ids: Sequence[int]) -> None:
    if not _is_sqlite() or not ids:
        return
    with connection.cursor() as cursor:
        cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(pk,) for pk in ids])


def _fts5_expression(keys: Sequence[str], prefixes: Sequence[str], joiner: str) -> str:
    terms = [f'"{key}"' for key in keys] + [f'"{key}"*' for key in prefixes]
    return f" {joiner} ".join(terms)


def _tsquery(keys: Sequence[str], prefixes: Sequence[str], joiner: str) -> str:
    terms = list(keys) + [f"{key}:*" for key in prefixes]
    return f" {joiner} ".join(terms)


def match_any(
    kind: str, keys: Sequence[str], prefixes: Sequence[str], filters: str, params: list[Any], limit: int
) -> list[int]:
    """Ids of documents of `kind` carrying any of the keys, best first by the database's own rank
    (a title match counts double). `filters` is extra SQL over the document table ``d``."""
    if not keys and not prefixes:
        return []
    if _is_sqlite():
        sql = (
            "SELECT d.id FROM search_fts f JOIN search_searchdocument d ON d.id = f.rowid "  # noqa: S608 (our fragments; values are params)
            f"WHERE search_fts MATCH %s AND d.kind = %s {filters} ORDER BY bm25(search_fts, 2.0, 1.0), d.id LIMIT %s"
        )
        args: list[Any] = [_fts5_expression(keys, prefixes, "OR"), kind, *params, limit]
    else:
        sql = (
            "SELECT d.id FROM search_searchdocument d, to_tsquery('simple', %s) q "  # noqa: S608 (our fragments; values are params)
            f"WHERE d.tsv @@ q AND d.kind = %s {filters} ORDER BY ts_rank(d.tsv, q) DESC, d.id LIMIT %s"
        )
        args = [_tsquery(keys, prefixes, "|"), kind, *params, limit]
    with connection.cursor() as cursor:
        # Only our own SQL fragments are formatted in (filters, the visible-cases subquery); values are params.
        cursor.execute(sql, args)
        return [row[0] for row in cursor.fetchall()]


def match_all(
    kind: str, keys: Sequence[str], prefixes: Sequence[str], within_sql: str, within_params: list[Any], limit: int
) -> list[tuple[int, str]]:
    """(key, title) of documents of `kind` carrying every key (and a key starting with each prefix) whose key
    is among the ids `within_sql` selects, newest first."""
    if not keys and not prefixes:
        return []
    if _is_sqlite():
        sql = (
            "SELECT d.key, d.title FROM search_fts f JOIN search_searchdocument d ON d.id = f.rowid "  # noqa: S608 (our fragments; values are params)
            f"WHERE search_fts MATCH %s AND d.kind = %s AND d.key IN ({within_sql}) "
            "ORDER BY d.updated_at DESC, d.key DESC LIMIT %s"
        )
        args: list[Any] = [_fts5_expression(keys, prefixes, "AND"), kind, *within_params, limit]
    else:
        tsquery = _tsquery(keys, prefixes, "&")
        return _postgres_newest_matches(tsquery, kind, within_sql, [tsquery, kind, *within_params, limit])
    with connection.cursor() as cursor:
        # Only our own SQL fragments are formatted in (filters, the visible-cases subquery); values are params.
        cursor.execute(sql, args)
        return [(row[0], row[1]) for row in cursor.fetchall()]


SPARSE_MATCHES = 2000
WALK_TIMEOUT_MS = 150


def _postgres_newest_matches(tsquery: str, kind: str, within_sql: str, args: list[Any]) -> list[tuple[int, str]]:
    """The newest matches among the documents `within_sql` selects, planned by how many matches there are.

    Few matches (counted cheaply, capped, through the GIN index) are collected and sorted. Many are usually
    dense among the newest documents, so walking the date index finds the first ones at once; but when the
    caller may see few of them (a word common in another team's cases), that walk reads the whole table, so
    it gets a time limit and the collect-and-join plan takes over."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM search_searchdocument d "
            "WHERE d.tsv @@ to_tsquery('simple', %s) AND d.kind = %s LIMIT %s) AS capped",
            [tsquery, kind, SPARSE_MATCHES],
        )
        row = cursor.fetchone()
    collect = (
        "WITH m AS MATERIALIZED (SELECT d.key, d.title, d.updated_at FROM search_searchdocument d "  # noqa: S608
        "WHERE d.tsv @@ to_tsquery('simple', %s) AND d.kind = %s) "
        f"SELECT m.key, m.title FROM m WHERE m.key IN ({within_sql}) "
        "ORDER BY m.updated_at DESC, m.key DESC LIMIT %s"
    )
    if row is not None and row[0] < SPARSE_MATCHES:
        return _fetch(collect, args)
    walk = (
        "SELECT d.key, d.title FROM search_searchdocument d "  # noqa: S608 (our fragments; values are params)
        f"WHERE d.tsv @@ to_tsquery('simple', %s) AND d.kind = %s AND d.key IN ({within_sql}) "
        "ORDER BY d.updated_at DESC, d.key DESC LIMIT %s"
    )
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {WALK_TIMEOUT_MS}")
            found = _fetch(walk, args)
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout TO DEFAULT")
            return found
    except OperationalError:
        return _fetch(collect, args)


def _fetch(sql: str, args: list[Any]) -> list[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [(row[0], row[1]) for row in cursor.fetchall()]
