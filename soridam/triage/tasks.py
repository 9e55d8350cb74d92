"""Triage jobs. Each reloads state by id and is safe to run twice.

The web and the scheduler import this module to enqueue (``lib.jobs.enqueue_job_on_commit``), never to run:
the model and scikit-learn are imported inside the jobs, so only a task worker loads them (about 110 MiB).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db import DatabaseError
from django_tasks import task

from soridam.lib import jobs
from soridam.lib.jobs import enqueue_on_commit
from soridam.orders.models import Shop
from soridam.routing.tasks import route_case, route_cases

logger = logging.getLogger(__name__)

# The orders a new case names are linked once it is triaged (orders/tasks.py): named, since tasks never
# import each other's modules (README, "Layers").
LINK_ORDERS = "soridam.orders.tasks.link_case_orders"


@task(priority=jobs.CASE_FLOW)
def triage_case(case_id: int) -> bool:
    """Classify a new case, then route it (routing now knows its category and priority)."""
    from soridam.triage.triage import triage

    prediction = triage(case_id)
    _route([case_id])
    if _shops_connected():
        jobs.enqueue_job_on_commit(LINK_ORDERS, case_id)
    return prediction is not None


@jobs.batch_of(triage_case)
def triage_cases(case_ids: Sequence[int]) -> int:
    """A batch of ``triage_case`` rows: one vectorisation, then the triaged cases routed in one pass."""
    from soridam.triage.triage import triage_many

    done = triage_many(case_ids)
    _route(done)
    if _shops_connected():
        with jobs.batched():
            for case_id in done:
                jobs.enqueue_job_on_commit(LINK_ORDERS, case_id)
    return len(done)


def _route(case_ids: Sequence[int]) -> None:
    """Route the triaged cases here, after triage committed: a ``route_case`` row of their own cost a claim,
    a record and a routing pass of one case each. Routing is its own transaction, so a failure leaves
    triage done: the cases then get the ``route_case`` rows they had before, to be retried alone."""
    try:
        route_cases(case_ids)
    except DatabaseError:
        logger.exception("routing after triage failed; queueing route_case rows for %d cases", len(case_ids))
        with jobs.batched():
            for case_id in case_ids:
                enqueue_on_commit(route_case, case_id)


@task(priority=jobs.BACKGROUND)
def retrain() -> int | None:
    """Scheduled: learn from agents' corrections; returns the candidate version's id (active or not), None
    when there were too few labels to train one."""
    from soridam.triage import training

    return training.retrain().candidate_id


def _shops_connected() -> bool:
    """A task per case is worth queueing only where a shop is connected (most help desks have none)."""
    return Shop.objects.filter(active=True).exists()
