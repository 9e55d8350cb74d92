"""What the fault suite prints about each mail the SMTP sink received more than once (``bench/faults.py``).

A duplicate is never only counted: its outbox row (attempts, state, error), the delivery task rows that named
it (which workers ran them, when) and the suite's faults around the two receptions are printed, so the
mechanism behind it can be read off the run instead of guessed.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any, Protocol


class Rows(Protocol):
    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]: ...


def _at(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%H:%M:%S.%f")[:-3]


def _stamp(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%H:%M:%S.%f")[:-3] if value else "-"


def duplicates(database: Rows, received: list[tuple[str, float]], events: list[tuple[float, str]]) -> str:
    """For each Message-ID received twice: when, its row, its delivery tasks and the faults within 30 s."""
    counts = Counter(message_id for message_id, _at_time in received)
    lines = []
    for message_id in sorted(message_id for message_id, n in counts.items() if n > 1):
        times = [at for seen, at in received if seen == message_id]
        lines.append(f"Message-ID {message_id} received at " + ", ".join(_at(at) for at in times))
        row = database.rows(
            "SELECT id, case_id, kind, state, attempts, created_at, sent_at, lease_until, last_error "
            "FROM notifications_outboundmessage WHERE external_id = %s",
            (message_id,),
        )
        for pk, case_id, kind, state, attempts, created, sent, lease, error in row:
            lines.append(
                f"  row {pk} (case {case_id}, {kind}): {state} after {attempts} attempts; created {_stamp(created)}, "
                f"sent {_stamp(sent)}, lease until {_stamp(lease)}; last error {error!r}"
            )
            lines += [f"  task {line}" for line in _tasks(database, pk)]
        near = [f"{_at(at)} {name}" for at, name in events if min(abs(at - t) for t in times) < 30]
        lines.append("  faults within 30 s: " + ("; ".join(near) or "none"))
    return "\n".join(lines)


def _tasks(database: Rows, outbound_id: int) -> list[str]:
    tasks = database.rows(
        "SELECT status, worker_ids, enqueued_at, run_after, started_at, finished_at, exception_class_path "
        "FROM django_tasks_database_dbtaskresult WHERE task_path LIKE %s AND args_kwargs -> 'args' ->> 0 = %s "
        "ORDER BY enqueued_at",
        ("%deliver_outbound", str(outbound_id)),
    )
    return [
        f"{status} workers {workers}: enqueued {_stamp(enqueued)}, run after {_stamp(after)}, "
        f"started {_stamp(started)}, finished {_stamp(finished)} {failure}"
        for status, workers, enqueued, after, started, finished, failure in tasks
    ]
