"""Intake benchmark: concurrent clients POST complaints to /api/v1/cases on the served app.

    .venv/bin/python bench/intake.py [--workers 2 3 4] [--clients 32] [--seconds 15]

Serves the app under granian WSGI on PostgreSQL (DATABASE_URL, default the soridam_bench database),
with the rate limits raised, and reports the cases stored per second (rows counted before and after)
and the p50/p99 latency for each worker count. The task worker is not started: each case's
acknowledgement e-mail is queued in the request, as in production, and sent later.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402 - after the path tweak above
    DEFAULT_DATABASE_URL,
    Client,
    bench_env,
    count_cases,
    ensure_database,
    issue_token,
    machine_note,
    manage,
    ms,
    percentile,
    served,
    table,
)

SUBJECTS = (
    ("ko", "배송이 너무 늦어요", "주문한 상품이 일주일째 오지 않습니다. 주문번호는 20261101-{n}입니다.", "delivery"),
    ("ko", "결제가 두 번 됐어요", "카드에서 같은 금액이 두 번 승인됐습니다. 확인 부탁드립니다.", "payment"),
    ("ko", "환불이 아직 안 들어왔어요", "반품 완료 후 열흘이 지났는데 환불이 되지 않았습니다.", "refund_return"),
    ("ko", "받은 상품이 불량이에요", "전원이 들어오지 않습니다. 교환 부탁드립니다.", "product"),
    ("en", "I can't log in", "It says my password is wrong, but it isn't. Order {n}.", "account"),
    ("en", "Wrong size delivered", "I ordered M and received S. Please exchange it.", "product"),
)


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, latencies: list[float], statuses: Counter[int], failures: int) -> None:
        with self.lock:
            self.latencies += latencies
            self.statuses += statuses
            self.failures += failures


def payload(rng: random.Random) -> bytes:
    language, subject, body, category = rng.choice(SUBJECTS)
    customer = rng.randrange(20_000)  # a mix of new and returning customers
    return json.dumps(
        {
            "subject": subject,
            "body": body.format(n=rng.randrange(10**7)),
            "customer": {
                "name": f"Intake {customer}",
                "email": f"intake{customer}@bench.example.org",
                "language": language,
            },
            "category": category,
        }
    ).encode()


def client_loop(port: int, token: str, deadline: float, seed: int, tally: Tally) -> None:
    client = Client(port, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    rng = random.Random(seed)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    failures = 0
    while time.perf_counter() < deadline:
        try:
            answer = client.request("POST", "/api/v1/cases", payload(rng))
        except OSError:
            failures += 1
            continue
        latencies.append(answer.seconds)
        statuses[answer.status] += 1
    tally.add(latencies, statuses, failures)


def run_load(port: int, token: str, clients: int, seconds: float) -> tuple[Tally, float, float]:
    """Run the clients for ``seconds``; returns the tally, the elapsed time and the load generator's CPU share."""
    tally = Tally()
    deadline = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=client_loop, args=(port, token, deadline, seed, tally)) for seed in range(clients)
    ]
    started, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return tally, elapsed, (time.process_time() - cpu) / elapsed


def measure(env: dict[str, str], token: str, workers: int, threads: int, args: argparse.Namespace) -> list[object]:
    with served(env, workers=workers, threads=threads or None) as port:
        run_load(port, token, args.clients, 2.0)  # warm-up: connections, imports, caches
        before = count_cases(args.database_url)
        tally, elapsed, client_cpu = run_load(port, token, args.clients, args.seconds)
        stored = count_cases(args.database_url) - before
    errors = sum(count for status, count in tally.statuses.items() if status != 201) + tally.failures
    return [
        workers,
        threads or "granian default",
        args.clients,
        f"{elapsed:.1f}",
        len(tally.latencies),
        errors,
        stored,
        f"{stored / elapsed:.0f}",
        ms(percentile(tally.latencies, 0.50)),
        ms(percentile(tally.latencies, 0.99)),
        f"{client_cpu:.0%}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 3, 4])
    parser.add_argument(
        "--threads", type=int, nargs="+", default=[1, 0], help="granian blocking threads per worker (0: its default)"
    )
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()

    ensure_database(args.database_url)
    env = bench_env(args.database_url)
    manage(env, "seed_demo", "--if-empty")
    token = issue_token(env, "admin")
    rows = [measure(env, token, workers, threads, args) for threads in args.threads for workers in args.workers]
    print(f"\n## Intake: POST /api/v1/cases ({time.strftime('%Y-%m-%d')}, {count_cases(args.database_url):,} cases)\n")
    headers = [
        "workers",
        "threads",
        "clients",
        "s",
        "requests",
        "errors",
        "cases stored",
        "cases/s",
        "p50 ms",
        "p99 ms",
        "load generator CPU",
    ]
    print(table(headers, rows))
    print(f"\n{machine_note()}")


if __name__ == "__main__":
    main()
