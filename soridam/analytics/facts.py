"""Per-case facts: each case's figures, computed once per change from a few set-based queries.

FRT is business time (the team's SLA calendar: hours, lunch break, Korean holidays) from the case's
opening to its first public reply written by a person (the bot's replies have no author user). FCR: the
case was solved after at most one customer message and not reopened within 7 days of that first solve.
SLA: each target (first response, resolution) counts as due once it is done or its due time has passed,
and as met when it was done in time.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Min
from django.utils import timezone

from soridam.analytics.models import FRT_EDGES_MINUTES, CaseFact
from soridam.cases.models import ACTIVE_STATUSES, Case, EventKind, Message, MessageKind, Status, TimelineEvent
from soridam.followup.models import Survey
from soridam.sla import config as sla_config
from soridam.sla.business_time import Schedule, business_time_between
from soridam.sla.models import CaseSla

FCR_WINDOW = timedelta(days=7)
ANSWER_PROMISE = timedelta(hours=4)  # seed 002: 46% expect an answer within 4 hours
NOT_COUNTED = (Status.SPAM, Status.MERGED)


@dataclass
class _Evidence:
    """Everything about a batch of cases that their facts need, by case id."""

    first_reply: dict[int, datetime]
    bot_replied: set[int]
    first_solve: dict[int, datetime]
    customer_messages: dict[int, list[datetime]]
    reopens: dict[int, list[datetime]]
    clocks: dict[int, dict[str, Any]]
    ratings: dict[int, int]


def compute_facts(case_ids: Sequence[int], now: datetime | None = None) -> list[CaseFact]:
    """The facts of these cases as they stand ``now`` (spam and merged cases have none)."""
    now = now or timezone.now()
    cases = list(
        Case.objects.filter(pk__in=case_ids)
        .exclude(status__in=NOT_COUNTED)
        .values_list("id", "created_at", "team_id", "assignee_id", "channel", "category_id", "status", "solved_at")
    )
    evidence = _gather([row[0] for row in cases])
    snapshot = sla_config.current()
    facts = []
    for case_id, created, team_id, agent_id, channel, category_id, status, solved_at in cases:
        calendar = snapshot.calendar_for_team(team_id)
        schedule = snapshot.schedules.get(calendar.pk) if calendar is not None else None
        fact = CaseFact(
            case_id=case_id,
            opened_on=timezone.localtime(created).date(),
            team_id=team_id,
            agent_id=agent_id,
            channel=channel,
            category_id=category_id,
            computed_at=now,
        )
        _fill(fact, evidence, created, evidence.first_solve.get(case_id) or solved_at, schedule, now)
        fact.settled = status not in ACTIVE_STATUSES and _decided(fact)
        facts.append(fact)
    return facts


def _fill(
    fact: CaseFact,
    evidence: _Evidence,
    created: datetime,
    solved: datetime | None,
    schedule: Schedule | None,
    now: datetime,
) -> None:
    case_id = fact.case_id
    replied = evidence.first_reply.get(case_id)
    if replied is not None:
        fact.first_response_seconds = _business_seconds(schedule, created, replied)
        fact.first_response_bucket = bucket_of(fact.first_response_seconds)
    fact.answered_within_4h = _within_promise(created, replied, now)
    if solved is not None:
        fact.resolved = True
        fact.resolution_seconds = _business_seconds(schedule, created, solved)
        fact.fcr = first_contact_resolution(
            solved, evidence.customer_messages.get(case_id, []), evidence.reopens.get(case_id, []), now
        )
        fact.bot_contained = replied is None and case_id in evidence.bot_replied
    fact.sla_due, fact.sla_met = sla_counts(evidence.clocks.get(case_id), schedule, now)
    fact.csat = evidence.ratings.get(case_id)


def _decided(fact: CaseFact) -> bool:
    return fact.answered_within_4h is not None and (fact.fcr is not None or not fact.resolved)


def bucket_of(seconds: int) -> int:
    return bisect_right(FRT_EDGES_MINUTES, seconds / 60)


def _business_seconds(schedule: Schedule | None, start: datetime, end: datetime) -> int:
    if end <= start:
        return 0
    if schedule is None:  # no calendar configured: every minute counts
        return int((end - start).total_seconds())
    return int(business_time_between(schedule, start, end).total_seconds())


def _within_promise(created: datetime, replied: datetime | None, now: datetime) -> bool | None:
    deadline = created + ANSWER_PROMISE
    if replied is not None:
        return replied <= deadline
    return False if now > deadline else None


def first_contact_resolution(
    first_solve: datetime, customer_messages: Iterable[datetime], reopens: Iterable[datetime], now: datetime
) -> bool | None:
    """Solved after one customer contact, and no reopen within 7 days of the solve; None while undecided."""
    if sum(1 for moment in customer_messages if moment <= first_solve) > 1:
        return False
    if any(first_solve < moment <= first_solve + FCR_WINDOW for moment in reopens):
        return False
    return True if now >= first_solve + FCR_WINDOW else None


def sla_counts(clock: dict[str, Any] | None, schedule: Schedule | None, now: datetime) -> tuple[int, int]:
    """(due, met) over the first-response and resolution targets of one case's clocks."""
    if clock is None or clock["policy__first_response_minutes"] is None:
        return 0, 0
    due = met = 0
    responded = clock["first_responded_at"]
    if responded is not None:
        # The reply clears first_response_due (sla.clock.agent_replied): measure against the policy instead.
        allowed = clock["policy__first_response_minutes"] * 60 + clock["paused_seconds"]
        due, met = 1, int(_business_seconds(schedule, clock["started_at"], responded) <= allowed)
    elif clock["first_response_due"] is not None and clock["first_response_due"] <= now:
        due = 1
    resolution_due, resolved = clock["resolution_due"], clock["resolved_at"]
    if resolution_due is not None and (resolved is not None or resolution_due <= now):
        due += 1
        met += int(resolved is not None and resolved <= resolution_due)
    return due, met


def _gather(case_ids: list[int]) -> _Evidence:
    messages = Message.objects.filter(case_id__in=case_ids)
    replies = messages.filter(kind=MessageKind.REPLY)
    first_reply = dict(
        replies.filter(author_user__isnull=False)
        .values("case_id")
        .annotate(first=Min("created_at"))
        .values_list("case_id", "first")
    )
    events = TimelineEvent.objects.filter(case_id__in=case_ids)
    solves = events.filter(kind=EventKind.STATUS_CHANGED, to_value=Status.SOLVED)
    clock_fields = (
        "case_id",
        "started_at",
        "paused_seconds",
        "first_responded_at",
        "first_response_due",
        "resolution_due",
        "resolved_at",
        "policy__first_response_minutes",
    )
    return _Evidence(
        first_reply=first_reply,
        bot_replied=set(replies.filter(author_user__isnull=True).values_list("case_id", flat=True)),
        first_solve=dict(solves.values("case_id").annotate(first=Min("created_at")).values_list("case_id", "first")),
        customer_messages=_grouped(messages.filter(kind=MessageKind.CUSTOMER).values_list("case_id", "created_at")),
        reopens=_grouped(events.filter(kind=EventKind.REOPENED).values_list("case_id", "created_at")),
        clocks={row["case_id"]: row for row in CaseSla.objects.filter(case_id__in=case_ids).values(*clock_fields)},
        ratings={
            case_id: rating
            for case_id, rating in Survey.objects.filter(case_id__in=case_ids).values_list("case_id", "rating")
            if rating is not None
        },
    )


def _grouped(rows: Iterable[tuple[int, datetime]]) -> dict[int, list[datetime]]:
    grouped: dict[int, list[datetime]] = defaultdict(list)
    for case_id, moment in rows:
        grouped[case_id].append(moment)
    return grouped
