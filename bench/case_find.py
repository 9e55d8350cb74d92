"""Finding a case by what identifies it, at 1,000,000 cases on PostgreSQL: p50/p95 of
``cases.identifiers.find_by_identifiers`` (what the workspace's find box runs first) for a Delivery agent
(their teams' cases) and for the admin, by reference (whole and short), order number (whole and prefix),
customer e-mail and phone (three formats), each beside a baseline in the same run: the same question asked
the obvious way, with lookups no index serves (``endswith``, ``icontains``, ``iexact``, digits ``contains``).
Then the same queries over HTTP, as the find box sends them to ``/workspace/search/`` (identifiers, then the
full-text engine), under granian, logged in as ``minji`` and ``admin``.

The first run builds the million cases (bench.common.ensure_million, shared with inbox.py) and the case index
(as bench/case_search.py does); later runs reuse both.

    .venv/bin/python bench/case_find.py [--repeat 3] [--database-url postgres://…/soridam_bench]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.case_search import build_index  # noqa: E402
from bench.common import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    DEMO_PASSWORDS,
    bench_env,
    ensure_million,
    login,
    machine_note,
    ms,
    percentile,
    served,
    table,
)

SAMPLE = 20  # cases drawn per caller; every kind of query is asked about each
BASELINE_SAMPLE = 3  # the baseline reads the whole table per query: a few are enough


def sample_cases(visible: Any, count: int, seed: int) -> list[Any]:
    """Cases this caller may see, spread over the whole id range, with an order number and a phone."""
    from django.db.models import Max

    rng = random.Random(seed)  # noqa: S311 - picking benchmark rows, not secrets
    top = visible.aggregate(top=Max("pk"))["top"] or 0
    picked: list[Any] = []
    while len(picked) < count:
        ids = rng.sample(range(1, top + 1), 400)
        rows = visible.filter(pk__in=ids).exclude(order_number="").exclude(customer__phone="")
        picked += list(rows.select_related("customer")[: count - len(picked)])
    return picked


def queries(cases: list[Any]) -> dict[str, list[str]]:
    """What agents type, per kind, for the sampled cases."""

    def phone_dashed(phone: str) -> str:
        return f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"

    return {
        "reference": [case.reference for case in cases],
        "reference, number only": [case.reference.rsplit("-", 1)[1] for case in cases],
        "order number": [case.order_number for case in cases],
        "order number prefix": [case.order_number[:8] for case in cases],
        "e-mail (any case)": [case.customer.email.upper() for case in cases],
        "phone 01012345678": [case.customer.phone for case in cases],
        "phone 010-1234-5678": [phone_dashed(case.customer.phone) for case in cases],
        "phone +82 10-1234-5678": ["+82 " + phone_dashed(case.customer.phone)[1:] for case in cases],
    }


def baseline_lookup(kind: str) -> Callable[[str, Any], list[Any]]:
    """The same question asked without the canonical forms and their indexes."""

    def digits(text: str) -> str:
        return "".join(ch for ch in text if ch.isdigit())

    lookups: dict[str, Callable[[str, Any], Any]] = {
        "reference": lambda q, cases: cases.filter(reference__iexact=q),
        "reference, number only": lambda q, cases: cases.filter(reference__endswith="-" + q),
        "order number": lambda q, cases: cases.filter(order_number__icontains=q),
        "order number prefix": lambda q, cases: cases.filter(order_number__icontains=q),
        "e-mail (any case)": lambda q, cases: cases.filter(customer__email__iexact=q),
    }
    lookup = lookups.get(kind, lambda q, cases: cases.filter(customer__phone__contains=digits(q)[-8:]))
    return lambda q, cases: list(lookup(q, cases).order_by("-created_at")[:50])


def timed(run: Callable[[], list[Any]]) -> tuple[float, int]:
    started = time.perf_counter()
    found = len(run())
    return time.perf_counter() - started, found


def measure_caller(label: str, user: Any, asked: dict[str, list[str]], repeat: int) -> list[list[object]]:
    from soridam.cases.access import cases_visible_to
    from soridam.cases.identifiers import find_by_identifiers

    rows: list[list[object]] = []
    for kind, typed in asked.items():
        timings, missed = [], 0
        for _ in range(repeat):
            for query in typed:
                seconds, found = timed(lambda q=query: find_by_identifiers(q, cases_visible_to(user)).cases)
                timings.append(seconds)
                missed += found == 0
        naive = baseline_lookup(kind)
        base = [timed(lambda q=q, naive=naive: naive(q, cases_visible_to(user)))[0] for q in typed[:BASELINE_SAMPLE]]
        rows.append(
            [
                label,
                kind,
                len(timings),
                missed,
                ms(percentile(timings, 0.5)),
                ms(percentile(timings, 0.95)),
                ms(percentile(base, 0.5)),
                ms(max(base)),
            ]
        )
    return rows


CALLERS = (("agent minji (Delivery)", "minji"), ("admin (all cases)", "admin"))


def asked_per_caller() -> dict[str, dict[str, list[str]]]:
    """The queries each demo login asks about its own cases, drawn once for both measurements."""
    from soridam.accounts.models import User
    from soridam.cases.access import cases_visible_to

    asked = {}
    for _label, username in CALLERS:
        user = User.objects.get(username=username)
        asked[username] = queries(sample_cases(cases_visible_to(user), SAMPLE, seed=user.pk))
    return asked


def measure(asked: dict[str, dict[str, list[str]]], repeat: int) -> list[list[object]]:
    from soridam.accounts.models import User
    from soridam.cases.access import cases_visible_to
    from soridam.cases.identifiers import find_by_identifiers

    rows: list[list[object]] = []
    for label, username in CALLERS:
        user = User.objects.get(username=username)
        find_by_identifiers("C-2026-000001", cases_visible_to(user))  # warm the connection
        rows += measure_caller(label, user, asked[username], repeat)
    return rows


def measure_http(database_url: str, asked: dict[str, dict[str, list[str]]]) -> list[list[object]]:
    """The find box as the agent uses it: GET /workspace/search/?q=… (a reference answers 302 to the case)."""
    rows: list[list[object]] = []
    with served(bench_env(database_url)) as port:
        for label, username in CALLERS:
            client = login(port, username, DEMO_PASSWORDS[username])
            client.get("/workspace/search/?" + urlencode({"q": "배송"}))  # warm: Kiwi and the index statistics
            for kind, typed in asked[username].items():
                answers = [client.get("/workspace/search/?" + urlencode({"q": query})) for query in typed]
                statuses = "/".join(sorted({str(answer.status) for answer in answers}))
                seconds = [answer.seconds for answer in answers]
                rows.append(
                    [label, kind, len(answers), statuses, ms(percentile(seconds, 0.5)), ms(percentile(seconds, 0.95))]
                )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    note = ensure_million(args.database_url)
    index_note = build_index(args.database_url)  # the words half of the find box needs the case index
    os.environ.update(DATABASE_URL=args.database_url, DJANGO_SETTINGS_MODULE="soridam.settings", LOG_LEVEL="WARNING")
    import django

    django.setup()
    print(f"cases: {note}; {index_note}; {machine_note()}")
    asked = asked_per_caller()
    headers = ["caller", "query", "searches", "not found", "p50 ms", "p95 ms", "baseline p50 ms", "baseline max ms"]
    print(table(headers, measure(asked, args.repeat)))
    print()
    print(table(["caller", "query", "requests", "status", "p50 ms", "p95 ms"], measure_http(args.database_url, asked)))


if __name__ == "__main__":
    main()
