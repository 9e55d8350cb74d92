"""Shared personas and factories for every app's tests.

Personas: team "Delivery" has alice (agent) and lena (lead); team "Payments" has bob (agent);
root is the admin. Customers kim and lee file cases on the web.
"""

from __future__ import annotations

import email
import os
import socket
from collections.abc import Callable, Iterator
from email.message import Message as MimeMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.test import Client

from soridam.accounts.models import ApiToken, Membership, Role, Team, User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, Category
from soridam.customers.actions import Contact
from soridam.env import env_bool
from soridam.lib.shared_data import shared_data_dir

# Tests never serve: a test that imports soridam.wsgi (the API schema test) skips the web worker's warm-up.
os.environ.setdefault("SORIDAM_WARMUP", "false")


@pytest.fixture(autouse=True)
def _media_and_mail(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast personas
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _second_factor_off(settings: Any) -> None:
    """Tests sign staff in with ``force_login``, which gives no second factor: the requirement (on by default,
    R-SEC-2) is off here, and soridam/accounts/tests turn it back on where they prove it is enforced."""
    settings.SORIDAM_REQUIRE_2FA = False


@pytest.fixture(autouse=True)
def _outside_processors_accepted(settings: Any) -> None:
    """Channel tests run messenger accounts without an admin's acceptance of the outsourcing notice (R-SEC-13);
    soridam/accounts/tests/test_processors.py proves the check with it on."""
    settings.SORIDAM_PROCESSOR_ACCEPTANCE_REQUIRED = False


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request: pytest.FixtureRequest) -> None:
    """Rate limits live in the database cache table. A test's own transaction rolls its counts back, but a
    transactional test (live_server) leaves them behind, so every test that reaches the database starts empty."""
    from django.core.cache import cache

    from soridam.accounts.access import forget_checked_tokens
    from soridam.lib.ratelimit import forget_unspent_hits

    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if {"transactional_db", "live_server"} & names or (marker is not None and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
    elif marker is not None or "db" in names:
        request.getfixturevalue("db")
    else:
        return
    cache.clear()
    forget_unspent_hits()
    forget_checked_tokens()


@pytest.fixture(autouse=True)
def _no_random_cache_purge(monkeypatch: pytest.MonkeyPatch) -> None:
    """The database cache's ``add`` deletes expired rows once in a while, at random: an extra statement that made
    query-budget tests fail by chance. Its own test turns it on (soridam/lib/tests/test_cache_purge.py)."""
    monkeypatch.setattr("soridam.lib.cache.purge_due", lambda: False)


@pytest.fixture(autouse=True)
def _fresh_process_copies() -> None:
    """SLA configuration, categories, notification rules and remedy rules are kept per process
    (``lib.process_copy``); a test's rolled-back rows must not linger."""
    from soridam.lib.process_copy import forget_every_copy

    forget_every_copy()


@pytest.fixture(autouse=True)
def _fresh_triage_model() -> None:
    """The active triage model is loaded once per process and version id; SQLite reuses a rolled-back id."""
    from soridam.triage import training

    training.forget()


@pytest.fixture
def teams(db: None) -> dict[str, Team]:
    _ensure_default_categories()
    delivery = Team.objects.create(name="Delivery", slug="delivery", email_address="delivery@shop.test")
    payments = Team.objects.create(name="Payments", slug="payments", email_address="payments@shop.test")
    Category.objects.filter(slug__in=["delivery", "product", "refund_return"]).update(default_team=delivery)
    Category.objects.filter(slug__in=["payment", "account"]).update(default_team=payments)
    return {"delivery": delivery, "payments": payments}


def _ensure_default_categories() -> None:
    """Transactional tests (live_server) flush the tables, taking the migration's categories with them."""
    from soridam.cases.migrations import _defaults

    for position, (slug, name_ko, name_en) in enumerate(_defaults.CATEGORIES):
        Category.objects.get_or_create(
            slug=slug, defaults={"name_ko": name_ko, "name_en": name_en, "position": position}
        )


def _make_user(username: str, role: str, team: Team | None = None, *, lead: bool = False) -> User:
    user = User.objects.create_user(
        username=username,
        password="pw-" + username,
        role=role,
        email=f"{username}@shop.test",
    )
    if team is not None:
        Membership.objects.create(user=user, team=team, is_lead=lead)
    return user


@pytest.fixture
def alice(teams: dict[str, Team]) -> User:
    return _make_user("alice", Role.AGENT, teams["delivery"])


@pytest.fixture
def lena(teams: dict[str, Team]) -> User:
    return _make_user("lena", Role.LEAD, teams["delivery"], lead=True)


@pytest.fixture
def bob(teams: dict[str, Team]) -> User:
    return _make_user("bob", Role.AGENT, teams["payments"])


@pytest.fixture
def root(teams: dict[str, Team]) -> User:
    return User.objects.create_superuser(username="root", password="pw-root", email="root@shop.test", role=Role.ADMIN)


@pytest.fixture
def make_case(teams: dict[str, Team], django_capture_on_commit_callbacks: Any) -> Callable[..., Case]:
    """Open a case through the actions layer and run its after-commit jobs (immediate task backend)."""

    def make(
        subject: str = "배송이 너무 늦어요",
        body: str = "주문한 상품이 아직 오지 않았습니다.",
        *,
        category: str = "delivery",
        email: str = "kim@example.kr",
        name: str = "김민지",
        **extra: Any,
    ) -> Case:
        new = actions.NewCase(
            subject=subject,
            body=body,
            contact=Contact(name=name, email=email),
            category=Category.objects.get(slug=category),
            **extra,
        )
        with django_capture_on_commit_callbacks(execute=True):
            return actions.open_case(new)

    return make


@pytest.fixture
def api_client() -> Callable[[User], Client]:
    """A test client that sends a fresh bearer token for the user."""

    def make(user: User) -> Client:
        _token, raw = ApiToken.issue(user)
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


@pytest.fixture
def agent_actor(alice: User) -> Actor:
    return Actor(user=alice)


@pytest.fixture
def alice_client(alice: User) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(bob: User) -> Client:
    client = Client()
    client.force_login(bob)
    return client


class Mailbox:
    """What a real SMTP server (aiosmtpd, started by the ``smtp_server`` fixture) received.

    ``refusals`` maps a recipient to the reply its RCPT TO gets (``"550 5.1.1 No such user"``);
    ``recipients_tried`` lists every RCPT TO, refused or not. ``watch(connection)`` records that
    database connection's open atomic blocks at every RCPT and DATA, while the sender waits on us.
    """

    def __init__(self) -> None:
        self.messages: list[tuple[Envelope, MimeMessage]] = []
        self.refusals: dict[str, str] = {}
        self.recipients_tried: list[str] = []
        self.atomic_depths: list[int] = []
        self._watched: Any = None

    def watch(self, connection: Any) -> None:
        self._watched = connection

    def message_ids(self) -> list[str]:
        return [str(message["Message-ID"]) for _envelope, message in self.messages]

    def _observe(self) -> None:
        if self._watched is not None:
            self.atomic_depths.append(len(self._watched.atomic_blocks))

    async def handle_RCPT(  # noqa: N802 - aiosmtpd hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        self._observe()
        self.recipients_tried.append(address)
        if address in self.refusals:
            return self.refusals[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd hook name
        self._observe()
        raw = envelope.content if isinstance(envelope.content, bytes) else str(envelope.content).encode()
        self.messages.append((envelope, email.message_from_bytes(raw, policy=default_policy)))
        return "250 Message accepted for delivery"


class WorkerKilled(BaseException):
    """Raised where a test has the worker process die (kill -9): nothing after that line runs, nothing is
    recorded. A BaseException, so no ``except Exception`` on the way out handles it."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Mailbox]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "soridam.channels.email.backend.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield mailbox
    finally:
        controller.stop()


def wait_for_requests_in_flight(live_server: Any) -> None:
    """Let the requests the page started finish before the test's tables are flushed. A page fires requests of its
    own (htmx loads such as the case page's customer panel, polls); on SQLite the live server shares the test's
    in-memory connection, so one still running during the flush left that connection inside a broken transaction
    and failed every later browser test. The server's request threads are socketserver's ``_threads``."""
    for thread in list(getattr(live_server.thread.httpd, "_threads", None) or ()):
        thread.join(timeout=10)


def require_shared_data(*parts: str) -> Path:
    """A path in the shared data folder (``../shared/data`` beside the repository). A missing one skips the
    test on a developer's checkout, but under ``CI=true`` it fails: a CI run must not go green by quietly
    dropping the e-mail corpus or ko-cs-dev."""
    path = shared_data_dir().joinpath(*parts)
    if path.exists():
        return path
    if env_bool("CI", default=False):
        pytest.fail(f"the shared data {path} is missing, and CI=true requires it", pytrace=False)
    pytest.skip(f"the shared data {path} is missing (expected beside the repository)")


@pytest.fixture
def shared_data() -> Callable[..., Path]:
    """``shared_data("ko-cs-dev", "cases.jsonl")``: see ``require_shared_data``."""
    return require_shared_data
