"""Configuration rows kept by each process for a few seconds: one rule for every such copy.

Intake, delivery and the case page read configuration that an admin changes a few times a year (the active
categories, the SLA policies and calendars, the notification rules, the remedy rules and authority limits):
reading it for every case is statements spent on nothing. A ``ProcessCopy`` keeps what its loader read. This
process reads again as soon as it saves or deletes one of the rows, which its models count in a
``ChangeCount`` (``CountedChanges``); other processes see an admin's change within the copy's ``ttl`` (``TTL_SECONDS``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, ClassVar, Generic, NamedTuple, TypeVar

from django.db import models

TTL_SECONDS = 10.0

T = TypeVar("T")


class ChangeCount:
    """Counts this process's saves and deletes of some models (their ``save``/``delete`` call ``bump``)."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0

    def bump(self) -> None:
        self.value += 1


class CountedChanges(models.Model):
    """Saving or deleting a row moves the model's ``changes``, so this process's copies of it read again.
    (A queryset's ``update`` or ``delete`` does not: other processes' changes wait for the ``ttl`` too.)"""

    changes: ClassVar[ChangeCount]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        self.changes.bump()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        result = super().delete(*args, **kwargs)
        self.changes.bump()
        return result


class _Held(NamedTuple, Generic[T]):
    value: T
    changes: int  # the count when the loader started: a change made during the load reads again next time
    read_at: float


_every_copy: list[ProcessCopy[object]] = []


class ProcessCopy(Generic[T]):
    """What ``load`` returned, until ``changes`` moves or the copy is ``ttl`` seconds old."""

    def __init__(self, load: Callable[[], T], changes: ChangeCount, ttl: float = TTL_SECONDS) -> None:
        self._load = load
        self._changes = changes
        self.ttl = ttl
        # Replaced whole, never changed in place: a thread reading it sees one copy or the other.
        self._held: _Held[T] | None = None
        _every_copy.append(self)  # type: ignore[arg-type]  # only forget() is called through this list

    def get(self) -> T:
        held = self._held
        now = time.monotonic()
        if held is None or held.changes != self._changes.value or now - held.read_at > self.ttl:
            changes = self._changes.value
            held = _Held(self._load(), changes, now)
            self._held = held
        return held.value

    def forget(self) -> None:
        self._held = None


def forget_every_copy() -> None:
    """Drop every process copy (tests: rows a rolled-back test wrote must not linger in the next one)."""
    for copy in _every_copy:
        copy.forget()
