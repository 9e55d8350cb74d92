"""Background work that keeps the case index current; enqueued on commit by cases.actions."""

from __future__ import annotations

from collections.abc import Iterator

from django_tasks import task

from soridam.cases.models import Case

from .engine import Document, index_documents, remove_document
from .indexing import CASE


def case_document(case: Case) -> Document:
    """Subject and every message, internal notes included: only agents search cases."""
    bodies = [message.body for message in case.messages.order_by("created_at", "id")]
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


@task()
def index_case(case_id: int) -> None:
    """Idempotent: it reads the case as it is now; a deleted case leaves the index."""
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        remove_document(CASE, case_id)
        return
    index_documents([case_document(case)])
