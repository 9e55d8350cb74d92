"""django-tasks-db's ``db_worker`` with a heartbeat, batches (``workers.worker``) and recovery of dead workers' tasks.

This app is listed before ``django_tasks_db`` in INSTALLED_APPS, so ``manage.py db_worker`` is this one.
Several can run at once against one database (``make run`` starts a pool): rows are claimed with
``SELECT … FOR UPDATE SKIP LOCKED``, so no two workers take the same task.
"""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from soridam.lib.statistics import StatisticsKeeper
from soridam.sla.periodic import SchedulerThread
from soridam.warmup import WORKER_STEPS, warm_up
from soridam.workers.heartbeat import Heartbeat
from soridam.workers.recovery import requeue_stale_tasks
from soridam.workers.worker import BatchWorker, CustomerLane

CUSTOMER_LANE_INTERVAL = 0.2  # seconds between polls of an idle lane: an acknowledgement leaves within it
CUSTOMER_LANE_STOP_SECONDS = 6.0  # under the supervisor's 8 s, after which it kills the process


class Command(DatabaseWorkerCommand):
    help = "Run a database task worker; tasks left RUNNING by a dead worker are queued again"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--min-priority",
            type=int,
            default=None,
            help="Serve only tasks of at least this priority (50: customer mail, a worker no batch can hold up)",
        )
        parser.add_argument(
            "--scheduler",
            action="store_true",
            help="Also enqueue the periodic jobs from a thread, as manage.py scheduler does (one process fewer)",
        )
        parser.add_argument(
            "--customer-lane",
            action="store_true",
            help="Also serve customer mail and chat from a thread that no batch can hold up (one process fewer)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = BatchWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=str(options["worker_id"]),
            excluded_queue_names=excluded,
        )
        worker.min_priority = options["min_priority"]
        reloading = options["reload"] and not options["batch"]
        if not reloading:
            # Before anything slow: a SIGTERM during the warm-up (seconds on a busy machine) must still run the
            # ``finally`` below, or the worker dies with its heartbeat row left behind, as if it had crashed.
            worker.configure_signals()
        heartbeat = Heartbeat(worker.worker_id)
        statistics = StatisticsKeeper()
        scheduler = SchedulerThread() if options["scheduler"] else None
        lane = CustomerLane(worker, CUSTOMER_LANE_INTERVAL) if options["customer_lane"] else None
        try:
            requeue_stale_tasks()
            heartbeat.start()
            statistics.start()
            if scheduler is not None:
                scheduler.start()
            if lane is not None:
                lane.start()
            if worker.min_priority is None:
                # Kiwi and the triage model before the first claim: loading them holds the interpreter for
                # seconds, which would silence the heartbeat while this worker held a batch (and get it requeued).
                # A mail-only worker needs neither (and saves their memory).
                warm_up(WORKER_STEPS)
            if reloading:
                if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                    worker.configure_signals()  # only in the child that runs tasks
                run_with_reloader(worker.run)
            else:
                worker.run()
        finally:
            if lane is not None and lane.is_alive():
                lane.stop(CUSTOMER_LANE_STOP_SECONDS)
            heartbeat.stop()
            statistics.stop()
            if scheduler is not None:
                scheduler.stop()
