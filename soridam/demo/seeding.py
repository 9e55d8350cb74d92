"""Seeding the demo: teams, staff, customers and about 300 cases told through the actions layer."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from soridam.accounts.models import Membership, Team, User
from soridam.cases.models import Category
from soridam.demo.backdating import Backdating
from soridam.demo.people import demo_contacts, ensure_staff, ensure_teams
from soridam.demo.rca import file_crushed_boxes, seed_root_causes
from soridam.demo.shop import seed_demo_orders
from soridam.demo.stories import Cast, Story
from soridam.kb.demo import seed_help_centre
from soridam.odr.demo import seed_disputes
from soridam.policy.demo import seed_policy
from soridam.sla.demo import seed_routing_and_sla


@dataclass(frozen=True)
class Seeded:
    cases: int
    customers: int
    seconds: float


def seed_demo(*, cases: int = 300, seed: int = 2026) -> Seeded:
    """Create the demo in one transaction: all of it, or nothing when anything fails.

    Every case change goes through the actions layer, so timelines, audit entries and queued e-mails
    are real; the e-mails are sent by the task worker after commit.
    """
    started, since = time.perf_counter(), timezone.now()
    with transaction.atomic():
        teams = ensure_teams()
        staff = ensure_staff(teams)
        cast = _cast(teams, staff)
        seed_routing_and_sla(teams)  # before the stories, so their cases get SLA clocks
        stories = plan_stories(cast, cases, seed, now=since)
        backdating = Backdating()
        case_ids = [story.tell(backdating).pk for story in stories]
        case_ids += file_crushed_boxes(backdating, since)
        seed_demo_orders(backdating)
        backdating.apply(case_ids, since)
        seed_help_centre()
        seed_policy(staff)  # after the stories: its remedies are on their cases
        seed_root_causes(since)
        seed_disputes(staff["admin"])  # after the stories: filed from their finished cases
    customers = len({story.contact.email for story in stories})
    return Seeded(cases=len(case_ids), customers=customers, seconds=time.perf_counter() - started)


def _cast(teams: dict[str, Team], staff: dict[str, User]) -> Cast:
    categories = {category.slug: category for category in Category.objects.select_related("default_team")}
    agents_by_team: dict[int, list[User]] = {}
    memberships = Membership.objects.filter(team__in=teams.values(), user__is_active=True).select_related("user")
    for membership in memberships.order_by("-is_lead", "user__username"):
        agents_by_team.setdefault(membership.team_id, []).append(membership.user)
    return Cast(categories=categories, agents_by_team=agents_by_team, admin=staff["admin"])


def plan_stories(cast: Cast, count: int, seed: int, *, now: datetime) -> list[Story]:
    """Plan ``count`` stories, every demo customer in at least one, sorted by when each case opens.

    Each story draws from its own random stream, so the same seed always tells the same demo.
    """
    contacts = demo_contacts()
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    order = rng.sample(contacts, len(contacts))
    chosen = [order[index] if index < len(order) else rng.choice(contacts) for index in range(count)]
    streams = [random.Random(f"{seed}:{index}") for index in range(count)]  # noqa: S311 - demo data
    stories = [Story.plan(stream, cast, contact, now) for stream, contact in zip(streams, chosen, strict=True)]
    return sorted(stories, key=lambda story: story.opened_at or now)
