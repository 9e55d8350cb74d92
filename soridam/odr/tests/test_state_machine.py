"""R-ODR-3 and R-ODR-11 on a simulated clock: whatever the parties do or fail to do, every dispute ends
within the pack's maximum, and no decision is made without delivered notice and a used or elapsed window.

Hypothesis drives the parties, the neutral, the notice worker and the clock; the scheduler's job runs after
every move of the clock, as in production.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases.models import Case
from soridam.odr import actions, bidding_actions, decision_actions, packs, states
from soridam.odr.actions import DisputeError
from soridam.odr.algorithms.commit import commitment
from soridam.odr.models import Dispute, Item, MerchantPledge, Notice, NoticeState, Role, Visibility
from soridam.odr.tasks import deliver_notice, expire_odr_deadlines
from soridam.sla.schedules import default_schedule

pytestmark = pytest.mark.django_db
START = datetime.fromisoformat("2026-09-21T10:00:00+09:00")  # a Monday before 추석, to cross holidays
PARTIES = st.sampled_from([Role.CLAIMANT, Role.RESPONDENT])
NONCE = "ab" * 32


class DisputeMachine(RuleBasedStateMachine):
    case: ClassVar[Case]
    ria: ClassVar[User]
    nora: ClassVar[User]

    def __init__(self) -> None:
        super().__init__()
        self.clock = time_machine.travel(START, tick=False)
        self.traveller = self.clock.start()
        self.now = START
        filing = actions.Filing(
            order_number="ORD-1", issues=["damaged"], desired_outcome="refund", desired_amount=80_000
        )
        with transaction.atomic():
            self.dispute = actions.file_dispute(self.case, filing, actor=Actor(customer=self.case.customer))
        self.pack = packs.pack_version(self.dispute.pack_code, self.dispute.pack_version)

    def actor(self, role: str) -> Actor:
        if role == Role.CLAIMANT:
            return Actor(customer=self.case.customer)
        return Actor(user=self.ria if role == Role.RESPONDENT else self.nora)

    def act(self, fn: Any, *args: Any, **kwargs: Any) -> None:
        """One action under the row lock; a refusal (DisputeError) changes nothing, as on the pages."""
        try:
            with transaction.atomic():
                dispute = Dispute.objects.select_for_update(of=("self",)).select_related("case", "claimant", "neutral")
                fn(dispute.get(pk=self.dispute.pk), *args, **kwargs)
        except DisputeError:
            pass

    # ---- the parties
    @rule()
    def answer(self) -> None:
        self.act(lambda d: actions.answer(d, "our answer", actor=self.actor(Role.RESPONDENT)))

    @rule(role=PARTIES)
    def ask_mediation(self, role: str) -> None:
        self.act(lambda d: actions.ask_mediation(d, role, actor=self.actor(role)))

    @rule()
    def start_mediation(self) -> None:
        self.act(lambda d: actions.start_mediation(d, actor=self.actor(Role.CLAIMANT), role=Role.CLAIMANT))

    @rule(role=st.sampled_from([Role.CLAIMANT, Role.RESPONDENT, Role.NEUTRAL]), caucus=st.booleans())
    def post(self, role: str, caucus: bool) -> None:
        visibility = Visibility.PUBLIC
        if caucus:
            visibility = {Role.CLAIMANT: Visibility.CAUCUS_CLAIMANT, Role.RESPONDENT: Visibility.CAUCUS_RESPONDENT}.get(
                role, Visibility.NEUTRAL_ONLY
            )
        self.act(lambda d: actions.post_item(d, role, "words", actor=self.actor(role), visibility=visibility))

    @rule(role=PARTIES, amount=st.integers(0, 200_000), accept=st.booleans())
    def offer(self, role: str, amount: int, accept: bool) -> None:
        self.act(lambda d: actions.make_offer(d, role, "refund", amount, self.now.date(), actor=self.actor(role)))
        other = Role.RESPONDENT if role == Role.CLAIMANT else Role.CLAIMANT
        last = self.dispute.offers.order_by("-id").first()
        if last is not None:
            self.act(lambda d: actions.answer_offer(last, other, accept, actor=self.actor(other)))

    @rule(role=PARTIES)
    def open_round(self, role: str) -> None:
        def go(d: Dispute) -> None:
            round = bidding_actions.open_round(d, actor=self.actor(role), role=role)
            for side in (Role.CLAIMANT, Role.RESPONDENT):
                bidding_actions.accept_rule(round, side, actor=self.actor(side))

        self.act(go)

    @rule(role=PARTIES, amount=st.integers(0, 200_000))
    def commit(self, role: str, amount: int) -> None:
        round = self.dispute.rounds.order_by("-number").first()
        if round is not None:
            digest = commitment(self.dispute.pk, round.number, role, amount, NONCE)
            self.amounts = {**getattr(self, "amounts", {}), (round.number, role): amount}
            self.act(lambda d: bidding_actions.commit(round, role, digest, actor=self.actor(role)))

    @rule(role=PARTIES, honest=st.booleans())
    def reveal(self, role: str, honest: bool) -> None:
        round = self.dispute.rounds.order_by("-number").first()
        amount = getattr(self, "amounts", {}).get((round.number, role)) if round else None
        if round is not None and amount is not None:
            shown = amount if honest else amount + 1
            self.act(lambda d: bidding_actions.reveal(round, role, shown, NONCE, actor=self.actor(role)))

    @rule(role=PARTIES)
    def withdraw_or_refer(self, role: str) -> None:
        if role == Role.CLAIMANT:
            self.act(lambda d: actions.withdraw(d, actor=self.actor(role)))
        else:
            self.act(lambda d: actions.refer(d, "kca", actor=self.actor(role), role=role))

    @rule(role=PARTIES)
    def extend(self, role: str) -> None:
        self.act(lambda d: actions.extend_mediation(d, role, actor=self.actor(role)))

    @rule(role=PARTIES, form=st.sampled_from(decision_actions.ARBITRATION_FORMS))
    def consent(self, role: str, form: str) -> None:
        def go(d: Dispute) -> None:
            shown = decision_actions.text_hash(decision_actions.consent_text(d, form))
            decision_actions.consent(d, role, form, shown, actor=self.actor(role))

        self.act(go)

    @rule(role=PARTIES, accept=st.booleans())
    def answer_recommendation(self, role: str, accept: bool) -> None:
        self.act(lambda d: decision_actions.answer_recommendation(d, role, accept, actor=self.actor(role)))

    @rule(role=PARTIES)
    def obligation_met(self, role: str) -> None:
        obligation = self.dispute.obligations.filter(met_at__isnull=True).first()
        if obligation is not None:
            self.act(lambda d: actions.obligation_met(obligation, "transfer", actor=self.actor(role), role=role))

    # ---- the neutral
    @rule()
    def appoint(self) -> None:
        self.act(lambda d: actions.assign_neutral(d, self.nora, actor=Actor(system="draw")))

    @rule(kind=st.sampled_from(["recommendation", "award"]), amount=st.integers(0, 200_000))
    def decide(self, kind: str, amount: int) -> None:
        self.act(lambda d: decision_actions.decide(d, kind, self.nora, "reasons", "refund", amount))

    @rule()
    def start_arbitration(self) -> None:
        self.act(lambda d: decision_actions.start_arbitration(d, actor=self.actor(Role.NEUTRAL)))

    # ---- the notice worker and the clock
    @rule(deliver=st.booleans())
    def notice_worker(self, deliver: bool) -> None:
        queued = Notice.objects.filter(dispute=self.dispute, state=NoticeState.QUEUED)
        for notice_id in queued.values_list("pk", flat=True):
            if deliver:
                deliver_notice.call(notice_id)

    @rule(hours=st.integers(1, 24 * 12))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)
        self.traveller.move_to(self.now)
        expire_odr_deadlines.call()

    # ---- what must always hold
    @invariant()
    def ends_in_time(self) -> None:
        self.dispute.refresh_from_db()
        if states.is_terminal(self.dispute.state):
            assert self.dispute.deadline_at is None
            return
        assert self.dispute.deadline_at is not None
        elapsed = states.business_days_between(default_schedule(), self.dispute.created_at, self.now)
        assert elapsed <= states.max_business_days(self.pack)

    @invariant()
    def no_decision_without_notice_and_window(self) -> None:
        for decision in self.dispute.decisions.all():
            before = self.dispute.items.filter(visibility=Visibility.PUBLIC, created_at__lte=decision.created_at)
            last = before.order_by("-id").first()
            assert last is not None
            for role in (Role.CLAIMANT, Role.RESPONDENT):
                if role != last.author_role:
                    delivered = Notice.objects.filter(event__data__item=last.pk, role=role, delivered_at__isnull=False)
                    assert delivered.filter(delivered_at__lte=decision.created_at).exists()
            answered = self.dispute.items.filter(answers=last, created_at__lte=decision.created_at).exists()
            assert answered or last.comment_due_at is None or last.comment_due_at < decision.created_at

    def teardown(self) -> None:
        """Nobody does anything more: the deadlines alone end the dispute, within the maximum."""
        try:
            for _ in range(40):
                self.dispute.refresh_from_db()
                if states.is_terminal(self.dispute.state):
                    break
                assert self.dispute.deadline_at is not None
                self.now = max(self.now, self.dispute.deadline_at) + timedelta(minutes=1)
                self.traveller.move_to(self.now)
                expire_odr_deadlines.call()
            self.dispute.refresh_from_db()
            assert states.is_terminal(self.dispute.state)
            event(f"ended {self.dispute.state} ({self.dispute.outcome}), decisions: {self.dispute.decisions.count()}")
            ended = self.dispute.events.order_by("-id").first()
            assert ended is not None
            elapsed = states.business_days_between(default_schedule(), self.dispute.created_at, ended.created_at)
            assert elapsed <= states.max_business_days(self.pack)
        finally:
            self.clock.stop()


@pytest.mark.parametrize("pledged", [False, True])
def test_every_dispute_ends_within_the_maximum_and_decides_only_after_notice(
    make_case: Any, ria: User, nora: User, pledged: bool
) -> None:
    if pledged:
        MerchantPledge.objects.create(text="We take part in every dispute.")
    DisputeMachine.case, DisputeMachine.ria, DisputeMachine.nora = make_case(), ria, nora
    run_state_machine_as_test(
        DisputeMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )


def test_the_invariant_catches_a_decision_inside_an_open_window(make_case: Any, ria: User, nora: User) -> None:
    """The due-process check is what stops a decision: without it the neutral could decide at once."""
    case = make_case()
    filing = actions.Filing(order_number="", issues=["x"], desired_outcome="refund")
    dispute = actions.file_dispute(case, filing, actor=Actor(customer=case.customer))
    actions.answer(dispute, "a", actor=Actor(user=ria))
    for role in (Role.CLAIMANT, Role.RESPONDENT):
        actions.ask_mediation(dispute, role, actor=Actor(system="t"))
    actions.start_mediation(dispute, actor=Actor(system="t"), role=Role.CLAIMANT)
    actions.assign_neutral(dispute, nora, actor=Actor(system="t"))
    actions.post_item(dispute, Role.CLAIMANT, "new evidence", actor=Actor(system="t"), kind=Item.EVIDENCE)
    Notice.objects.update(state=NoticeState.DELIVERED)
    with pytest.raises(DisputeError, match="window"):
        decision_actions.decide(dispute, "recommendation", nora, "r", "refund", 1)
