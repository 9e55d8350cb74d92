"""Jobs that run on a schedule. ``manage.py scheduler`` enqueues each one when it is due.

Each job has a row (``sla.PeriodicRun``) that the scheduler locks with ``SELECT … FOR UPDATE SKIP LOCKED``
before it checks and moves the last-run time, so two schedulers running at once enqueue a due job once.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from soridam.lib.jobs import enqueue_on_commit, task_at
from soridam.sla.models import PeriodicRun

logger = logging.getLogger(__name__)
SCHEDULER_INTERVAL = 10.0  # seconds between checks, as manage.py scheduler's default


@dataclass(frozen=True)
class Periodic:
    name: str
    task_path: str  # dotted path to a django_tasks @task() function that takes no arguments
    every: timedelta


SCHEDULE: list[Periodic] = [
    Periodic("sla_escalations", "soridam.sla.tasks.check_escalations", timedelta(minutes=1)),
    Periodic("sla_breach_risk", "soridam.sla.tasks.refresh_breach_risk", timedelta(minutes=5)),
    Periodic("routing_fill_pool", "soridam.routing.tasks.assign_pool", timedelta(minutes=1)),
    Periodic("presence_sweep", "soridam.routing.tasks.presence_sweep", timedelta(minutes=1)),
    Periodic("fetch_mail", "soridam.channels.tasks.fetch_all_mailboxes", timedelta(minutes=1)),  # 0 mailboxes: no-op
    Periodic("triage_retrain", "soridam.triage.tasks.retrain", timedelta(hours=24)),
    Periodic("investigation_overdue", "soridam.investigations.tasks.alert_overdue_tasks", timedelta(minutes=5)),
    Periodic("rca_spikes", "soridam.rca.tasks.detect_spikes", timedelta(hours=1)),
    Periodic("rca_recurrences", "soridam.rca.tasks.match_recurrences", timedelta(minutes=10)),
    Periodic("alert_digest", "soridam.alerts.tasks.send_alert_digests", timedelta(minutes=5)),
    Periodic("outbox_sweep", "soridam.notifications.tasks.sweep_outbox", timedelta(minutes=1)),
    Periodic("requeue_stale_tasks", "soridam.workers.tasks.requeue_stale_tasks", timedelta(minutes=1)),
    Periodic("orders_sync", "soridam.orders.tasks.sync_shops", timedelta(minutes=10)),  # 0 shops: no-op
    Periodic("analytics_refresh", "soridam.analytics.tasks.refresh_rollups", timedelta(minutes=1)),
    Periodic("analytics_weekly_report", "soridam.analytics.tasks.send_weekly_reports", timedelta(hours=1)),
    Periodic("idempotency_purge", "soridam.idempotency.tasks.purge_idempotency_keys", timedelta(hours=24)),
    Periodic("access_log_purge", "soridam.privacy.tasks.purge_access_log", timedelta(hours=24)),
    Periodic("remedy_approvals_overdue", "soridam.policy.tasks.escalate_overdue_approvals", timedelta(minutes=5)),
    Periodic("remedies_stranded", "soridam.policy.tasks.execute_stranded_remedies", timedelta(minutes=1)),
]


def run_due(now: datetime | None = None, schedule: list[Periodic] | None = None) -> list[str]:
    """Enqueue every job of the schedule that is due; return the names enqueued by this call."""
    now = now or timezone.now()
    jobs = SCHEDULE if schedule is None else schedule
    PeriodicRun.objects.bulk_create([PeriodicRun(name=job.name) for job in jobs], ignore_conflicts=True)
    enqueued = []
    for job in jobs:
        with transaction.atomic():
            run = PeriodicRun.objects.select_for_update(skip_locked=True).filter(name=job.name).first()
            if run is None:  # another scheduler holds it right now
                continue
            if run.last_run_at is not None and run.last_run_at + job.every > now:
                continue
            run.last_run_at = now
            run.save(update_fields=["last_run_at"])
            enqueue_on_commit(task_at(job.task_path))
            enqueued.append(job.name)
    return enqueued


class SchedulerThread(threading.Thread):
    """``manage.py scheduler``'s loop in a thread of another process (``db_worker --scheduler``): checking the
    schedule every 10 s is a few statements, not worth a process and its 100 MiB of Django (bench/README.md).
    A failed check is logged and tried again at the next one; the thread stops with ``stop()`` or its process."""

    def __init__(self, interval: float = SCHEDULER_INTERVAL) -> None:
        super().__init__(name="scheduler", daemon=True)
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                close_old_connections()
                try:
                    run_due()
                except Exception:  # noqa: BLE001 - a database hiccup must not end scheduling for good
                    logger.exception("periodic jobs: check failed")
                self.stopping.wait(self.interval)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
