"""The default cache: Django's database cache, with a counter that is atomic across processes.

Rate limits count hits with ``cache.incr``. Django's database cache reads the value and writes it back in
two separate steps, so two worker processes counting at the same moment both write "n + 1" and a limit
lets more through than it should. Here the write is a compare-and-swap (``UPDATE … WHERE value = <what we
read>``), retried when another process changed the count in between. It is also leaner than Django's: a
counter costs one read and one write, and ``add`` one INSERT, instead of a COUNT(*) of the table each time.
"""

from __future__ import annotations

import base64
import pickle
import random
from datetime import UTC, datetime
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

# The table that soridam/web/migrations/0001_cache_table.py creates; settings.CACHES names it too.
CACHE_TABLE = "soridam_cache"
_CAS_ATTEMPTS = 50
_PURGE_EVERY = 200  # on average, one ``add`` in this many deletes the expired rows


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        """Add ``delta`` to a live key's value; ValueError when the key is missing or expired."""
        cache_key = self.make_and_validate_key(key, version=version)
        connection, table = self._connection_and_table()
        for _attempt in range(_CAS_ATTEMPTS):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT value FROM {table} WHERE cache_key = %s AND expires > %s",  # noqa: S608 - quoted
                    [cache_key, _now(connection)],
                )
                row = cursor.fetchone()
                if row is None:
                    raise ValueError(f"Key {key!r} not found")
                value = self._decode(connection.ops.process_clob(row[0])) + delta
                cursor.execute(
                    f"UPDATE {table} SET value = %s WHERE cache_key = %s AND value = %s",  # noqa: S608 - quoted
                    [self._encode(value), cache_key, row[0]],
                )
                if cursor.rowcount == 1:
                    return value
        raise DatabaseError(f"cache counter {key!r} changed {_CAS_ATTEMPTS} times while being counted")

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        """Store ``value`` unless a live value is there; True when stored."""
        cache_key = self.make_and_validate_key(key, version=version)
        connection, table = self._connection_and_table()
        expires = self._expiry(connection, timeout)
        if purge_due():
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [_now(connection)])  # noqa: S608
        try:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s)",  # noqa: S608 - quoted
                    [cache_key, self._encode(value), expires],
                )
            return True
        except DatabaseError:  # the key is there: take its place only if it has expired
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET value = %s, expires = %s WHERE cache_key = %s AND expires <= %s",  # noqa: S608
                    [self._encode(value), expires, cache_key, _now(connection)],
                )
                return bool(cursor.rowcount == 1)

    def _connection_and_table(self) -> tuple[BaseDatabaseWrapper, str]:
        connection = connections[router.db_for_write(self.cache_model_class)]
        return connection, connection.ops.quote_name(self._table)  # type: ignore[attr-defined]  # set by Django

    def _expiry(self, connection: BaseDatabaseWrapper, timeout: Any) -> Any:
        seconds = self.get_backend_timeout(timeout)
        # Naive max, as Django writes "never expires": an aware one overflows when SQLite converts it to local time.
        moment = datetime.max if seconds is None else datetime.fromtimestamp(seconds, tz=UTC)  # noqa: DTZ901
        return connection.ops.adapt_datetimefield_value(moment.replace(microsecond=0))

    def _decode(self, stored: str) -> Any:
        # The format Django's database cache writes: base64 of a pickle. Only this application writes the table.
        return pickle.loads(base64.b64decode(stored.encode()))  # noqa: S301 - our own cache rows

    def _encode(self, value: Any) -> str:
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")


def _now(connection: BaseDatabaseWrapper) -> Any:
    return connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))


def purge_due() -> bool:
    """Whether this ``add`` also deletes the expired rows: one in ``_PURGE_EVERY``, at random, so that no process
    pays it often and no table grows without end. (Tests that count statements turn it off: conftest.py.)"""
    return random.randrange(_PURGE_EVERY) == 0  # noqa: S311 - not for security
