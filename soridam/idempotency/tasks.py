"""The daily clean-up of stored idempotency keys, run by the scheduler (soridam/sla/periodic.py)."""

from __future__ import annotations

from django_tasks import task

from soridam.idempotency.guard import purge_expired


@task()
def purge_idempotency_keys() -> int:
    return purge_expired()
