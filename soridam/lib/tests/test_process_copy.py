"""A process copy reads again when this process changes the rows, when it is too old, and when forgotten."""

from __future__ import annotations

import pytest

from soridam.lib.process_copy import ChangeCount, ProcessCopy, forget_every_copy


class Loader:
    def __init__(self) -> None:
        self.reads = 0

    def __call__(self) -> int:
        self.reads += 1
        return self.reads


def test_one_read_serves_until_the_change_count_moves() -> None:
    load, changes = Loader(), ChangeCount()
    copy = ProcessCopy(load, changes)
    assert [copy.get(), copy.get()] == [1, 1]
    changes.bump()  # a save in this process
    assert [copy.get(), copy.get()] == [2, 2]


def test_a_copy_older_than_its_ttl_reads_again(monkeypatch: pytest.MonkeyPatch) -> None:
    load = Loader()
    copy = ProcessCopy(load, ChangeCount(), ttl=10.0)
    now = [1000.0]
    monkeypatch.setattr("soridam.lib.process_copy.time.monotonic", lambda: now[0])
    assert copy.get() == 1
    now[0] += 9.9
    assert copy.get() == 1  # another process's change is not seen yet
    now[0] += 0.2
    assert copy.get() == 2


def test_a_change_during_the_load_reads_again_on_the_next_get() -> None:
    changes = ChangeCount()
    reads = []

    def load() -> int:
        reads.append(1)
        if len(reads) == 1:
            changes.bump()  # saved while the first read ran: that read may have missed it
        return len(reads)

    copy = ProcessCopy(load, changes)
    assert copy.get() == 1
    assert copy.get() == 2
    assert copy.get() == 2


def test_forget_every_copy_drops_them_all() -> None:
    first, second = Loader(), Loader()
    copies = [ProcessCopy(first, ChangeCount()), ProcessCopy(second, ChangeCount())]
    assert [copy.get() for copy in copies] == [1, 1]
    forget_every_copy()
    assert [copy.get() for copy in copies] == [2, 2]
