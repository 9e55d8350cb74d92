"""Work done ahead in a forked process, so that making rows and storing them use both cores.

``generate_cases`` spends as much CPU composing and encoding rows as PostgreSQL spends storing them. In one
process the two take turns; here a child makes batch N+1 (and N+2) while the parent streams batch N to the
server. The child is a fork: it starts with the parent's state (the seeded generator, the adapters) and never
talks to the database. Jobs go in through a queue, whose feeder thread never blocks the parent; results come
back in order through a pipe, as bytes (pickling rows of datetimes costs more than making them).
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

# How long the parent waits for the child to leave after the last job before killing it.
EXIT_SECONDS = 30


class ProducerFailed(RuntimeError):
    """The child process raised or died; its traceback is the message."""


class Producer:
    """Runs ``work(job)`` in a forked process for each submitted job, in the order submitted (``start()`` first,
    once, in that process)."""

    def __init__(self, work: Callable[[Any], list[bytes]], *, start: Callable[[], None] = lambda: None) -> None:
        context = multiprocessing.get_context("fork")
        self._jobs = context.Queue()
        self._results, child_end = context.Pipe(duplex=False)
        self._process = context.Process(target=_serve, args=(start, work, self._jobs, child_end), daemon=True)
        self._child_end = child_end

    def __enter__(self) -> Producer:
        self._process.start()
        # Only the child writes results: with the parent's copy closed, its death reads as end of file here.
        self._child_end.close()
        return self

    def submit(self, job: Any) -> None:
        self._jobs.put(job)

    def result(self) -> list[bytes]:
        try:
            parts: list[bytes] | str = self._results.recv()
        except EOFError:
            self._process.join(EXIT_SECONDS)
            raise ProducerFailed(f"the producer process ended with exit code {self._process.exitcode}") from None
        if isinstance(parts, str):
            raise ProducerFailed(parts)
        return parts

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is None and self._process.is_alive():
            self._jobs.put(None)
            self._process.join(EXIT_SECONDS)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._jobs.close()
        self._jobs.join_thread()
        self._results.close()


def _serve(start: Callable[[], None], work: Callable[[Any], list[bytes]], jobs: Any, results: Connection) -> None:
    start()
    while (job := jobs.get()) is not None:
        try:
            parts = work(job)
        except Exception:  # noqa: BLE001 - sent to the parent, which raises it with this traceback
            results.send(traceback.format_exc())
            return
        results.send(parts)
