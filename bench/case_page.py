"""Case page benchmark: /workspace/cases/<id>/, its 360 panel and GET /api/v1/cases/{id}, ~10 messages, p95.

    .venv/bin/python bench/case_page.py [--fresh] [--cases 20] [--repeat 10] [--baseline-tree DIR]

Uses the 1M-case PostgreSQL database of bench/inbox.py (building it when missing). It picks open cases
of the Delivery team and tops each up to 10 messages through the actions layer (customer messages,
replies and notes, so the timeline and audit rows are real), then times the pages for the team's
agent (minji) and for the admin, over HTTP against granian WSGI.

With ``--baseline-tree`` (a source tree of the baseline, e.g. ``git archive main | tar -x -C /tmp/base`` with a
``.venv`` link) both trees are served at once against the same database and each round times the baseline and
this tree one after the other, alternating which goes first: on a shared machine only such a same-run
comparison means anything.
"""

from __future__ import annotations

import argparse
import http.client
import os
import sys
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402 - after the path tweak above
    DEFAULT_DATABASE_URL,
    DEMO_PASSWORDS,
    ROOT,
    Client,
    bench_env,
    count_cases,
    ensure_million,
    issue_token,
    login,
    machine_note,
    ms,
    percentile,
    served,
    table,
)

MESSAGES = 10


def prepare_cases(database_url: str, count: int) -> list[int]:
    """Ids of ``count`` open Delivery cases with at least MESSAGES messages, written through the actions layer."""
    os.environ.update(bench_env(database_url))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soridam.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import transaction
    from django.db.models import Count

    from soridam.accounts.models import User
    from soridam.audit.actors import Actor
    from soridam.cases import actions
    from soridam.cases.access import access_case
    from soridam.cases.models import Case

    agent = User.objects.get(username="minji")
    cases = (
        Case.objects.filter(team__slug="delivery", status="open")
        .annotate(messages_count=Count("messages"))
        .order_by("-messages_count", "-id")
    )
    chosen = list(cases.values_list("id", "messages_count")[:count])
    for case_id, messages_count in chosen:
        for index in range(messages_count, MESSAGES):
            with transaction.atomic():
                case = access_case(agent, case_id, for_update=True)
                if index % 3 == 0:
                    actions.receive_customer_message(
                        case,
                        f"추가 문의 {index}: 아직 답을 못 받았어요.",
                        actor=Actor(customer=case.customer),
                        channel="web",
                    )
                elif index % 3 == 1:
                    actions.reply(case, f"답변 {index}: 확인 중입니다. 조금만 기다려 주세요.", actor=Actor(user=agent))
                else:
                    actions.add_note(case, f"메모 {index}: 택배사 회신 대기.", actor=Actor(user=agent))
    return [case_id for case_id, _count in chosen]


def timed(client: Client, paths: list[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        for path in paths:
            try:
                answer = client.get(path)
            except http.client.RemoteDisconnected:
                # The server closed an idle kept-alive connection (the other tree's turn was long): ask again.
                answer = client.get(path)
            if answer.status != 200:
                raise SystemExit(f"GET {path} answered {answer.status}")
            times.append(answer.seconds)
    return times


def row(what: str, user: str, times: list[float], tree: str = "") -> list[object]:
    label = f"{what} ({tree})" if tree else what
    return [label, user, len(times), ms(percentile(times, 0.5)), ms(percentile(times, 0.95)), ms(max(times))]


# (label, path, which client: 0 the signed-in session, 1 the API token). The customer 360 panel loads after the
# page (htmx) since issue 13 §3: its own request, timed beside the page so its cost is not hidden. A tree
# without it (a baseline from before) has the panel inside the page and gets no row for it.
ENDPOINTS = (
    ("workspace /workspace/cases/<id>/", "/workspace/cases/{}/", 0),
    ("its 360 panel /workspace/cases/<id>/customer/", "/workspace/cases/{}/customer/", 0),
    ("API GET /api/v1/cases/{id}", "/api/v1/cases/{}", 1),
)


def clients(env: dict[str, str], port: int, username: str) -> tuple[Client, Client]:
    session = login(port, username, DEMO_PASSWORDS[username])
    return session, Client(port, headers={"Authorization": f"Bearer {issue_token(env, username)}"})


def measure(env: dict[str, str], ports: dict[str, int], case_ids: list[int], repeat: int) -> list[list[object]]:
    """Per user and endpoint, each tree's timings; with two trees the rounds alternate between them."""
    rows = []
    trees = list(ports)
    for username in ("minji", "admin"):
        by_tree = {tree: clients(env, port, username) for tree, port in ports.items()}
        for what, prefix, index in ENDPOINTS:
            paths = [prefix.format(case_id) for case_id in case_ids]
            serving = [tree for tree in trees if by_tree[tree][index].get(paths[0]).status != 404]
            times: dict[str, list[float]] = {tree: [] for tree in serving}
            for tree in serving:
                timed(by_tree[tree][index], paths, 1)  # warm-up
            for round_ in range(repeat):
                order = serving if round_ % 2 == 0 else serving[::-1]
                for tree in order:
                    times[tree] += timed(by_tree[tree][index], paths, 1)
            label = len(trees) > 1
            rows += [row(what, username, times[tree], tree if label else "") for tree in serving]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--fresh", action="store_true", help="drop the database and generate the 1M cases again")
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=10, help="rounds over all the chosen cases")
    parser.add_argument("--baseline-tree", type=Path, help="a source tree of the baseline, served beside this one")
    args = parser.parse_args()

    ensure_million(args.database_url, fresh=args.fresh)
    case_ids = prepare_cases(args.database_url, args.cases)
    # As `make run` serves it: the admin's pages would otherwise be the second factor's form.
    env = bench_env(args.database_url, SORIDAM_REQUIRE_2FA="false")
    with ExitStack() as stack:
        ports = {}
        if args.baseline_tree:
            ports["baseline"] = stack.enter_context(served(env, workers=1, threads=1, tree=args.baseline_tree))
        ports["this tree" if args.baseline_tree else ""] = stack.enter_context(served(env, workers=1, threads=1))
        rows = measure(env, ports, case_ids, args.repeat)
    print(f"\n## Case page at {count_cases(args.database_url):,} cases ({time.strftime('%Y-%m-%d')})\n")
    print(f"{len(case_ids)} open Delivery cases with {MESSAGES} or more messages each.\n")
    print(table(["endpoint", "user", "requests", "p50 ms", "p95 ms", "max ms"], rows))
    print(f"\n{machine_note()}, {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
