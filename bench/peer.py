"""Soridam against django-helpdesk 2.6.1, the same workloads on the same machine, alternating (issue 13 §5).

    .venv/bin/python bench/peer.py [--tickets 100000] [--rounds 3] [--seconds 15] [--clients 16]
    .venv/bin/python bench/peer.py --tickets 2000 --rounds 1 --seconds 5     # a quick run

The peer lives in ``bench/peer/`` (ignored by git, never a project dependency): its own virtualenv with
django-helpdesk 2.6.1, granian and psycopg from PyPI, and a minimal Django project this script writes
there. Both run on the local PostgreSQL, each in its own database (``soridam_bench_peer`` for the peer;
Soridam's is ``--database-url``, default ``soridam_bench_intake``), each topped up to ``--tickets``
tickets or cases, and each served by granian WSGI with the same worker and thread count. Soridam is
served as ``make run`` serves it (``soridam.lib.supervisor``: granian, the task worker and the
scheduler), so its background pipeline runs during the rounds; after Soridam's intake the script waits
(at most ``--drain`` seconds) for its task queue to empty before the peer's turn, so the peer is not
measured against Soridam's backlog.

Workloads, per round, Soridam first then the peer (the order flips every round):

| workload | Soridam | django-helpdesk |
|---|---|---|
| intake by API | ``POST /api/v1/cases``, bearer token | ``POST /api/tickets/`` (its DRF API; TokenAuthentication) |
| intake by form | ``POST /complaint/`` | ``POST /tickets/submit/`` (its public submit form) |
| ticket list | ``/workspace/`` (agent inbox) | ``datatables_ticket_list`` (the list page's data request) |
| search | ``/workspace/search/?q=배송`` | ``datatables_ticket_list`` with ``search[value]=배송`` |
| case view | ``/workspace/cases/<id>/`` | ``/tickets/<id>/`` |

Intake rates are rows stored per second (counted in the database before and after) with ``--clients``
keep-alive connections for ``--seconds``; reads are p95 over ``--requests`` requests from one client.
The peer sends its e-mail with Django's dummy backend (nothing sent, nothing written): the cheapest
choice for it. The printed ratio is the median of the per-round ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402 - after the path tweak above
    PYTHON,
    ROOT,
    Client,
    bench_env,
    count_cases,
    ensure_database,
    free_port,
    issue_token,
    login,
    machine_note,
    manage,
    ms,
    percentile,
    sql_value,
    stop_group,
    table,
)

PEER_DIR = ROOT / "bench" / "peer"
PEER_VENV = PEER_DIR / "venv"
PEER_PYTHON = str(PEER_VENV / "bin" / "python")
PEER_GRANIAN = str(PEER_VENV / "bin" / "granian")
PEER_PROJECT = PEER_DIR / "project"
PEER_REQUIREMENTS = ("django-helpdesk==2.6.1", "granian", "psycopg[binary]")
DEFAULT_SORIDAM_URL = "postgres://postgres@127.0.0.1:5432/soridam_bench_intake"
DEFAULT_PEER_URL = "postgres://postgres@127.0.0.1:5432/soridam_bench_peer"
PEER_PASSWORD = "peer-admin-password"  # noqa: S105 - a local benchmark account on 127.0.0.1
SEARCH_WORD = "배송"

SUBJECTS = (
    ("배송이 너무 늦어요", "주문한 상품이 일주일째 오지 않습니다. 주문번호는 20261101-{n}입니다."),
    ("결제가 두 번 됐어요", "카드에서 같은 금액이 두 번 승인됐습니다. 확인 부탁드립니다. ({n})"),
    ("환불이 아직 안 들어왔어요", "반품 완료 후 열흘이 지났는데 환불이 되지 않았습니다. ({n})"),
    ("Wrong size delivered", "I ordered M and received S. Please exchange it. Order {n}."),
)

SETTINGS = """
import os
from urllib.parse import urlparse

BASE_DIR = os.path.dirname(os.path.abspath(__file__))
_db = urlparse(os.environ["PEER_DATABASE_URL"])
SECRET_KEY = "peer-benchmark-only-on-127.0.0.1"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django.contrib.messages", "django.contrib.staticfiles", "django.contrib.sites", "django.contrib.humanize",
    "rest_framework", "rest_framework.authtoken", "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware", "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware", "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "peerproj.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request", "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {
    "ENGINE": "django.db.backends.postgresql", "NAME": _db.path.lstrip("/"), "USER": _db.username or "postgres",
    "HOST": _db.hostname, "PORT": _db.port or 5432, "CONN_MAX_AGE": 600,
}}
SITE_ID = 1
LANGUAGE_CODE = "ko"
TIME_ZONE = "Asia/Seoul"
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = os.path.join(BASE_DIR, "static")
MEDIA_ROOT = os.path.join(BASE_DIR, "media")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
LOGIN_URL = "/helpdesk/login/"
HELPDESK_TEAMS_MODE_ENABLED = False
REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": [
    "rest_framework.authentication.TokenAuthentication", "rest_framework.authentication.SessionAuthentication",
]}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
"""

URLS = """
from django.contrib import admin
from django.urls import include, path

urlpatterns = [path("admin/", admin.site.urls), path("helpdesk/", include("helpdesk.urls", namespace="helpdesk"))]
"""

WSGI = """
import os
from django.core.wsgi import get_wsgi_application
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerproj.settings")
application = get_wsgi_application()
"""

# Runs inside the peer's virtualenv: the admin, its token, one public queue, tickets up to the target.
LOAD = """
import json, os, random, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerproj.settings")
django.setup()
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.authtoken.models import Token
from helpdesk.models import Queue, Ticket, FollowUp
from helpdesk.query import query_to_base64

target, password = int(sys.argv[1]), sys.argv[2]
User = get_user_model()
admin = User.objects.filter(username="admin").first()
if admin is None:
    admin = User.objects.create_superuser("admin", "admin@peer.example.org", password)
token, _ = Token.objects.get_or_create(user=admin)
queue, _ = Queue.objects.get_or_create(
    slug="cs", defaults={"title": "고객센터", "allow_public_submission": True, "email_address": "cs@peer.example.org"}
)
subjects = json.loads(sys.argv[3])
rng = random.Random(7)
now = timezone.now()
missing = target - Ticket.objects.count()
while missing > 0:
    batch = min(missing, 5000)
    tickets = []
    for n in range(batch):
        title, body = rng.choice(subjects)
        created = now - timedelta(minutes=rng.randrange(1, 60 * 24 * 700))
        tickets.append(Ticket(
            title=title, queue=queue, created=created, modified=created,
            submitter_email=f"c{rng.randrange(1000)}@peer.example.org",
            status=rng.choice([1, 1, 3, 4, 4, 4, 4]), description=body.format(n=rng.randrange(10**7)), priority=3,
        ))
    Ticket.objects.bulk_create(tickets, batch_size=5000)
    missing -= batch
open_ticket = Ticket.objects.filter(status=1).order_by("-id").first()
default_query = {"filtering": {"status__in": [1, 2]}, "sorting": "created", "search_string": "", "sortreverse": False}
facts = {"token": token.key, "queue": queue.pk, "ticket": open_ticket.pk}
print(json.dumps({**facts, "query": query_to_base64(default_query)}))
"""


@dataclass(frozen=True)
class Side:
    """One system under test: how to reach each workload."""

    name: str
    port: int
    count: Callable[[], int]
    api_path: str
    api_headers: dict[str, str]
    api_body: Callable[[int], bytes]
    form_path: str
    form_fields: Callable[[int], dict[str, str]]
    login: Callable[[], Client]
    list_path: str
    search_path: str
    view_path: str
    settle: Callable[[], float]  # waits for background work to finish; returns the seconds waited


# --- the peer ------------------------------------------------------------------------------------------


def ensure_peer(args: argparse.Namespace) -> dict[str, object]:
    if not (PEER_VENV / ".installed").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([PEER_PYTHON, "-m", "pip", "install", "-q", *PEER_REQUIREMENTS], check=True)
        (PEER_VENV / ".installed").touch()
    package = PEER_PROJECT / "peerproj"
    package.mkdir(parents=True, exist_ok=True)
    for name, text in {"__init__.py": "", "settings.py": SETTINGS, "urls.py": URLS, "wsgi.py": WSGI}.items():
        (package / name).write_text(text.lstrip())
    (PEER_PROJECT / "load.py").write_text(LOAD.lstrip())
    _create_database(args.peer_database_url)
    env = peer_env(args)
    subprocess.run(
        [PEER_PYTHON, "-m", "django", "migrate", "--noinput", "-v", "0"], cwd=PEER_PROJECT, env=env, check=True
    )
    loaded = subprocess.run(
        [PEER_PYTHON, "load.py", str(args.tickets), PEER_PASSWORD, json.dumps(SUBJECTS)],
        cwd=PEER_PROJECT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    _vacuum(args.peer_database_url)
    return dict(json.loads(loaded.stdout.strip().splitlines()[-1]))


def peer_env(args: argparse.Namespace) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_URL", "DJANGO_"))}
    env.update(PEER_DATABASE_URL=args.peer_database_url, DJANGO_SETTINGS_MODULE="peerproj.settings")
    env["PYTHONPATH"] = str(PEER_PROJECT)
    return env


def _create_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def _vacuum(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def peer_login(port: int) -> Client:
    client = Client(port)
    page = client.get("/helpdesk/login/")
    token = _csrf(page.body)
    form = urlencode(
        {"username": "admin", "password": PEER_PASSWORD, "csrfmiddlewaretoken": token, "next": "/helpdesk/"}
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{port}/"}
    answer = client.request("POST", "/helpdesk/login/", form.encode(), headers)
    if answer.status != 302 or "sessionid" not in client.cookies:
        raise SystemExit(f"logging in to the peer failed ({answer.status})")
    return client


def peer_side(args: argparse.Namespace, port: int, facts: dict[str, object]) -> Side:
    query = str(facts["query"])
    datatables = f"/helpdesk/datatables_ticket_list/{query}?draw=1&start=0&length=25"

    def api_body(n: int) -> bytes:
        title, body = SUBJECTS[n % len(SUBJECTS)]
        fields = {"queue": facts["queue"], "title": title, "description": body.format(n=n), "priority": 3}
        return json.dumps({**fields, "submitter_email": f"intake{n % 20000}@bench.example.org"}).encode()

    def form_fields(n: int) -> dict[str, str]:
        title, body = SUBJECTS[n % len(SUBJECTS)]
        return {
            "queue": str(facts["queue"]),
            "title": title,
            "body": body.format(n=n),
            "submitter_email": f"intake{n % 20000}@bench.example.org",
            "priority": "3",
        }

    return Side(
        name="django-helpdesk",
        port=port,
        count=lambda: int(sql_value(args.peer_database_url, "SELECT count(*) FROM helpdesk_ticket")),
        api_path="/helpdesk/api/tickets/",
        api_headers={"Authorization": f"Token {facts['token']}", "Content-Type": "application/json"},
        api_body=api_body,
        form_path="/helpdesk/tickets/submit/",
        form_fields=form_fields,
        login=lambda: peer_login(port),
        list_path=datatables,
        search_path=f"{datatables}&search%5Bvalue%5D={quote(SEARCH_WORD)}",
        view_path=f"/helpdesk/tickets/{facts['ticket']}/",
        settle=lambda: 0.0,
    )


# --- Soridam -------------------------------------------------------------------------------------------


def ensure_soridam(args: argparse.Namespace) -> dict[str, object]:
    ensure_database(args.database_url)
    env = bench_env(args.database_url)
    manage(env, "seed_demo", "--if-empty")
    missing = args.tickets - count_cases(args.database_url)
    if missing > 0:
        manage(env, "generate_cases", str(missing), "--batch", "10000")
    _vacuum(args.database_url)
    case = sql_value(args.database_url, "SELECT max(id) FROM cases_case WHERE status = 'open' AND team_id IS NOT NULL")
    return {"token": issue_token(env, "admin"), "case": case}


def soridam_side(args: argparse.Namespace, port: int, facts: dict[str, object]) -> Side:
    def api_body(n: int) -> bytes:
        subject, body = SUBJECTS[n % len(SUBJECTS)]
        customer = {"name": f"Intake {n % 20000}", "email": f"intake{n % 20000}@bench.example.org"}
        return json.dumps(
            {"subject": subject, "body": body.format(n=n), "customer": customer, "category": "delivery"}
        ).encode()

    def form_fields(n: int) -> dict[str, str]:
        subject, body = SUBJECTS[n % len(SUBJECTS)]
        return {
            "name": f"Intake {n % 20000}",
            "email": f"intake{n % 20000}@bench.example.org",
            "category": "delivery",
            "subject": subject,
            "text": body.format(n=n),
            "website": "",
        }

    return Side(
        name="Soridam",
        port=port,
        count=lambda: count_cases(args.database_url),
        api_path="/api/v1/cases",
        api_headers={"Authorization": f"Bearer {facts['token']}", "Content-Type": "application/json"},
        api_body=api_body,
        form_path="/complaint/",
        form_fields=form_fields,
        login=lambda: login(port, "admin", "soridam-admin"),
        list_path="/workspace/",
        search_path=f"/workspace/search/?q={quote(SEARCH_WORD)}",
        view_path=f"/workspace/cases/{facts['case']}/",
        settle=lambda: wait_for_tasks(args.database_url, args.drain),
    )


def wait_for_tasks(database_url: str, limit: float) -> float:
    """Wait until Soridam's task queue has nothing ready to run (at most ``limit`` seconds)."""
    started = time.monotonic()
    sql = "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING')"
    while time.monotonic() - started < limit and int(sql_value(database_url, sql)):
        time.sleep(0.5)
    return time.monotonic() - started


# --- serving -------------------------------------------------------------------------------------------


@contextmanager
def serving(command: list[str], env: dict[str, str], cwd: Path, port: int, ready_path: str) -> Iterator[None]:
    process = subprocess.Popen(command, cwd=cwd, env=env, start_new_session=True)  # noqa: S603 - our own commands
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise SystemExit(f"{command[0]} exited with {process.returncode}")
            try:
                if Client(port).get(ready_path).status < 500:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{ready_path} did not answer within 120 s")
            time.sleep(0.3)
        yield
    finally:
        stop_group(process)


def granian_command(granian: str, app: str, port: int, args: argparse.Namespace) -> list[str]:
    command = [granian, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(args.workers), "--blocking-threads", str(args.threads), "--log-level", "warning"]
    return [*command, app]


# --- workloads -----------------------------------------------------------------------------------------


def intake(side: Side, clients: int, seconds: float, kind: str) -> tuple[float, int]:
    """Cases stored per second with ``clients`` connections for ``seconds``; and the non-2xx/3xx answers."""
    deadline = time.perf_counter() + seconds
    errors: list[int] = []
    counter = iter(range(10**9))
    lock = threading.Lock()

    def next_number() -> int:
        with lock:
            return next(counter) + int(time.time() * 1000) % 10**6

    def loop() -> None:
        failed = 0
        client = Client(side.port, headers=side.api_headers if kind == "api" else {})
        csrf = _form_token(side, client) if kind == "form" else ""
        while time.perf_counter() < deadline:
            try:
                status = _send(side, client, kind, next_number(), csrf)
            except OSError:
                failed += 1
                continue
            failed += status >= 400
        errors.append(failed)

    before, started = side.count(), time.perf_counter()
    threads = [threading.Thread(target=loop) for _client in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return (side.count() - before) / elapsed, sum(errors)


def _form_token(side: Side, client: Client) -> str:
    return _csrf(client.get(side.form_path).body)


def _send(side: Side, client: Client, kind: str, n: int, csrf: str) -> int:
    if kind == "api":
        return client.request("POST", side.api_path, side.api_body(n)).status
    fields = {**side.form_fields(n), "csrfmiddlewaretoken": csrf}
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{side.port}/"}
    return client.request("POST", side.form_path, urlencode(fields).encode(), headers).status


def _csrf(html: bytes) -> str:
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if match is None:
        raise SystemExit("no CSRF token on the page")
    return match.group(1).decode()


def p95(client: Client, path: str, requests: int) -> float:
    seconds = []
    for _request in range(requests):
        answer = client.get(path)
        if answer.status != 200:
            raise SystemExit(f"GET {path} answered {answer.status}")
        seconds.append(answer.seconds)
    return percentile(seconds, 0.95)


def run_side(side: Side, args: argparse.Namespace) -> dict[str, float]:
    figures: dict[str, float] = {}
    figures["api"], figures["api errors"] = intake(side, args.clients, args.seconds, "api")
    figures["drain api"] = side.settle()
    figures["form"], figures["form errors"] = intake(side, args.clients, args.seconds, "form")
    figures["drain form"] = side.settle()
    agent = side.login()
    for name, path in (("list", side.list_path), ("search", side.search_path), ("view", side.view_path)):
        agent.get(path)  # warm
        figures[name] = p95(agent, path, args.requests)
    return figures


# --- the report ----------------------------------------------------------------------------------------

ROWS = (
    ("intake over the API, cases stored/s", "api", True),
    ("intake through the web form, cases stored/s", "form", True),
    ("ticket list (agent's data request), p95 ms", "list", False),
    ("search, p95 ms", "search", False),
    ("ticket or case page, p95 ms", "view", False),
)


def report(rounds: list[dict[str, dict[str, float]]], args: argparse.Namespace, loads: list[float]) -> str:
    rows = []
    for label, key, higher_is_better in ROWS:
        ours = [r["Soridam"][key] for r in rounds]
        theirs = [r["django-helpdesk"][key] for r in rounds]
        ratios = [
            (o / t if higher_is_better else t / o) if min(o, t) > 0 else float("nan")
            for o, t in zip(ours, theirs, strict=True)
        ]
        show = (lambda v: f"{v:.0f}") if higher_is_better else (lambda v: ms(v))
        rows.append(
            [
                label,
                " / ".join(show(v) for v in theirs),
                " / ".join(show(v) for v in ours),
                f"{statistics.median(ratios):.1f}×",
            ]
        )
    errors = [
        f"{side}: API {int(r[side]['api errors'])}, form {int(r[side]['form errors'])}" for r in rounds for side in r
    ]
    drains = [f"{r['Soridam']['drain api']:.0f} s / {r['Soridam']['drain form']:.0f} s" for r in rounds]
    lines = [
        f"\n## Soridam against django-helpdesk 2.6.1 ({time.strftime('%Y-%m-%d')}, {args.tickets:,} tickets each, "
        f"{args.workers} granian workers × {args.threads} threads each, {args.clients} intake connections, "
        f"{args.seconds:.0f} s per intake, {args.requests} reads)\n",
        table(["workload (one value per round)", "django-helpdesk", "Soridam", "ratio (median of rounds)"], rows),
        "",
        "Ratios: for intake Soridam's rate over the peer's; for reads the peer's p95 over Soridam's.",
        f"Failed requests per round: {'; '.join(errors)}.",
        f"Soridam's task queue drained after its API / form intake in: {'; '.join(drains)}.",
        f"1-minute load average at the start of each round: {', '.join(f'{load:.2f}' for load in loads)}.",
        machine_note(),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_SORIDAM_URL))
    parser.add_argument("--peer-database-url", default=DEFAULT_PEER_URL)
    parser.add_argument("--tickets", type=int, default=100_000, help="tickets (cases) in each database")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each intake burst")
    parser.add_argument("--clients", type=int, default=16, help="connections during intake")
    parser.add_argument("--requests", type=int, default=40, help="requests per read workload")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2, help="granian blocking threads per worker (make run: 2)")
    parser.add_argument("--drain", type=float, default=120.0, help="longest wait for Soridam's task queue")
    args = parser.parse_args()

    peer_facts = ensure_peer(args)
    soridam_facts = ensure_soridam(args)
    peer_port, soridam_port = free_port(), free_port()
    soridam_env = bench_env(args.database_url, SITE_URL=f"http://127.0.0.1:{soridam_port}")
    supervisor = [PYTHON, "-m", "soridam.lib.supervisor", str(soridam_port), str(args.workers), str(args.threads)]
    peer = granian_command(PEER_GRANIAN, "peerproj.wsgi:application", peer_port, args)
    with (
        serving(supervisor, soridam_env, ROOT, soridam_port, "/readyz"),
        serving(peer, peer_env(args), PEER_PROJECT, peer_port, "/helpdesk/login/"),
    ):
        sides = [soridam_side(args, soridam_port, soridam_facts), peer_side(args, peer_port, peer_facts)]
        rounds, loads = [], []
        for number in range(args.rounds):
            loads.append(os.getloadavg()[0])
            order = sides if number % 2 == 0 else sides[::-1]
            rounds.append({side.name: run_side(side, args) for side in order})
            print(f"round {number + 1}: {json.dumps(rounds[-1])}", file=sys.stderr)  # noqa: T201
    print(report(rounds, args, loads))  # noqa: T201


if __name__ == "__main__":
    main()
