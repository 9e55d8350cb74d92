"""Synthetic cases for benchmarks, written straight into the tables as fast as the database takes them.

This bypasses the actions layer ON PURPOSE: the rows get no timeline events, no audit entries and no
notifications. It exists only to fill a database with a realistic mix of cases (teams, stages,
statuses, ages) so that inbox and case-page benchmarks measure honest queries. Never use it for data
that people will work on.
"""

from __future__ import annotations

import random
import secrets
import time
from base64 import urlsafe_b64encode
from collections.abc import Iterator
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from soridam.accounts.models import Membership
from soridam.cases.models import Case, Category, Message
from soridam.cases.references import allocate_numbers, format_reference
from soridam.cases.stages import STAGE_ORDER
from soridam.customers.models import Customer, Identity
from soridam.demo import bulkload
from soridam.demo.composer import Composer
from soridam.demo.people import english_contacts, ensure_teams, korean_contacts
from soridam.demo.producer import Producer
from soridam.demo.stories import CATEGORY_WEIGHTS, CHANNEL_WEIGHTS

POOL_SIZE = 1000
ORDERED_SHARE = 7  # of ten
POOL_DOMAIN = "bench.example.net"
SPAN_DAYS = 730
REBUILD_AT = 100_000
# Batches handed to each producer ahead of the one being stored: one being made, one waiting.
AHEAD = 2
# Processes composing rows for PostgreSQL: with the server storing them, both cores are busy.
PRODUCERS = 2
LANGUAGES = ("ko", "en")
ACTIVE = frozenset({"open", "waiting"})
STAGE_INDEX = {str(stage): index for index, stage in enumerate(STAGE_ORDER)}
CASE_COLUMNS = (
    "id",
    "reference",
    "subject",
    "customer_id",
    "channel",
    "category_id",
    "priority",
    "stage",
    "status",
    "team_id",
    "assignee_id",
    "order_number",
    "language",
    "tracking_token",
    "created_at",
    "updated_at",
    "solved_at",
    "closed_at",
    *(f"{stage}_at" for stage in STAGE_ORDER),
)
MESSAGE_COLUMNS = ("case_id", "kind", "channel", "author_customer_id", "body", "created_at")
# Older cases are mostly finished, as in a real help desk: (younger than N days, status weights).
STATUS_BY_AGE = (
    (2, {"open": 70, "waiting": 20, "solved": 10}),
    (14, {"open": 35, "waiting": 25, "solved": 25, "closed": 15}),
    (60, {"open": 4, "waiting": 3, "solved": 13, "closed": 78, "spam": 2}),
    (SPAN_DAYS + 1, {"open": 0.3, "waiting": 0.2, "solved": 1.5, "closed": 96, "spam": 2}),
)
STAGE_BY_STATUS = {
    "open": {"intake": 30, "classification": 20, "investigation": 25, "resolution": 20, "notification": 5},
    "waiting": {"investigation": 50, "resolution": 50},
    "solved": {"notification": 70, "follow_up": 30},
    "closed": {"follow_up": 90, "notification": 10},
    "spam": {"intake": 100},
}


@dataclass(frozen=True)
class Generated:
    count: int
    seconds: float
    # Of ``seconds``: building the dropped indexes and constraints again, and the commit (0 for a small load).
    index_seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


class Sampler:
    """Weighted choices drawn ahead in bulk: ``random.choices(k=...)`` is far cheaper than one call a row."""

    def __init__(self, rng: random.Random, weights: dict[str, int] | dict[str, float]) -> None:
        self._rng, self._values = rng, list(weights)
        self._weights: list[float] = list(weights.values())
        self._ahead: list[str] = []

    def __call__(self) -> str:
        if not self._ahead:
            self._ahead = self._rng.choices(self._values, weights=self._weights, k=4096)
        return self._ahead.pop()


@dataclass
class Mix:
    """What the rows are made of: categories with their teams, agents, customers and the text composers."""

    rng: random.Random
    now: datetime
    categories: dict[str, tuple[int, int | None]]
    agents_by_team: dict[int, list[int]]
    customers: list[tuple[int, str, str]]
    span_days: float = SPAN_DAYS  # cases open at any moment over the last span_days days

    def __post_init__(self) -> None:
        self.category = Sampler(self.rng, CATEGORY_WEIGHTS)
        self.channel = Sampler(self.rng, CHANNEL_WEIGHTS)
        # The priority is the one the text calls for (composer.py), so triage benchmarks get coherent labels.
        self.composers = {code: Composer(self.rng, code, self.now, span_days=SPAN_DAYS) for code in LANGUAGES}
        self.status = [(days, Sampler(self.rng, weights)) for days, weights in STATUS_BY_AGE]
        self.stage = {status: Sampler(self.rng, weights) for status, weights in STAGE_BY_STATUS.items()}


def generate_cases(
    count: int, *, batch: int = 5000, seed: int = 7, now: datetime | None = None, today: bool = False
) -> Generated:
    """Insert ``count`` synthetic cases, each with its first customer message, ``batch`` per transaction.
    They open over the last two years, or with ``today`` since local midnight, as a live desk's new cases do.

    A big load (at least REBUILD_AT cases, and at least as many as the table holds) runs as one
    transaction that builds the indexes once at the end; the tables are locked meanwhile.
    """
    started = time.perf_counter()
    now = now or timezone.now()
    mix = _mix(random.Random(seed), now)  # noqa: S311 - benchmark data, not secrets
    if today:
        midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        mix.span_days = (now - midnight) / timedelta(days=1)
    rebuild = count >= max(REBUILD_AT, Case.objects.count())
    sizes = [min(batch, count - start) for start in range(0, count, batch)]
    write = _copy_batches if connection.vendor == "postgresql" else _insert_batches
    with (
        transaction.atomic() if rebuild else nullcontext(),
        bulkload.indexes_built_after([Case, Message]) if rebuild else nullcontext(),
    ):
        write(mix, sizes)
        loaded = time.perf_counter()
    finished = time.perf_counter()
    return Generated(count, finished - started, finished - loaded if rebuild else 0.0)


def _mix(rng: random.Random, now: datetime) -> Mix:
    teams = ensure_teams()
    categories = {
        category.slug: (category.pk, category.default_team_id)
        for category in Category.objects.filter(slug__in=list(CATEGORY_WEIGHTS))
    }
    agents_by_team: dict[int, list[int]] = {}
    for team_id, user_id in Membership.objects.filter(team__in=teams.values()).values_list("team_id", "user_id"):
        agents_by_team.setdefault(team_id, []).append(user_id)
    return Mix(rng, now, categories, agents_by_team, customer_pool())


def customer_pool(size: int = POOL_SIZE) -> list[tuple[int, str, str]]:
    """(id, language, name) of the benchmark customers, creating the missing ones once."""
    contacts = korean_contacts(150) + english_contacts(50)
    wanted = {f"customer{index:04d}@{POOL_DOMAIN}": contacts[index % len(contacts)] for index in range(size)}
    existing = set(Customer.objects.filter(email__in=list(wanted)).values_list("email", flat=True))
    missing = [
        Customer(name=contact.name, email=email, phone=pool_phone(index), language=contact.language)
        for index, (email, contact) in enumerate(wanted.items())
        if email not in existing
    ]
    with transaction.atomic():
        created = Customer.objects.bulk_create(missing, batch_size=500)
        identities = [Identity(customer=customer, channel="email", external_id=customer.email) for customer in created]
        Identity.objects.bulk_create(identities, batch_size=500)
    pool = Customer.objects.filter(email__in=list(wanted)).order_by("id").values_list("id", "language", "name")
    return [(id_, "ko" if language.startswith("ko") else "en", name) for id_, language, name in pool]


def pool_phone(index: int) -> str:
    """A distinct mobile number per pool customer, in the canonical form (customers.phones)."""
    return f"0105{index:07d}"


def order_number(case_id: int, created: datetime) -> str:
    """Seven cases in ten name an order. Drawn from the id, not the random stream: a case keeps its order
    number whatever else changes in the mix, and its first message quotes it."""
    if case_id % 10 >= ORDERED_SHARE:
        return ""
    return f"{created.year}-{(case_id * 7919) % 9_000_000 + 1_000_000}"


def _copy_batches(mix: Mix, sizes: list[int]) -> None:
    """PostgreSQL: forked producers compose and encode the batches (batch i by producer i mod PRODUCERS) while
    this process reserves the ids of the batches ahead and streams the finished ones to the server."""
    connection.ensure_connection()  # the producers encode with this connection's adapters
    ahead = AHEAD * PRODUCERS
    with ExitStack() as stack:
        producers = [
            stack.enter_context(Producer(partial(_encoded_batch, mix), start=partial(_own_stream, mix, stream)))
            for stream in range(PRODUCERS)
        ]
        for index, size in enumerate(sizes[:ahead]):
            producers[index % PRODUCERS].submit(_reservation(size))
        for index in range(len(sizes)):
            with transaction.atomic():
                with connection.cursor() as cursor:
                    # Benchmark rows: a crash may lose the last batches, so don't wait for the WAL flush at commit.
                    cursor.execute("SET LOCAL synchronous_commit = off")
                producer = producers[index % PRODUCERS]
                cases, messages = producer.result()
                if index + ahead < len(sizes):
                    producer.submit(_reservation(sizes[index + ahead]))
                bulkload.copy_encoded(Case, CASE_COLUMNS, cases)
                bulkload.copy_encoded(Message, MESSAGE_COLUMNS, messages)


def _own_stream(mix: Mix, stream: int) -> None:
    """In producer ``stream``: random draws of its own, seeded from the stream it was forked with (so a seed
    still gives the same cases, and two producers never the same ones)."""
    mix.rng.seed(mix.rng.getrandbits(64) + stream)


def _encoded_batch(mix: Mix, reservation: tuple[list[int], list[int]]) -> list[bytes]:
    """In the producer: one batch of cases and of their first messages, in COPY's binary format."""
    ids, numbers = reservation
    messages: list[tuple[Any, ...]] = []

    def cases() -> Iterator[tuple[Any, ...]]:
        for case_id, number, token in zip(ids, numbers, _tracking_tokens(len(ids)), strict=True):
            case, message = _case_row(mix, case_id, number, token)
            messages.append(message)
            yield case

    encoded_cases = bulkload.encode_rows(Case, CASE_COLUMNS, cases())
    return [encoded_cases, bulkload.encode_rows(Message, MESSAGE_COLUMNS, messages)]


def _insert_batches(mix: Mix, sizes: list[int]) -> None:
    """SQLite: executemany takes Python values, so the rows are made here, one batch per transaction."""
    for size in sizes:
        with transaction.atomic():
            ids, numbers = _reservation(size)
            rows = [_case_row(mix, *ticket) for ticket in zip(ids, numbers, _tracking_tokens(size), strict=True)]
            bulkload.insert_rows(Case, CASE_COLUMNS, [case for case, _message in rows])
            bulkload.insert_rows(Message, MESSAGE_COLUMNS, [message for _case, message in rows])


def _reservation(size: int) -> tuple[list[int], list[int]]:
    """The ids and case numbers of the next ``size`` cases."""
    return _reserve_case_ids(size), allocate_numbers(size)


def _reserve_case_ids(size: int) -> list[int]:
    """Ids for the new cases, so their messages can point at them without reading them back.

    PostgreSQL hands them out from the id sequence; elsewhere (SQLite) the caller's transaction holds
    the write lock, so the ids after the current maximum are ours.
    """
    table = Case._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence is looked up once: inside nextval() it was looked up again for every row.
            cursor.execute(
                "SELECT nextval(sequence) FROM (SELECT pg_get_serial_sequence(%s, 'id')::regclass AS sequence) named,"
                " generate_series(1, %s)",
                [table, size],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        start = int(cursor.fetchone()[0]) + 1
    return list(range(start, start + size))


def _tracking_tokens(size: int) -> list[str]:
    """As secrets.token_urlsafe(24) makes them, from one read of the system's random source."""
    raw = secrets.token_bytes(24 * size)
    return [urlsafe_b64encode(raw[start : start + 24]).decode() for start in range(0, 24 * size, 24)]


def _case_row(mix: Mix, case_id: int, number: int, token: str) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    rng = mix.rng
    age_days = rng.random() * mix.span_days
    status = _status(mix, age_days)
    stage = mix.stage[status]()
    category = "other" if status == "spam" else mix.category()
    category_id: int | None
    category_id, team_id = mix.categories[category]
    if stage == "intake" and rng.random() < 0.03:
        category_id = team_id = None  # filed without a category: no team yet
    customer_id, language, name = mix.customers[int(rng.random() * len(mix.customers))]
    created = mix.now - timedelta(days=age_days)
    order = order_number(case_id, created)
    composer = mix.composers[language]
    text = composer.spam(name, age_days) if status == "spam" else composer.compose(category, name, order, age_days)
    worked = age_days * rng.random() if status in ACTIVE else min(age_days, 0.02 + 4.98 * rng.random())
    updated = created + timedelta(days=worked)
    channel = mix.channel()
    case = (
        case_id,
        format_reference(number, created),
        text.subject,
        customer_id,
        channel,
        category_id,
        text.priority,
        stage,
        status,
        team_id,
        _assignee(mix, team_id, stage),
        order,
        language,
        token,
        created,
        updated,
        None if status in ACTIVE or status == "spam" else updated,
        updated if status == "closed" else None,
        *_stage_times(stage, created, updated),
    )
    return case, (case_id, "customer", channel, customer_id, text.body, created)


def _status(mix: Mix, age_days: float) -> str:
    for younger_than, sampler in mix.status:
        if age_days < younger_than:
            return sampler()
    return "closed"


def _assignee(mix: Mix, team_id: int | None, stage: str) -> int | None:
    agents = mix.agents_by_team.get(team_id or 0)
    if not agents or (stage == "intake" and mix.rng.random() < 0.8):
        return None
    return agents[int(mix.rng.random() * len(agents))]


def _stage_times(stage: str, created: datetime, updated: datetime) -> list[datetime | None]:
    reached = STAGE_INDEX[stage]
    if reached == 0:
        return [created, None, None, None, None, None]
    step = (updated - created) / reached
    return [created + step * index for index in range(reached + 1)] + [None] * (len(STAGE_ORDER) - reached - 1)
