"""The digest job (``sla.periodic`` schedules it). Safe to run twice or concurrently: rows are claimed."""

from __future__ import annotations

from django_tasks import task

from soridam.alerts import digest


@task()
def send_alert_digests() -> int:
    return digest.send_digests()
