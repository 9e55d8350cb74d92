"""Issue 18's neutrality acceptance (SPEC §3.5): over random rosters and tie graphs no conflicted neutral is
ever appointed, also after disclosures, objections and redraws; every log shows the disclosure before the
appointment; the draw is uniform among the eligible (chi-square); the seed replays the draw."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import chisquare

from soridam.accounts.models import Role
from soridam.audit.actors import Actor
from soridam.cases.models import Case
from soridam.neutrals import selection
from soridam.neutrals.conflicts import eligible_ids
from soridam.neutrals.models import Draw, DrawState, Neutral, NeutralEvent, Party, Tie, TieKind
from soridam.neutrals.selection import DeclaredTie
from soridam.neutrals.tests.factories import handled, make_dispute, make_neutral, make_shop, make_user, order
from soridam.odr.models import Dispute

SEOUL = ZoneInfo("Asia/Seoul")
START = datetime(2026, 12, 7, 10, 0, tzinfo=SEOUL)  # a Monday
TARGETS = ["claimant", "other_customer", "dispute_shop", "other_shop", "business", "staff_user", "other_user"]


@dataclass(frozen=True)
class Spec:
    staff: bool
    active: bool
    ties: tuple[str, ...]
    handled: str | None
    ordered_at: str | None


specs = st.builds(
    Spec,
    staff=st.booleans(),
    active=st.booleans(),
    ties=st.lists(st.sampled_from(TARGETS), max_size=2).map(tuple),
    handled=st.sampled_from([None, None, "claimant_case", "other_case"]),
    ordered_at=st.sampled_from([None, None, "dispute_shop", "other_shop"]),
)


def expected_conflict(spec: Spec, marketplace: bool) -> bool:
    """The rule of R-ODR-8, written independently of ``conflicts``."""
    business = not marketplace
    reaches = {
        "claimant": True,
        "other_customer": False,
        "dispute_shop": True,
        "other_shop": business,
        "business": business,
        "staff_user": business,
        "other_user": False,
    }
    return (
        (spec.staff and business)
        or any(reaches[target] for target in spec.ties)
        or spec.handled == "claimant_case"
        or (spec.handled == "other_case" and business)
        or spec.ordered_at == "dispute_shop"
        or (spec.ordered_at == "other_shop" and business)
    )


@dataclass
class World:
    claimant_case: Case
    other_case: Case
    dispute_shop: Any
    other_shop: Any
    staff_user: Any
    other_user: Any


@pytest.fixture
def world(make_case: Callable[..., Case]) -> World:
    return World(
        claimant_case=make_case(email="claimant@example.kr"),
        other_case=make_case(email="someone-else@example.kr"),
        dispute_shop=make_shop("merchant"),
        other_shop=make_shop("elsewhere"),
        staff_user=make_user(Role.AGENT, "agent"),
        other_user=make_user(Role.CUSTOMER, "friend"),
    )


def build(world: World, spec: Spec) -> Neutral:
    neutral = make_neutral(staff=spec.staff, active=spec.active)
    for target in spec.ties:
        side: dict[str, Any] = {
            "claimant": {"customer": world.claimant_case.customer},
            "other_customer": {"customer": world.other_case.customer},
            "dispute_shop": {"shop": world.dispute_shop},
            "other_shop": {"shop": world.other_shop},
            "business": {"business": True},
            "staff_user": {"user": world.staff_user},
            "other_user": {"user": world.other_user},
        }[target]
        Tie.objects.create(neutral=neutral, kind=TieKind.FINANCIAL, **side)
    if spec.handled:
        handled(neutral.user, getattr(world, spec.handled), START - timedelta(days=200))
    if spec.ordered_at:
        order(getattr(world, spec.ordered_at), buyer=neutral.user, at=START - timedelta(days=100))
    return neutral


def assert_disclosure_before_appointment(dispute: Dispute) -> None:
    """Every appointment in the log follows that draw's disclosure and the parties' notice, in that order."""
    seen: dict[int, list[str]] = {}
    for event in NeutralEvent.objects.filter(dispute=dispute).order_by("at", "pk"):
        steps = seen.setdefault(event.draw_id or 0, [])
        if event.kind == "appointed":
            assert steps[:3] == ["drawn", "disclosed", "parties_told"]
        steps.append(event.kind)


def run_selection(dispute: Dispute, script: list[int], root: Any) -> set[int]:
    """Drive draws, disclosures (sometimes with a tie), objections and decisions from ``script``; returns the
    neutrals who disclosed a tie."""
    tied: set[int] = set()
    moves = iter(script)
    now = START
    selection.draw_neutral(dispute, "seed-0", at=now)
    for _round in range(8):
        current = Draw.objects.filter(dispute=dispute).order_by("-number").first()
        if current is None or current.state in (DrawState.NONE_ELIGIBLE, DrawState.APPOINTED):
            break
        assert current.neutral is not None
        move = next(moves, 0)
        ties = [DeclaredTie(TieKind.FAMILY, Party.RESPONDENT)] if move % 5 == 1 else []
        tied |= {current.neutral_id} if ties else set()
        current = selection.file_disclosure(current, "statement", ties, actor=Actor(user=current.neutral.user), at=now)
        if current.state == DrawState.OBJECTION_WINDOW:
            if move % 5 in (2, 3):
                objection = selection.object_to(current, Party.CLAIMANT, "doubt", actor=Actor(user=root), at=now)
                later = now + timedelta(days=5)
                selection.decide_objection(objection, uphold=move % 5 == 2, note="", actor=Actor(user=root), at=later)
            now += timedelta(days=7)
            selection.appoint_due(now)
    return tied


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(roster=st.lists(specs, min_size=1, max_size=6), marketplace=st.booleans(), script=st.lists(st.integers(0, 9)))
def test_no_conflicted_neutral_is_ever_appointed(
    world: World, root: Any, roster: list[Spec], marketplace: bool, script: list[int]
) -> None:
    with transaction.atomic(), override_settings(SORIDAM_ODR_MARKETPLACE=marketplace):
        dispute = make_dispute(world.claimant_case, world.dispute_shop)
        neutrals = [(build(world, spec), spec) for spec in roster]
        expected = sorted(n.pk for n, spec in neutrals if spec.active and not expected_conflict(spec, marketplace))
        assert eligible_ids(dispute, START) == expected
        tied = run_selection(dispute, script, root)
        conflicted = {n.pk for n, spec in neutrals if expected_conflict(spec, marketplace) or not spec.active}
        appointed = list(Draw.objects.filter(dispute=dispute, state=DrawState.APPOINTED))
        assert len(appointed) <= 1
        for draw in appointed:
            assert draw.neutral_id not in conflicted | tied
        for draw in Draw.objects.filter(dispute=dispute):
            assert draw.neutral_id is None or draw.neutral_id not in conflicted
            assert selection.replay(draw) == draw.neutral_id
        assert_disclosure_before_appointment(dispute)
        transaction.set_rollback(True)


def test_the_draw_is_uniform_among_the_eligible_by_chi_square() -> None:
    eligible = [3, 8, 15, 16, 23, 42, 57]
    counts = Counter(selection.pick(eligible, f"chi-square-{i}") for i in range(5000))
    assert set(counts) == set(eligible)
    result = chisquare([counts[neutral] for neutral in eligible])
    assert result.pvalue > 0.001, counts


def test_the_draw_never_favours_by_position_over_many_disputes(world: World) -> None:
    """The same through the product's ``draw_neutral``: 350 draws over 5 eligible neutrals (70 expected each)."""
    roster = [make_neutral() for _ in range(5)]
    counts: Counter[int] = Counter()
    for i in range(350):
        with transaction.atomic():
            dispute = make_dispute(world.claimant_case, world.dispute_shop)
            draw = selection.draw_neutral(dispute, f"uniform-{i}", at=START)
            assert draw.eligible_ids == [n.pk for n in roster]
            counts[draw.neutral_id or 0] += 1
            transaction.set_rollback(True)
    result = chisquare([counts[n.pk] for n in roster])
    assert result.pvalue > 0.001, counts


@given(seed=st.text(min_size=1, max_size=40), eligible=st.sets(st.integers(1, 10_000), min_size=1, max_size=30))
def test_the_seed_replays_the_same_draw_whatever_the_order_of_the_list(seed: str, eligible: set[int]) -> None:
    ordered = sorted(eligible)
    assert selection.pick(ordered, seed) == selection.pick(list(reversed(ordered)), seed)
    assert selection.pick(ordered, seed) in eligible
