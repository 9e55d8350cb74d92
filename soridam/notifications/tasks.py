"""Delivery tasks: one per outbox row after commit, and a periodic sweep for rows whose task was lost."""

from __future__ import annotations

from collections.abc import Sequence

from django_tasks import task

from soridam.lib import jobs
from soridam.notifications import delivery
from soridam.notifications.models import DeliveryState

# Customer-facing mail (an acknowledgement above all) goes before triage, routing and indexing: the worker
# takes the highest priority first (django_tasks_db orders ready rows by priority, then age), so a new
# complaint's acknowledgement does not wait behind a backlog such as the demo seed's.
CUSTOMER_MAIL_PRIORITY = jobs.CUSTOMER


@task(priority=CUSTOMER_MAIL_PRIORITY)
def deliver_outbound(outbound_id: int) -> str:
    """Deliver one outbox row (see ``delivery.deliver``); schedule its retry when the backend can defer.
    A backend that cannot (the immediate one in tests) leaves the row to the sweep."""
    outcome = delivery.deliver(outbound_id)
    _retry_later(outbound_id, outcome)
    return outcome.state


@jobs.batch_of(deliver_outbound)
def deliver_outbounds(outbound_ids: Sequence[int]) -> int:
    """Queued deliveries together (``delivery.deliver_many``): one claim and one SMTP connection for the
    batch, each row still recorded on its own. Returns how many of the rows are sent (now or by an earlier run)."""
    outcomes = delivery.deliver_many(outbound_ids)
    for outbound_id, outcome in outcomes.items():
        _retry_later(outbound_id, outcome)
    return sum(outcome.state == DeliveryState.SENT for outcome in outcomes.values())


def _retry_later(outbound_id: int, outcome: delivery.Outcome) -> None:
    if outcome.retry_at is not None and deliver_outbound.get_backend().supports_defer:
        deliver_outbound.using(run_after=outcome.retry_at).enqueue(outbound_id)


# Task rows queued before the outbox covered every channel name this path; they run the same delivery.
deliver_email = deliver_outbound


@task(priority=jobs.CUSTOMER)
def sweep_outbox() -> int:
    """Enqueue a delivery for each row whose task was lost (a worker killed mid-send, a task row gone):
    delivery never depends on one task row surviving. Claiming keeps a duplicate task harmless. Rows whose
    lapsed lease cannot be claimed again are settled first (in doubt, or failed: ``delivery.settle_lapsed``)."""
    delivery.settle_lapsed()
    due = delivery.due_ids()
    for outbound_id in due:
        deliver_outbound.enqueue(outbound_id)
    return len(due)
