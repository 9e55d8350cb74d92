"""Rebuilding the case index at scale (a million cases): each distinct text is analysed once.

Cases repeat themselves (the same subjects, the same first messages), and Kiwi is the slow part, so the keys
of a text are remembered for the run. Rows go in with bulk inserts; no statistics are kept for cases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from django.db import transaction

from soridam.cases.models import Case, Message

from . import backends
from .analysis import document_keys
from .indexing import CASE, _bump, clear
from .models import SearchDocument

BATCH = 5000
MAX_REMEMBERED = 200_000
LARGE = 100_000  # from here on the GIN index is dropped for the load and built once at the end


class _Keys:
    def __init__(self) -> None:
        self.known: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        found = self.known.get(text)
        if found is None:
            found = " ".join(document_keys(text, full=False))
            if len(self.known) < MAX_REMEMBERED:
                self.known[text] = found
        return found


def _bodies() -> Iterator[tuple[int, str]]:
    """(case id, all its messages) in case order, merged from one ordered pass over the messages."""
    rows = Message.objects.order_by("case_id", "created_at", "id").values_list("case_id", "body")
    current, parts = None, []
    for case_id, body in rows.iterator(chunk_size=BATCH):
        if case_id != current and current is not None:
            yield current, "\n".join(parts)
            parts = []
        current = case_id
        parts.append(body)
    if current is not None:
        yield current, "\n".join(parts)


def reindex_cases(progress: Callable[[int, int], None] | None = None) -> int:
    clear(CASE)
    total = Case.objects.count()
    with backends.bulk_load(large=total >= LARGE):
        return _load(total, progress)


def _load(total: int, progress: Callable[[int, int], None] | None) -> int:
    keys = _Keys()
    bodies = _bodies()
    pending = next(bodies, None)
    batch: list[SearchDocument] = []
    done = 0
    cases = Case.objects.order_by("pk").values_list("pk", "subject", "language", "updated_at", "team_id")
    for pk, subject, language, updated_at, team_id in cases.iterator(chunk_size=BATCH):
        while pending is not None and pending[0] < pk:
            pending = next(bodies, None)
        body = pending[1] if pending is not None and pending[0] == pk else ""
        batch.append(_row((pk, team_id or 0), subject, body, language, updated_at, keys))
        if len(batch) >= BATCH:
            done += _write(batch)
            batch = []
            if progress:
                progress(done, total)
    done += _write(batch)
    if progress:
        progress(done, total)
    return done


def _row(
    ids: tuple[int, int], subject: str, body: str, language: str, updated_at: datetime, keys: _Keys
) -> SearchDocument:
    """``ids``: the case's id and its team key (0 for no team)."""
    return SearchDocument(
        kind=CASE,
        key=ids[0],
        team_key=ids[1],
        title=subject[:300],
        language=language,
        public=False,
        updated_at=updated_at,
        title_keys=keys(subject),
        body_keys=keys(body),
    )


def _write(batch: list[SearchDocument]) -> int:
    if not batch:
        return 0
    with transaction.atomic():
        created = SearchDocument.objects.bulk_create(batch)
        backends.write([(row.pk, row.title_keys, row.body_keys) for row in created])
        _bump(CASE, len(created))
    return len(created)
