"""Background work that keeps the case index current; enqueued on commit by cases.actions."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django_tasks import task

from soridam.cases.models import Case
from soridam.lib import jobs

from .engine import Document, index_documents, remove_document
from .indexing import CASE


def case_document(case: Case) -> Document:
    """Subject and every message, internal notes included: only agents search cases."""
    messages = sorted(case.messages.all(), key=lambda message: (message.created_at, message.pk))  # prefetched
    bodies = [message.body for message in messages]
    return Document(
        kind=CASE,
        key=case.pk,
        title=case.subject,
        body="\n".join(bodies),
        language=case.language,
        public=False,
        updated_at=case.updated_at,
        team_id=case.team_id,
    )


def case_documents() -> Iterator[Document]:
    for case in Case.objects.prefetch_related("messages").order_by("pk").iterator(chunk_size=500):
        yield case_document(case)


@task(priority=jobs.BACKGROUND)
def index_case(case_id: int) -> None:
    """Idempotent: it reads the case as it is now; a deleted case leaves the index."""
    index_cases([case_id])


@jobs.batch_of(index_case)
def index_cases(case_ids: Sequence[int]) -> int:
    """Many queued ``index_case`` rows at once: one read of the cases and their messages, one write of the
    index (``indexing.upsert`` stores each batch of documents with one update and one insert)."""
    wanted = {int(case_id) for case_id in case_ids}
    cases = list(Case.objects.filter(pk__in=wanted).prefetch_related("messages").order_by("pk"))
    for gone in wanted - {case.pk for case in cases}:
        remove_document(CASE, gone)
    index_documents([case_document(case) for case in cases])
    return len(cases)
