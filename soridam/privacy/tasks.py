"""The daily purge of access-log entries past their keeping period, run by the scheduler (sla/periodic.py)."""

from __future__ import annotations

from django_tasks import task

from soridam.privacy.access_log import purge_expired


@task()
def purge_access_log() -> int:
    return purge_expired()
