"""Evaluate suggestions on a labelled set (kb.jsonl and queries.jsonl, the format of ko-cs-dev)."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.db import transaction

from soridam.lib.jsonl import read_jsonl

from .engine import Document, index_documents, suggest
from .indexing import clear
from .retrieval import forget_vectors

EVAL_KIND = "eval"  # its own slice of the index, inside a transaction that is rolled back
DEPTH = 10


def evaluate(kb_path: Path, queries_path: Path) -> dict[str, Any]:
    return evaluate_items(read_jsonl(kb_path), read_jsonl(queries_path))


def evaluate_items(articles: list[dict[str, Any]], queries: list[dict[str, Any]]) -> dict[str, Any]:
    """Articles ``{id, title, body}`` and queries ``{query, kind, relevant}``, in a rolled-back index."""
    keys = {article["id"]: number for number, article in enumerate(articles, 1)}
    forget_vectors(EVAL_KIND)
    with transaction.atomic():
        clear(EVAL_KIND)
        index_documents(
            Document(
                kind=EVAL_KIND, key=keys[a["id"]], title=a["title"], body=a["body"], language=a.get("language", "ko")
            )
            for a in articles
        )
        outcomes, timings = _run(queries, keys)
        transaction.set_rollback(True)
    forget_vectors(EVAL_KIND)
    return summarise(outcomes, timings)


def _run(queries: list[dict[str, Any]], keys: dict[str, int]) -> tuple[list[tuple[str, int | None]], list[float]]:
    outcomes: list[tuple[str, int | None]] = []
    timings: list[float] = []
    for item in queries:
        started = time.perf_counter()
        hits = suggest(item["query"], kind=EVAL_KIND, public_only=True, limit=DEPTH)
        timings.append((time.perf_counter() - started) * 1000)
        relevant = {keys[r] for r in item["relevant"] if r in keys}
        rank = next((position for position, hit in enumerate(hits, 1) if hit.key in relevant), None)
        outcomes.append((item.get("kind", "all"), rank))
    return outcomes, timings


def _metrics(ranks: list[int | None]) -> dict[str, float | int]:
    n = len(ranks)
    return {
        "n": n,
        "top1": round(sum(1 for r in ranks if r == 1) / n, 4) if n else 0.0,
        "top3": round(sum(1 for r in ranks if r is not None and r <= 3) / n, 4) if n else 0.0,
        "mrr": round(sum(1 / r for r in ranks if r is not None) / n, 4) if n else 0.0,
    }


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def summarise(outcomes: list[tuple[str, int | None]], timings: list[float]) -> dict[str, Any]:
    by_kind: dict[str, list[int | None]] = defaultdict(list)
    for kind, rank in outcomes:
        by_kind[kind].append(rank)
    return {
        "by_kind": {kind: _metrics(ranks) for kind, ranks in by_kind.items()},
        "overall": _metrics([rank for _, rank in outcomes]),
        "p99_ms": round(percentile(timings, 0.99), 2),
    }
