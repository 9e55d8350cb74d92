"""Delivery tasks: one per outbox row after commit, and a periodic sweep for rows whose task was lost."""

from __future__ import annotations

from django_tasks import task

from soridam.lib import jobs
from soridam.notifications import delivery

# Customer-facing mail (an acknowledgement above all) goes before triage, routing and indexing: the worker
# takes the highest priority first (django_tasks_db orders ready rows by priority, then age), so a new
# complaint's acknowledgement does not wait behind a backlog such as the demo seed's.
CUSTOMER_MAIL_PRIORITY = jobs.CUSTOMER


@task(priority=CUSTOMER_MAIL_PRIORITY)
def deliver_outbound(outbound_id: int) -> str:
    """Deliver one outbox row (see ``delivery.deliver``); schedule its retry when the backend can defer.
    A backend that cannot (the immediate one in tests) leaves the row to the sweep."""
    outcome = delivery.deliver(outbound_id)
    if outcome.retry_at is not None and deliver_outbound.get_backend().supports_defer:
        deliver_outbound.using(run_after=outcome.retry_at).enqueue(outbound_id)
    return outcome.state


# Task rows queued before the outbox covered every channel name this path; they run the same delivery.
deliver_email = deliver_outbound


@task(priority=jobs.CUSTOMER)
def sweep_outbox() -> int:
    """Enqueue a delivery for each row whose task was lost (a worker killed mid-send, a task row gone):
    delivery never depends on one task row surviving. Claiming keeps a duplicate task harmless."""
    delivery.fail_abandoned()
    due = delivery.due_ids()
    for outbound_id in due:
        deliver_outbound.enqueue(outbound_id)
    return len(due)
