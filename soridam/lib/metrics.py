"""Prometheus metrics: request latency, and the task queue's depth and age (R-OPS-5)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from django.http import HttpRequest, HttpResponse
from prometheus_client import REGISTRY, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REQUEST_LATENCY = Histogram(
    "soridam_http_request_seconds",
    "Time to answer an HTTP request, by route and status class.",
    ["route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None else "unmatched"
        REQUEST_LATENCY.labels(route=route, status=f"{response.status_code // 100}xx").observe(
            time.perf_counter() - started
        )
        return response


class TaskQueueCollector(Collector):
    """Reads the database task queue at scrape time, so the numbers are never stale."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db.models import Count, Min
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        depth = GaugeMetricFamily("soridam_task_queue_depth", "Tasks waiting to run, by status.", labels=["status"])
        age = GaugeMetricFamily("soridam_task_queue_oldest_seconds", "Age of the oldest task still waiting.")
        rows = DBTaskResult.objects.values("status").annotate(count=Count("id"), oldest=Min("enqueued_at"))
        oldest_ready = 0.0
        for row in rows:
            depth.add_metric([row["status"]], row["count"])
            if row["status"] == "READY" and row["oldest"] is not None:
                oldest_ready = (timezone.now() - row["oldest"]).total_seconds()
        age.add_metric([], oldest_ready)
        yield depth
        yield age


_registered = False


def register_collectors() -> None:
    global _registered  # noqa: PLW0603 - registered once per process
    if not _registered:
        REGISTRY.register(TaskQueueCollector())
        _registered = True
