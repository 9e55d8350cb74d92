"""Writing the index: documents to keys, term statistics and (for articles) embeddings, in one transaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import F

from . import backends, embeddings
from .analysis import document_keys
from .models import IndexState, SearchDocument

if TYPE_CHECKING:
    from .engine import Document

CASE = "case"  # cases keep a light index and no statistics: agents search with whole words
BATCH = 200


def is_ranked(kind: str) -> bool:
    return kind != CASE


def upsert(docs: Iterable[Document]) -> None:
    batch: list[Document] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= BATCH:
            _upsert_batch(batch)
            batch = []
    if batch:
        _upsert_batch(batch)


def _upsert_batch(docs: Sequence[Document]) -> None:
    latest = {(doc.kind, int(doc.key)): doc for doc in docs}
    for kind in {kind for kind, _ in latest}:
        of_kind = [doc for (k, _), doc in latest.items() if k == kind]
        keyed = [_keyed(doc, full=is_ranked(kind)) for doc in of_kind]
        vectors = _vectors(of_kind) if is_ranked(kind) else []
        with transaction.atomic():
            _store(kind, keyed, vectors)


def _keyed(doc: Document, *, full: bool) -> tuple[Document, str, str]:
    return doc, " ".join(document_keys(doc.title, full=full)), " ".join(document_keys(doc.body, full=full))


def _vectors(docs: Sequence[Document]) -> list[bytes]:
    if not embeddings.enabled():
        return []
    return embeddings.encode_documents([(doc.title, doc.body) for doc in docs])


def _store(kind: str, keyed: Sequence[tuple[Document, str, str]], vectors: Sequence[bytes]) -> None:
    _take_turns(kind, [int(doc.key) for doc, _, _ in keyed])
    existing = {
        row.key: row for row in SearchDocument.objects.filter(kind=kind, key__in=[int(d.key) for d, _, _ in keyed])
    }
    delta: Counter[str] = Counter()
    rows: list[SearchDocument] = []
    for index, (doc, title_keys, body_keys) in enumerate(keyed):
        row = existing.get(int(doc.key)) or SearchDocument(kind=kind, key=int(doc.key))
        if row.pk is not None:
            delta.subtract(set(row.title_keys.split()) | set(row.body_keys.split()))
        delta.update(set(title_keys.split()) | set(body_keys.split()))
        row.title, row.language, row.public, row.boost = doc.title[:300], doc.language, doc.public, doc.boost
        row.updated_at, row.title_keys, row.body_keys = doc.updated_at, title_keys, body_keys
        row.team_key = doc.team_id or 0
        row.embedding = vectors[index] if vectors else None
        rows.append(row)
    fields = ["title", "language", "public", "boost", "updated_at", "title_keys", "body_keys", "embedding", "team_key"]
    SearchDocument.objects.bulk_update([row for row in rows if row.pk is not None], fields)
    created = SearchDocument.objects.bulk_create([row for row in rows if row.pk is None])
    backends.write([(row.pk, row.title_keys, row.body_keys) for row in rows])
    if is_ranked(kind):
        _count_terms(kind, delta)
    _bump(kind, len(created))


def _take_turns(kind: str, keys: list[int]) -> None:
    """Writers of the same documents wait for each other until commit (PostgreSQL).

    Task workers index in parallel and one case is often queued twice (opened, then answered): without
    this both read "no row" and insert, and the loser's batch fails on the unique key; both would also
    count its terms. Locks are taken in key order, so two batches never deadlock. SQLite needs nothing:
    its IMMEDIATE transactions (settings) already let one writer in at a time.
    """
    if connection.vendor != "postgresql" or not keys:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s), (k %% 2147483647)::int) "
            "FROM (SELECT DISTINCT k FROM unnest(%s::bigint[]) AS k ORDER BY k) AS keys",
            [f"search_document:{kind}", keys],
        )


def _count_terms(kind: str, delta: Counter[str]) -> None:
    # In term order: two batches updating the same term rows lock them in one order and never deadlock.
    changes = [(kind, term, change) for term, change in sorted(delta.items()) if change]
    if not changes:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO search_searchterm (kind, term, df) VALUES (%s, %s, %s) "
            "ON CONFLICT (kind, term) DO UPDATE SET df = search_searchterm.df + excluded.df",
            changes,
        )


def _bump(kind: str, documents: int) -> None:
    IndexState.objects.get_or_create(kind=kind)
    IndexState.objects.filter(kind=kind).update(version=F("version") + 1, documents=F("documents") + documents)


def store_embeddings(docs: Iterable[Document]) -> int:
    """Encode and store the passage vectors of documents that are indexed but have none yet (embeddings were
    off when they were indexed), a batch at a time, so a long run keeps what it has done. The count stored."""
    stored = 0
    batch: list[Document] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= BATCH:
            stored += _store_vectors(batch)
            batch = []
    return stored + _store_vectors(batch)


def _store_vectors(docs: Sequence[Document]) -> int:
    missing = set(
        SearchDocument.objects.filter(
            kind__in={doc.kind for doc in docs}, key__in=[int(doc.key) for doc in docs], embedding__isnull=True
        ).values_list("kind", "key")
    )
    todo = [doc for doc in docs if (doc.kind, int(doc.key)) in missing]
    vectors = _vectors(todo)
    if not vectors:
        return 0
    with transaction.atomic():
        for doc, vector in zip(todo, vectors, strict=True):
            SearchDocument.objects.filter(kind=doc.kind, key=int(doc.key)).update(embedding=vector)
        for kind in {doc.kind for doc in todo}:
            _bump(kind, 0)
    return len(todo)


def remove(kind: str, key: int) -> None:
    with transaction.atomic():
        row = SearchDocument.objects.filter(kind=kind, key=key).first()
        if row is None:
            return
        if is_ranked(kind):
            delta: Counter[str] = Counter()
            delta.subtract(set(row.title_keys.split()) | set(row.body_keys.split()))
            _count_terms(kind, delta)
        backends.delete([row.pk])
        row.delete()
        _bump(kind, -1)


def clear(kind: str) -> None:
    """Empty one kind of the index (reindex, eval)."""
    with transaction.atomic():
        ids = list(SearchDocument.objects.filter(kind=kind).values_list("pk", flat=True))
        backends.delete(ids)
        SearchDocument.objects.filter(kind=kind).delete()
        from .models import SearchTerm

        SearchTerm.objects.filter(kind=kind).delete()
        IndexState.objects.update_or_create(kind=kind, defaults={"documents": 0})
        _bump(kind, 0)
