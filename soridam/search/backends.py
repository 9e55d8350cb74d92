"""The only code that talks to the database's full-text index (FTS5 on SQLite, tsvector + GIN on PostgreSQL).

Both return candidate rows for keys; the ranking itself is done in Python (ranking.py) on both databases, so
the two give the same results.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
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


GIN_INDEXES = {
    "search_document_tsv": "CREATE INDEX IF NOT EXISTS search_document_tsv ON search_searchdocument USING gin (tsv)",
    # migration 0004 (btree_gin): a case search reads only the caller's teams' postings
    "search_document_case_team_tsv": "CREATE INDEX IF NOT EXISTS search_document_case_team_tsv "
    "ON search_searchdocument USING gin (team_key, tsv) WHERE kind = 'case'",
}


@contextmanager
def bulk_load(*, large: bool) -> Iterator[None]:
    """For a large load on PostgreSQL, drop the GIN indexes and build them once at the end: inserting a million
    rows into a live GIN index is several times slower. Searches fall back to scans meanwhile."""
    if _is_sqlite() or not large:
        yield
        return
    with connection.cursor() as cursor:
        for name in GIN_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for create in GIN_INDEXES.values():
                cursor.execute(create)


def refresh_statistics() -> None:
    """After a rebuild: the planner must know how large the index is, or it filters half a million term rows
    instead of looking a few up (100 ms instead of 1 ms). Autovacuum would get there later."""
    if not _is_sqlite():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument, search_searchterm")
            # Rows written since the last vacuum sit in the GIN index's pending list, which every search
            # reads through; merge them into the index now.
            cursor.execute("SELECT gin_clean_pending_list('search_document_tsv'::regclass)")


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


CANDIDATE_COLUMNS = "d.id, d.key, d.title, d.title_keys, d.body_keys, d.boost, d.updated_at"


def match_any(
    kind: str,
    keys: Sequence[str],
    prefixes: Sequence[str],
    filters: str,
    params: list[Any],
    limit: int,
    *,
    asked: Collection[str],
    probes: Collection[str],
) -> list[tuple[Any, ...]]:
    """Rows (CANDIDATE_COLUMNS) of documents of `kind` carrying any of the keys, best first by the database's
    own rank (a title match counts double), in one round trip. `filters` is extra SQL over the table ``d``.

    The body keys of a row are what the ranker reads of a body: every one of the keys `asked` that the body
    carries, and every prefix of `probes` that one of its keys starts with. SQLite gives the whole field. On
    PostgreSQL the database picks them out of the tsvector: a long article has thousands of keys, and sending
    and splitting them all cost more than the rest of a keystroke's ranking."""
    if not keys and not prefixes:
        return []
    if _is_sqlite():
        sql = (
            f"SELECT {CANDIDATE_COLUMNS} FROM search_fts f JOIN search_searchdocument d ON d.id = f.rowid "  # noqa: S608 (our fragments; values are params)
            f"WHERE search_fts MATCH %s AND d.kind = %s {filters} ORDER BY bm25(search_fts, 2.0, 1.0), d.id LIMIT %s"
        )
        args: list[Any] = [_fts5_expression(keys, prefixes, "OR"), kind, *params, limit]
        with connection.cursor() as cursor:
            # Only our own SQL fragments are formatted in (filters); values are params.
            cursor.execute(sql, args)
            return list(cursor.fetchall())
    return _match_any_postgres(_tsquery(keys, prefixes, "|"), kind, filters, params, limit, asked, probes)


def _match_any_postgres(
    tsquery: str,
    kind: str,
    filters: str,
    params: list[Any],
    limit: int,
    asked: Collection[str],
    probes: Collection[str],
) -> list[tuple[Any, ...]]:
    """The best `limit` rows by ts_rank (the inner query), then, for those rows only, the body keys the ranker
    reads: the body's lexemes (weight B) among `asked` through setweight + ts_filter, and one ``@@`` per probe.
    OFFSET 0 keeps the body tsvector computed once per row rather than once per use."""
    probes = sorted(probes)
    found = ", ".join(["c.body @@ to_tsquery('simple', %s)"] * len(probes)) or "NULL"
    sql = (
        "SELECT c.id, c.key, c.title, c.title_keys, "  # noqa: S608 (our fragments; values are params)
        "tsvector_to_array(ts_filter(setweight(c.body, 'c', %s::text[]), '{c}')), "
        f"ARRAY[{found}]::boolean[], c.boost, c.updated_at "
        "FROM (SELECT r.*, ts_filter(r.tsv, '{b}') AS body FROM ("
        "SELECT d.id, d.key, d.title, d.title_keys, d.tsv, d.boost, d.updated_at, ts_rank(d.tsv, q) AS rank "
        "FROM search_searchdocument d, to_tsquery('simple', %s) q "
        f"WHERE d.tsv @@ q AND d.kind = %s {filters} ORDER BY rank DESC, d.id LIMIT %s) r OFFSET 0) c "
        "ORDER BY c.rank DESC, c.id"
    )
    args = [sorted(asked), *[f"{probe}:*" for probe in probes], tsquery, kind, *params, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        rows = cursor.fetchall()
    out = []
    for pk, key, title, title_keys, carried, hits, boost, updated_at in rows:
        # Sorted as analysis.document_keys sorts: the ranker bisects the body keys for prefixes.
        body = sorted([*carried, *(probe for probe, hit in zip(probes, hits or (), strict=False) if hit)])
        out.append((pk, key, title, title_keys, " ".join(body), boost, updated_at))
    return out


def _scope_sql(scope: Sequence[int] | None) -> tuple[str, list[Any]]:
    """The team filter over ``d`` (team keys, 0 for no team); on PostgreSQL it is answered by the GIN index on
    (team_key, tsv) together with the words."""
    if scope is None:
        return "", []
    if not scope:
        return " AND FALSE", []
    return f" AND d.team_key IN ({', '.join(['%s'] * len(scope))})", list(scope)


def match_all(
    kind: str,
    keys: Sequence[str],
    prefixes: Sequence[str],
    within: Within,
    limit: int,
    *,
    scope: Sequence[int] | None = None,
) -> list[tuple[int, str]]:
    """(key, title) of documents of `kind` carrying every key (and a key starting with each prefix) that
    `within` admits, newest first; `scope` (team keys) narrows the search in the index itself."""
    if not keys and not prefixes:
        return []
    scope_sql, scope_params = _scope_sql(scope)
    if _is_sqlite():
        sql = (
            "SELECT d.key, d.title FROM search_fts f JOIN search_searchdocument d ON d.id = f.rowid "  # noqa: S608 (our fragments; values are params)
            f"WHERE search_fts MATCH %s AND d.kind = %s{scope_sql} AND d.key IN ({within.sql}) "
            "ORDER BY d.updated_at DESC, d.key DESC LIMIT %s"
        )
        return _fetch(sql, [_fts5_expression(keys, prefixes, "AND"), kind, *scope_params, *within.params, limit])
    matches = _Matches(_tsquery(keys, prefixes, "&"), kind, scope_sql, scope_params)
    with _without_jit():
        walked = _walk(matches, limit * WALK_FACTOR)
        if walked is not None:
            found = _admitted(walked, within, limit)
            if len(found) >= limit or len(walked) < limit * WALK_FACTOR:
                return found
        return _collect(matches, within, limit)


@contextmanager
def _without_jit() -> Iterator[None]:
    """A prefix over a million documents is estimated dear enough to be JIT-compiled, which costs more (about
    100 ms) than running it (a few ms)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit TO DEFAULT")  # SET LOCAL lasts until an outer transaction ends


@dataclass(frozen=True)
class Within:
    """The documents a caller may get: as SQL selecting their keys (for a join), and as a filter over keys."""

    sql: str
    params: list[Any]
    admit: Callable[[list[int]], set[int]]


class _Matches:
    """The documents of one kind that match a tsquery within a team scope, as SQL over ``d``."""

    def __init__(self, tsquery: str, kind: str, scope_sql: str, scope_params: list[Any]) -> None:
        self.sql = f"d.tsv @@ to_tsquery('simple', %s) AND d.kind = %s{scope_sql}"
        self.params: list[Any] = [tsquery, kind, *scope_params]

    def newest(self, rows: int) -> tuple[str, list[Any]]:
        sql = f"SELECT d.key, d.title FROM search_searchdocument d WHERE {self.sql} "  # noqa: S608 (our fragments)
        return sql + "ORDER BY d.updated_at DESC, d.key DESC LIMIT %s", [*self.params, rows]


WALK_FACTOR = 2  # the walk reads twice the rows wanted, so the permission filter after it rarely runs short
WALK_TIMEOUT_MS = 25
MAX_COLLECTED = 20_000
ADMIT_CHUNK = 1000


def _walk(matches: _Matches, rows: int) -> list[tuple[int, str]] | None:
    """The newest matches in the scope, read down the date index: at once when the words are common in it.
    When they are rare the walk would read the whole table, so it gets a time limit (None: it ran out)."""
    sql, args = matches.newest(rows)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                # The planner underestimates how many documents a common key matches and would sort them all.
                cursor.execute(f"SET LOCAL statement_timeout = {WALK_TIMEOUT_MS}")
                cursor.execute("SET LOCAL enable_bitmapscan = off")
                cursor.execute(sql, args)
                found = [(row[0], row[1]) for row in cursor.fetchall()]
                # SET LOCAL lasts until the outer transaction ends, when there is one.
                cursor.execute("SET LOCAL statement_timeout TO DEFAULT")
                cursor.execute("SET LOCAL enable_bitmapscan TO DEFAULT")
            return found
    except OperationalError:
        return None


def _admitted(rows: list[tuple[int, str]], within: Within, limit: int) -> list[tuple[int, str]]:
    """The first `limit` of `rows` (newest first) that `within` admits, asked a chunk of keys at a time."""
    found: list[tuple[int, str]] = []
    for start in range(0, len(rows), ADMIT_CHUNK):
        chunk = rows[start : start + ADMIT_CHUNK]
        admitted = within.admit([key for key, _ in chunk])
        found.extend(row for row in chunk if row[0] in admitted)
        if len(found) >= limit:
            break
    return found[:limit]


def _collect(matches: _Matches, within: Within, limit: int) -> list[tuple[int, str]]:
    """Every match in the scope through the GIN index, newest first, then the permission filter. Beyond
    MAX_COLLECTED matches (common words, narrow filters) the database joins the caller's cases itself."""
    sql, args = matches.newest(MAX_COLLECTED + 1)
    rows = _fetch(sql, args)
    if len(rows) <= MAX_COLLECTED:
        return _admitted(rows, within, limit)
    joined = (
        "WITH m AS MATERIALIZED (SELECT d.key, d.title, d.updated_at FROM search_searchdocument d "  # noqa: S608
        f"WHERE {matches.sql}) "
        f"SELECT m.key, m.title FROM m WHERE m.key IN ({within.sql}) "
        "ORDER BY m.updated_at DESC, m.key DESC LIMIT %s"
    )
    return _fetch(joined, [*matches.params, *within.params, limit])


def term_counts(kind: str, terms: Sequence[str]) -> tuple[dict[str, int], int]:
    """How many documents of `kind` carry each of `terms` (those with none left out), and how many documents
    there are, in one round trip: this runs on every keystroke."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1, t.term, t.df FROM search_searchterm t "  # noqa: S608 (placeholders only)
            f"WHERE t.kind = %s AND t.df > 0 AND t.term IN ({', '.join(['%s'] * len(terms)) or 'NULL'}) "
            "UNION ALL SELECT 0, '', s.documents FROM search_indexstate s WHERE s.kind = %s",
            [kind, *terms, kind],
        )
        rows = cursor.fetchall()
    documents = next((row[2] for row in rows if row[0] == 0), 0)
    return {row[1]: row[2] for row in rows if row[0] == 1}, documents


def _fetch(sql: str, args: list[Any]) -> list[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [(row[0], row[1]) for row in cursor.fetchall()]
