"""The inbox's view counts at 1,000,000 cases, in process: what the one count query costs, p50/p95.

    .venv/bin/python bench/inbox_counts.py [--repeat 60]

Uses the database ``bench/inbox.py`` fills (DATABASE_URL / --database-url, default soridam_bench; run
inbox.py first). For the agent minji (Delivery) and the admin it times, each ``--repeat`` times:
- the capped counts of the five built-in views, one query (``workspace.inbox_views``, cap 1,000);
- the same query with the partial index ``case_active_scope`` dropped inside a transaction that is rolled back
  (what the counts cost without it);
- exact ``COUNT(*)`` of the same five views, one query each (what an uncapped badge would cost);
- the first inbox page (``workspace.inbox.inbox_page``), for scale.
Times are wall-clock around the database call, measured on one warm connection, so they are less
sensitive to a busy machine than the HTTP benchmark.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DEFAULT_DATABASE_URL, ROOT, machine_note, ms, percentile, table  # noqa: E402


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    action()  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--repeat", type=int, default=60)
    args = parser.parse_args()
    os.environ.update(DATABASE_URL=args.database_url, DJANGO_SETTINGS_MODULE="soridam.settings")
    os.environ.setdefault("SORIDAM_WARMUP", "false")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, transaction

    from soridam.accounts.models import User
    from soridam.cases.models import Case, Category
    from soridam.lib.counts import capped_counts
    from soridam.workspace.inbox import VIEWS, InboxQuery, inbox_cases, inbox_page
    from soridam.workspace.inbox_views import COUNT_CAP

    rows: list[list[object]] = []
    total = Case.objects.count()
    for username in ("minji", "admin"):
        user = User.objects.get(username=username)
        list(Category.objects.all())
        querysets = [inbox_cases(user, InboxQuery(view=view)) for view in VIEWS]
        counts = capped_counts(querysets, COUNT_CAP)
        shown = ", ".join(f"{view} {count}" for view, count in zip(VIEWS, counts, strict=True))

        def capped(querysets: list[object] = querysets) -> object:
            return capped_counts(querysets, COUNT_CAP)  # type: ignore[arg-type]

        def exact(querysets: list[object] = querysets) -> object:
            return [queryset.count() for queryset in querysets]  # type: ignore[attr-defined]

        def without_index() -> list[float]:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("DROP INDEX case_active_scope")
                result = timed(capped, args.repeat)
                transaction.set_rollback(True)
            return result

        for what, times in (
            ("capped counts, 5 views, 1 query", timed(capped, args.repeat)),
            ("same, without case_active_scope", without_index()),
            ("exact COUNT(*), 5 queries", timed(exact, args.repeat)),
            ("inbox first page (for scale)", timed(lambda user=user: inbox_page(user, InboxQuery()), args.repeat)),
        ):
            rows.append([what, username, len(times), ms(percentile(times, 0.5)), ms(percentile(times, 0.95))])
        rows.append([f"(counts shown: {shown})", username, "", "", ""])
    print(f"\n## Inbox view counts at {total:,} cases ({time.strftime('%Y-%m-%d')})\n")
    print(table(["what", "user", "runs", "p50 ms", "p95 ms"], rows))
    print(f"\n{machine_note()}")


if __name__ == "__main__":
    main()
