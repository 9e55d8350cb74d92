"""Korean full-text case search at 1,000,000 cases on PostgreSQL: p50/p95 of ``engine.search_cases`` for a
Delivery agent (their teams' cases) and for the admin (every case), common and rare words, whole and typed.

The first run builds the million cases (bench.common.ensure_million, shared with inbox.py) and the case index
with ``manage.py reindex --kind case``, which analyses each distinct text once.

    .venv/bin/python bench/case_search.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    bench_env,
    ensure_million,
    manage,
    ms,
    percentile,
    sql_value,
    table,
)

# What agents type into a case search box: whole words, two-word phrases, and a word still being typed.
QUERIES = [
    "배송",
    "환불",
    "배송 지연",
    "결제 오류",
    "교환 신청",
    "주소 변경",
    "반품 택배비",
    "카드 취소",
    "비밀번호",
    "쿠폰",
    "파손",
    "배송지 변",
    "환불 계",
    "refund",
]


def _vacuum(database_url: str) -> None:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE search_searchdocument")


def build_index(database_url: str) -> str:
    cases = sql_value(database_url, "SELECT count(*) FROM cases_case")
    indexed = sql_value(database_url, "SELECT count(*) FROM search_searchdocument WHERE kind = 'case'")
    if indexed >= cases:
        return f"case index reused ({indexed} documents)"
    started = time.perf_counter()
    manage(bench_env(database_url), "reindex", "--kind", "case")
    _vacuum(database_url)
    return f"case index built in {time.perf_counter() - started:.0f} s ({cases} cases)"


def measure(repeat: int) -> list[list[object]]:
    from soridam.accounts.access import team_ids_of
    from soridam.accounts.models import Role, User
    from soridam.cases.access import cases_visible_to
    from soridam.search.engine import search_cases

    agent = User.objects.filter(role=Role.AGENT, teams__isnull=False).order_by("pk").first()
    admin = User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    rows: list[list[object]] = []
    for label, user in (("agent (own teams)", agent), ("admin (all cases)", admin)):
        if user is None:
            continue
        # As the workspace passes them: the teams whose cases the agent may see (and no team), none for an admin.
        teams = None if user.is_admin_role else [*team_ids_of(user), None]
        search_cases("배송", cases_visible_to(user), teams=teams)  # warm: Kiwi loads once per process
        timings, found = [], 0
        for _ in range(repeat):
            for query in QUERIES:
                started = time.perf_counter()
                found += len(search_cases(query, cases_visible_to(user), teams=teams))
                timings.append(time.perf_counter() - started)
        rows.append([label, len(timings), found // repeat, ms(percentile(timings, 0.5)), ms(percentile(timings, 0.95))])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    note = ensure_million(args.database_url)
    index_note = build_index(args.database_url)
    os.environ.update(DATABASE_URL=args.database_url, DJANGO_SETTINGS_MODULE="soridam.settings", LOG_LEVEL="WARNING")
    import django

    django.setup()
    print(f"cases: {note}; {index_note}")
    print(table(["caller", "searches", "hits per round", "p50", "p95"], measure(args.repeat)))


if __name__ == "__main__":
    main()
