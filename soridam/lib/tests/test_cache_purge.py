"""The database cache's occasional purge: an ``add`` that draws it deletes every expired row, so the table of
rate-limit counts does not grow without end; other ``add``s leave expired rows to the next purge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from soridam.lib import cache as database_cache
from soridam.lib.cache import purge_due  # the real one: conftest.py turns it off for every test

pytestmark = pytest.mark.django_db


def _keys() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {database_cache.CACHE_TABLE}")  # noqa: S608 - our own table name
        return {key for (key,) in cursor.fetchall()}


def _expire(key: str) -> None:
    stored = cache.make_and_validate_key(key)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {database_cache.CACHE_TABLE} SET expires = %s WHERE cache_key = %s",  # noqa: S608
            [timezone.now() - timedelta(minutes=5), stored],
        )


@pytest.mark.parametrize("drawn", [True, False])
def test_an_add_that_draws_the_purge_deletes_the_expired_rows(monkeypatch: pytest.MonkeyPatch, drawn: bool) -> None:
    assert cache.add("old", 1)
    assert cache.add("live", 1)
    _expire("old")
    monkeypatch.setattr(database_cache, "purge_due", lambda: drawn)

    assert cache.add("new", 1)

    kept = {cache.make_and_validate_key(key) for key in ("live", "new")}
    expired = cache.make_and_validate_key("old")
    assert _keys() == (kept if drawn else kept | {expired})


def test_the_purge_is_drawn_about_once_in_its_period() -> None:
    draws = sum(purge_due() for _ in range(database_cache._PURGE_EVERY * 50))
    assert 20 <= draws <= 100  # 50 expected; a fixed share, not every add and not never
