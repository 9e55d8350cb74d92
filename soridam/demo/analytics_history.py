"""Two years of finished cases behind the demo's stories, so the analytics charts have a history to show.

Written straight into the tables like ``synthetic.py`` (no timeline, audit or notifications: these cases are
closed history nobody works on), with what the measures read: the customer's message (a second one on some,
which costs their first-contact resolution), a person's reply after a business-hours-shaped wait, the SLA
clocks and, on about a third, a satisfaction rating. Volume follows a weekday × hour pattern with quiet
public holidays and grows over the two years, so the forecast has a pattern to learn (its backtest MAPE on
this history: ``manage.py forecast_backtest``). The newest history case is three days old: today's inbox is
the stories'.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from soridam.accounts.models import Membership, Role, User
from soridam.analytics import rollups
from soridam.analytics.forecast import is_holiday
from soridam.cases.models import Case, Category, Message, MessageKind, Status
from soridam.cases.references import allocate_numbers, format_reference
from soridam.cases.stages import Stage
from soridam.customers.models import Customer
from soridam.demo.composer import Composer
from soridam.demo.stories import CATEGORY_WEIGHTS, CHANNEL_WEIGHTS, Cast
from soridam.demo.synthetic import order_number
from soridam.followup.models import Survey
from soridam.sla import config as sla_config
from soridam.sla.business_time import add_business_time
from soridam.sla.models import CaseSla, SlaPolicy

HISTORY_DAYS = 730
NEWEST_DAYS_AGO = 3
PER_DAY = 6.0  # mean cases on an ordinary Monday at the end of the two years
WEEKDAY = (1.15, 1.05, 1.0, 1.0, 0.95, 0.55, 0.45)
HOURS = (1, 0, 0, 0, 0, 1, 2, 4, 7, 10, 11, 10, 8, 10, 11, 10, 9, 8, 7, 7, 6, 5, 4, 2)
RATINGS = {5: 48, 4: 27, 3: 12, 2: 7, 1: 6}


@dataclass
class _Made:
    case: Case
    language: str
    replied: datetime
    solved: datetime
    second_message: datetime | None


def seed_analytics_history(*, days: int = HISTORY_DAYS, now: datetime | None = None, seed: int = 2026) -> str:
    """Add the history after the demo's stories (``seed_demo`` runs it after the search index is built: the
    history is not worth the index time at first start), then build the facts and rollups of every case."""
    started, now = time.perf_counter(), now or timezone.now()
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    customers = list(Customer.objects.values_list("id", "language", "name"))
    if not customers:
        return "No customers: no analytics history."
    composers = {code: Composer(rng, code, now, span_days=HISTORY_DAYS) for code in ("ko", "en")}
    with transaction.atomic():
        cast = _cast()
        made = [_case(rng, cast, customers, composers, opened) for opened in _arrivals(rng, now, days)]
        _store(made)
    refreshed = rollups.refresh()
    seconds = time.perf_counter() - started
    return f"Analytics: {len(made)} history cases over {days} days, {refreshed.days} days rolled up in {seconds:.1f} s."


def _cast() -> Cast:
    categories = {category.slug: category for category in Category.objects.all()}
    agents_by_team: dict[int, list[User]] = {}
    for membership in Membership.objects.filter(user__is_active=True).select_related("user").order_by("user_id"):
        agents_by_team.setdefault(membership.team_id, []).append(membership.user)
    admin = User.objects.filter(role=Role.ADMIN).order_by("pk").first() or User.objects.order_by("pk").first()
    if admin is None:
        raise ValueError("the demo's staff must exist before its analytics history")
    return Cast(categories=categories, agents_by_team=agents_by_team, admin=admin)


def _arrivals(rng: random.Random, now: datetime, days: int) -> list[datetime]:
    today = timezone.localtime(now).date()
    tz = timezone.get_current_timezone()
    moments = []
    for back in range(days, NEWEST_DAYS_AGO - 1, -1):
        day = today - timedelta(days=back)
        growth = 0.65 + 0.35 * (days - back) / days
        mean = PER_DAY * growth * (0.35 if is_holiday(day) else WEEKDAY[day.weekday()])
        for _ in range(_poisson(rng, mean)):
            hour = rng.choices(range(24), weights=HOURS)[0]
            moments.append(datetime(day.year, day.month, day.day, hour, int(rng.random() * 60), tzinfo=tz))
    return sorted(moments)


def _poisson(rng: random.Random, mean: float) -> int:
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _case(
    rng: random.Random,
    cast: Cast,
    customers: list[tuple[int, str, str]],
    composers: dict[str, Composer],
    opened: datetime,
) -> _Made:
    category = cast.categories[rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]]
    customer_id, language, name = customers[int(rng.random() * len(customers))]
    code = "ko" if language.startswith("ko") else "en"
    team_id = category.default_team_id
    agents = cast.agents_by_team.get(team_id or 0) or [cast.admin]
    agent = agents[int(rng.random() * len(agents))]
    text = composers[code].compose(category.slug, name, "", 0)
    replied = opened + timedelta(minutes=rng.lognormvariate(4.3, 1.1))  # median about 75 minutes
    solved = replied + timedelta(hours=rng.lognormvariate(2.5, 1.2))
    second = replied + (solved - replied) / 2 if rng.random() < 0.28 else None
    channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
    case = Case(
        subject=text.subject,
        customer_id=customer_id,
        channel=channel,
        category=category,
        priority=text.priority,
        stage=Stage.FOLLOW_UP,
        status=Status.CLOSED,
        team_id=team_id,
        assignee=agent,
        language=code,
        created_at=opened,
        updated_at=solved + timedelta(days=3),
        solved_at=solved,
        closed_at=solved + timedelta(days=3),
        intake_at=opened,
        follow_up_at=solved,
    )
    case.first_body = text.body  # type: ignore[attr-defined] # carried to _store only
    return _Made(case, code, replied, solved, second)


def _store(made: list[_Made]) -> None:
    numbers = allocate_numbers(len(made))
    for item, number in zip(made, numbers, strict=True):
        item.case.reference = format_reference(number, item.case.created_at)
        item.case.order_number = order_number(number, item.case.created_at)
    Case.objects.bulk_create([item.case for item in made], batch_size=1000)
    Message.objects.bulk_create(_messages(made), batch_size=1000)
    CaseSla.objects.bulk_create(_clocks(made), batch_size=1000)
    Survey.objects.bulk_create(_surveys(made), batch_size=1000)


def _messages(made: list[_Made]) -> list[Message]:
    messages = []
    for item in made:
        case = item.case
        customer = {"author_customer_id": case.customer_id, "kind": MessageKind.CUSTOMER, "channel": case.channel}
        messages.append(Message(case=case, body=case.first_body, created_at=case.created_at, **customer))  # type: ignore[attr-defined]
        reply = (
            "확인해 드렸습니다. 처리해 드리겠습니다."
            if item.language == "ko"
            else "Thank you, we have sorted this out."
        )
        messages.append(
            Message(
                case=case,
                kind=MessageKind.REPLY,
                channel=case.channel,
                author_user=case.assignee,
                body=reply,
                created_at=item.replied,
            )
        )
        if item.second_message is not None:
            more = "한 가지 더 여쭤볼게요." if item.language == "ko" else "One more question, please."
            messages.append(Message(case=case, body=more, created_at=item.second_message, **customer))
    return messages


def _clocks(made: list[_Made]) -> list[CaseSla]:
    snapshot = sla_config.current()
    general = SlaPolicy.objects.filter(is_active=True, priority="", category=None, channel="", tier="")
    policy = general.first() or SlaPolicy.objects.filter(is_active=True).order_by("position").first()
    if policy is None:
        return []
    clocks = []
    for item in made:
        calendar = snapshot.calendar_for_team(item.case.team_id)
        schedule = snapshot.schedules.get(calendar.pk) if calendar is not None else None
        target = timedelta(minutes=policy.resolution_minutes)
        due = add_business_time(schedule, item.case.created_at, target) if schedule else item.case.created_at + target
        clocks.append(
            CaseSla(
                case=item.case,
                policy=policy,
                calendar=calendar,
                started_at=item.case.created_at,
                first_responded_at=item.replied,
                resolution_due=due,
                resolved_at=item.solved,
            )
        )
    return clocks


def _surveys(made: list[_Made]) -> list[Survey]:
    rng = random.Random(len(made))  # noqa: S311 - demo data
    surveys = []
    for item in made:
        if rng.random() < 0.35:
            rating = rng.choices(list(RATINGS), weights=list(RATINGS.values()))[0]
            answered = item.solved + timedelta(hours=2 + 40 * rng.random())
            surveys.append(
                Survey(
                    case=item.case,
                    sent_at=item.solved,
                    expires_at=item.solved + timedelta(days=14),
                    rating=rating,
                    answered_at=answered,
                )
            )
    return surveys
