"""Two workers indexing the same document at once: one row, right term counts, no error.

The task pool runs ``index_case`` batches in parallel processes, and the same case is often queued twice
(opened, then replied to). Before the fix both saw no row, both inserted, and the loser's whole batch
failed on the unique key (seen in ``bench/kakao.py``'s worker log).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, connections, transaction

from soridam.search import indexing
from soridam.search.engine import Document
from soridam.search.models import SearchDocument, SearchTerm

pytestmark = pytest.mark.django_db(transaction=True)


def _doc(body: str) -> Document:
    return Document(kind="article", key=4242, title="배송 문의", body=body, updated_at=datetime.now(UTC))


def test_a_second_writer_waits_and_updates_instead_of_inserting_twice() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's IMMEDIATE transactions serialise writers (and the in-memory test database locks tables)")
    first_wrote, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                indexing.upsert([_doc("택배가 오지 않아요")])
                first_wrote.set()
                release.wait(10)
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_wrote.wait(10)
            indexing.upsert([_doc("환불은 언제 되나요")])
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_wrote.wait(10)
    threading.Timer(0.5, release.set).start()  # the second writer is blocked by now
    for thread in threads:
        thread.join(30)
    assert not errors
    row = SearchDocument.objects.get(kind="article", key=4242)
    assert "환불" in row.body_keys
    # The terms of the first body left with it; every remaining term counts one document.
    counts = dict(SearchTerm.objects.filter(kind="article").exclude(df=0).values_list("term", "df"))
    assert set(counts.values()) == {1}
    assert set(counts) == set(row.title_keys.split()) | set(row.body_keys.split())
