"""Load at web-worker start what the first requests would otherwise load (issue 11, item 7).

A cold worker answered its first request in 10–21 s: Kiwi (about 1.5 s and 530 MB), the search index statistics,
the embedding model when enabled, and the templates were all loaded on first use, inside that request.
``soridam.wsgi`` calls ``warm_up()`` once per worker process before it serves, unless ``SORIDAM_WARMUP`` is false
(tests and benchmarks of the cold path); a task worker warms Kiwi and the triage model (``WORKER_STEPS``). A step
that fails is logged and skipped: warming must never keep a worker from serving.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from django.db import connections
from django.template.loader import get_template
from django.urls import reverse

from soridam.lib.analyser import WARM_SENTENCE
from soridam.lib.kiwi import morphemes
from soridam.search.engine import suggest

log = logging.getLogger(__name__)

# The pages every agent and customer opens first.
TEMPLATES = (
    "workspace/inbox.html",
    "workspace/case.html",
    "kb/help_home.html",
    "kb/_suggestions.html",
    "web/complaint.html",
    "web/track.html",
    "404.html",
)
# Not the query a customer types first: suggestions are cached by query, and the warm-up must not hide a slow path.
WARM_QUERY = "배송지 변경"


def _kiwi() -> None:
    morphemes(WARM_SENTENCE)


def _search_statistics() -> None:
    suggest(WARM_QUERY, kind="article", public_only=True)


def _triage_model() -> None:
    from soridam.triage.training import active_model  # scikit-learn: only the processes that triage load it

    model, _version = active_model()
    model.predict("배송이 늦어요", "주문한 상품이 일주일째 오지 않습니다")


def _templates_and_urls() -> None:
    for name in TEMPLATES:
        get_template(name)
    reverse("workspace:inbox")


# A web worker never triages (the task workers do): it does not load the triage model nor scikit-learn,
# about 120 MiB less in each (bench/stack_memory.py).
STEPS: tuple[Callable[[], None], ...] = (_kiwi, _search_statistics, _templates_and_urls)
WORKER_STEPS: tuple[Callable[[], None], ...] = (_kiwi, _triage_model)


def warm_up(steps: Sequence[Callable[[], None]] | None = None) -> float:
    """Run every step (a web worker's, unless `steps` says otherwise); returns the seconds taken."""
    started = time.perf_counter()
    for step in STEPS if steps is None else steps:
        try:
            step()
        except Exception:  # noqa: BLE001 - a cold path is slower, not broken: serve anyway
            log.warning("warm-up step failed", extra={"step": step.__name__}, exc_info=True)
    connections.close_all()  # this thread serves no request: keep no connection open for it
    seconds = time.perf_counter() - started
    log.info("web worker warmed up", extra={"seconds": round(seconds, 2)})
    return seconds
