"""Golden flows through odr.actions: the rows, the chained audit stream, the notices and their receipts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from soridam.accounts.models import User
from soridam.alerts.models import Alert, AlertKind
from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.audit.models import AuditEntry
from soridam.audit.purge import purging
from soridam.odr import actions, bidding_actions, decision_actions
from soridam.odr.algorithms.commit import commitment
from soridam.odr.models import Dispute, DisputeState, Item, MerchantPledge, NoticeState, Role, Visibility
from soridam.odr.tasks import expire_odr_deadlines
from soridam.odr.tests.conftest import claimant

pytestmark = pytest.mark.django_db
NONCE_C, NONCE_B = "c" * 64, "b" * 64


def test_filing_opens_the_answer_stage_and_notifies_the_respondent_with_a_receipt(filed: Dispute, ria: User) -> None:
    assert filed.state == DisputeState.ANSWER
    assert filed.pack_code == "KR"
    assert filed.pack_version == "KR-2026.1"
    assert filed.deadline_at is not None
    notice = filed.notices.get(role=Role.RESPONDENT, event__kind="moved")
    assert notice.recipient == "ria@shop.test"
    assert notice.state == NoticeState.DELIVERED
    assert notice.delivered_at is not None
    assert [m.to for m in mail.outbox if "dispute" in m.subject] == [["ria@shop.test"]]


def test_every_event_is_in_the_chained_audit_stream_and_an_edit_breaks_it(filed: Dispute) -> None:
    stream = audit.stream_of(filed)
    entries = list(AuditEntry.objects.filter(stream=stream).order_by("seq"))
    assert [e.entry_hash for e in entries] == list(filed.events.values_list("audit_hash", flat=True))
    assert audit.first_broken_entry(stream) is None
    first = entries[0]
    with transaction.atomic(), purging():  # past the PostgreSQL append-only trigger, as a database owner could
        AuditEntry.objects.filter(pk=first.pk).update(data={**first.data, "amount": 1})
    assert audit.first_broken_entry(stream) == first


def _bid(run: Callable[..., Any], dispute: Dispute, offer: int, demand: int) -> None:
    round = run(bidding_actions.open_round, dispute, actor=claimant(dispute), role=Role.CLAIMANT)
    for role in (Role.CLAIMANT, Role.RESPONDENT):
        bidding_actions.accept_rule(round, role, actor=Actor(system="t"))
    round.refresh_from_db()
    c = commitment(dispute.pk, round.number, Role.CLAIMANT, demand, NONCE_C)
    b = commitment(dispute.pk, round.number, Role.RESPONDENT, offer, NONCE_B)
    bidding_actions.commit(round, Role.CLAIMANT, c, actor=Actor(system="t"))
    bidding_actions.commit(round, Role.RESPONDENT, b, actor=Actor(system="t"))
    round.refresh_from_db()
    bidding_actions.reveal(round, Role.CLAIMANT, demand, NONCE_C, actor=Actor(system="t"))
    round.refresh_from_db()
    run(lambda d: bidding_actions.reveal(round, Role.RESPONDENT, offer, NONCE_B, actor=Actor(system="t")), dispute)


def test_whole_dispute_two_failed_rounds_mediation_recommendation_obligation(
    filed: Dispute, ria: User, nora: User, run: Callable[..., Any]
) -> None:
    ria_actor = Actor(user=ria)
    run(actions.answer, filed, "We shipped it; here is the tracking.", actor=ria_actor)
    _bid(run, filed, 40_000, 100_000)
    _bid(run, filed, 50_000, 80_000)
    assert list(filed.rounds.values_list("state", flat=True)) == ["failed", "failed"]
    assert not filed.rounds.filter(bids__amount__isnull=False).exists()  # failed rounds keep no amount
    run(actions.ask_mediation, filed, Role.CLAIMANT, actor=claimant(filed))
    run(actions.ask_mediation, filed, Role.RESPONDENT, actor=ria_actor)
    run(actions.start_mediation, filed, actor=ria_actor, role=Role.RESPONDENT)
    run(actions.assign_neutral, filed, nora, actor=Actor(system="draw"))
    run(
        actions.post_item,
        filed,
        Role.CLAIMANT,
        "caucus: I would take 70,000",
        actor=claimant(filed),
        visibility=Visibility.CAUCUS_CLAIMANT,
    )
    run(actions.post_item, filed, Role.NEUTRAL, "Please both comment on the tracking record.", actor=Actor(user=nora))
    with time_machine.travel(timezone.now() + timedelta(days=6)):  # the window elapsed
        decision = run(
            decision_actions.decide, filed, "recommendation", nora, "Proof of delivery is missing.", "refund", 70_000
        )
        assert decision.rule_version == "KR-2026.1"
        run(decision_actions.answer_recommendation, filed, Role.CLAIMANT, True, actor=claimant(filed))
        run(decision_actions.answer_recommendation, filed, Role.RESPONDENT, True, actor=ria_actor)
        filed.refresh_from_db()
        assert filed.state == DisputeState.COMPLIANCE
        obligation = filed.obligations.get()
        assert (obligation.remedy, obligation.amount, obligation.obligor_role) == ("refund", 70_000, Role.RESPONDENT)
        run(lambda d: actions.obligation_met(obligation, "transfer 8812", actor=ria_actor, role=Role.RESPONDENT), filed)
    filed.refresh_from_db()
    assert filed.state == DisputeState.SETTLED
    assert filed.deadline_at is None
    kinds = list(filed.events.values_list("kind", flat=True))
    for kind in ("filed", "round_failed", "neutral_appointed", "decided", "recommendation_answered", "obligation_met"):
        assert kind in kinds
    assert audit.first_broken_entry(audit.stream_of(filed)) is None


def test_blind_bidding_settles_at_the_midpoint_of_the_third_example_round(
    filed: Dispute, ria: User, run: Callable[..., Any]
) -> None:
    run(actions.answer, filed, "ok", actor=Actor(user=ria))
    _bid(run, filed, 52_000, 70_000)
    filed.refresh_from_db()
    assert filed.state == DisputeState.COMPLIANCE
    assert filed.obligations.get().amount == 61_000


def test_a_mismatched_reveal_is_refused_and_may_be_retried(filed: Dispute, ria: User, run: Callable[..., Any]) -> None:
    run(actions.answer, filed, "ok", actor=Actor(user=ria))
    round = run(bidding_actions.open_round, filed, actor=claimant(filed), role=Role.CLAIMANT)
    for role in (Role.CLAIMANT, Role.RESPONDENT):
        bidding_actions.accept_rule(round, role, actor=Actor(system="t"))
    digest = commitment(filed.pk, 1, Role.CLAIMANT, 90_000, NONCE_C)
    bidding_actions.commit(round, Role.CLAIMANT, digest, actor=Actor(system="t"))
    bidding_actions.commit(round, Role.RESPONDENT, "0" * 64, actor=Actor(system="t"))
    round.refresh_from_db()
    with pytest.raises(actions.DisputeError, match="do not match"):
        bidding_actions.reveal(round, Role.CLAIMANT, 80_000, NONCE_C, actor=Actor(system="t"))
    bidding_actions.reveal(round, Role.CLAIMANT, 90_000, NONCE_C, actor=Actor(system="t"))
    assert round.bids.get(role=Role.CLAIMANT).amount == 90_000


def test_an_unrevealed_bid_voids_the_round_and_erases_the_revealed_one(
    filed: Dispute, ria: User, run: Callable[..., Any]
) -> None:
    run(actions.answer, filed, "ok", actor=Actor(user=ria))
    round = run(bidding_actions.open_round, filed, actor=claimant(filed), role=Role.CLAIMANT)
    for role in (Role.CLAIMANT, Role.RESPONDENT):
        bidding_actions.accept_rule(round, role, actor=Actor(system="t"))
    bidding_actions.commit_server_sealed(round, Role.CLAIMANT, 90_000, actor=Actor(system="t"))
    bidding_actions.commit_server_sealed(round, Role.RESPONDENT, 10_000, actor=Actor(system="t"))
    round.refresh_from_db()
    bidding_actions.reveal_server_sealed(round, Role.CLAIMANT, actor=Actor(system="t"))
    with time_machine.travel(round.reveal_due_at + timedelta(minutes=1)):
        assert expire_odr_deadlines.call() >= 1
        assert expire_odr_deadlines.call() == 0  # idempotent
    round.refresh_from_db()
    assert round.state == "void"
    assert list(round.bids.values_list("amount", "sealed_amount")) == [(None, None), (None, None)]


def test_answer_expiry_deems_a_pledged_merchant_to_accept(filed: Dispute) -> None:
    MerchantPledge.objects.create(text="We answer every dispute.")
    actions.set_shop(filed, None)
    assert filed.deadline_at is not None
    with time_machine.travel(filed.deadline_at + timedelta(minutes=1)):
        expire_odr_deadlines.call()
    filed.refresh_from_db()
    assert filed.state == DisputeState.COMPLIANCE
    assert filed.outcome == "deemed_acceptance"
    assert filed.obligations.get().amount == 100_000


def test_unmet_obligation_escalates_to_the_lead_then_closes(
    filed: Dispute, lena: User, ria: User, run: Callable[..., Any]
) -> None:
    run(actions.settle, filed, "refund", 50_000, "agreed", actor=Actor(user=ria), role=Role.RESPONDENT)
    filed.refresh_from_db()
    assert filed.deadline_at is not None
    with time_machine.travel(filed.deadline_at + timedelta(minutes=1)):
        expire_odr_deadlines.call()
    filed.refresh_from_db()
    assert filed.state == DisputeState.COMPLIANCE
    assert filed.escalated
    assert filed.obligations.get().escalated_at is not None
    assert Alert.objects.filter(kind=AlertKind.DISPUTE_OVERDUE, recipient=lena).exists()
    with time_machine.travel(filed.deadline_at + timedelta(minutes=1)):
        expire_odr_deadlines.call()
    filed.refresh_from_db()
    assert filed.state == DisputeState.CLOSED
    assert filed.outcome == "unresolved_after_escalation"


def test_a_late_item_is_marked(filed: Dispute, ria: User, run: Callable[..., Any]) -> None:
    run(actions.answer, filed, "ok", actor=Actor(user=ria))
    first = filed.items.get(author_role=Role.RESPONDENT)
    assert first.comment_due_at is not None
    with time_machine.travel(first.comment_due_at + timedelta(minutes=1)):
        item = run(actions.post_item, filed, Role.CLAIMANT, "too late?", actor=claimant(filed))
    assert item.late
    assert item.answers == first
    on_time = run(actions.post_item, filed, Role.RESPONDENT, "reply", actor=Actor(user=ria))
    assert not on_time.late


def test_consent_must_match_the_text_shown_for_this_dispute(
    filed: Dispute, ria: User, nora: User, run: Callable[..., Any]
) -> None:
    run(actions.answer, filed, "ok", actor=Actor(user=ria))
    run(actions.ask_mediation, filed, Role.CLAIMANT, actor=claimant(filed))
    run(actions.ask_mediation, filed, Role.RESPONDENT, actor=Actor(user=ria))
    run(actions.start_mediation, filed, actor=Actor(user=ria), role=Role.RESPONDENT)
    clause = decision_actions.text_hash("Any dispute shall be settled by arbitration (terms of sale, 2025).")
    with pytest.raises(actions.DisputeError):
        run(decision_actions.consent, filed, Role.CLAIMANT, "final_offer", clause, actor=claimant(filed))
    shown = decision_actions.text_hash(decision_actions.consent_text(filed, "final_offer"))
    run(decision_actions.consent, filed, Role.CLAIMANT, "final_offer", shown, actor=claimant(filed))
    with pytest.raises(actions.DisputeError, match="both sides"):
        run(decision_actions.start_arbitration, filed, actor=Actor(user=nora))
    run(decision_actions.consent, filed, Role.RESPONDENT, "final_offer", shown, actor=Actor(user=ria))
    assert run(decision_actions.start_arbitration, filed, actor=Actor(user=nora)) == "final_offer"


def test_no_decision_before_delivery_and_a_used_or_elapsed_window(
    filed: Dispute, ria: User, nora: User, run: Callable[..., Any]
) -> None:
    run(actions.answer, filed, "ok", actor=Actor(user=ria))
    run(actions.ask_mediation, filed, Role.CLAIMANT, actor=claimant(filed))
    run(actions.ask_mediation, filed, Role.RESPONDENT, actor=Actor(user=ria))
    run(actions.start_mediation, filed, actor=Actor(user=ria), role=Role.RESPONDENT)
    run(actions.assign_neutral, filed, nora, actor=Actor(system="draw"))
    item = run(actions.post_item, filed, Role.CLAIMANT, "my evidence", actor=claimant(filed), kind=Item.EVIDENCE)
    with pytest.raises(actions.DisputeError, match="window"):
        run(decision_actions.decide, filed, "recommendation", nora, "reasons", "refund", 1)
    filed.notices.filter(event__data__item=item.pk).update(state=NoticeState.QUEUED)
    with (
        time_machine.travel(item.comment_due_at + timedelta(minutes=1)),
        pytest.raises(actions.DisputeError, match="delivered"),
    ):
        run(decision_actions.decide, filed, "recommendation", nora, "reasons", "refund", 1)


def test_a_neutral_note_does_not_cut_a_partys_window_short(
    filed: Dispute, ria: User, nora: User, run: Callable[..., Any]
) -> None:
    run(actions.answer, filed, "ok", actor=Actor(user=ria))
    for role in (Role.CLAIMANT, Role.RESPONDENT):
        run(actions.ask_mediation, filed, role, actor=Actor(system="t"))
    run(actions.start_mediation, filed, actor=Actor(user=ria), role=Role.RESPONDENT)
    run(actions.assign_neutral, filed, nora, actor=Actor(system="draw"))
    run(actions.post_item, filed, Role.CLAIMANT, "answering the answer", actor=claimant(filed))
    run(actions.post_item, filed, Role.NEUTRAL, "I will now recommend.", actor=Actor(user=nora))
    with pytest.raises(actions.DisputeError, match="window"):
        run(decision_actions.decide, filed, "recommendation", nora, "reasons", "refund", 1)
    run(actions.post_item, filed, Role.RESPONDENT, "our last word", actor=Actor(user=ria))
    with pytest.raises(actions.DisputeError, match="window"):  # now the claimant may answer that
        run(decision_actions.decide, filed, "recommendation", nora, "reasons", "refund", 1)
    last = filed.items.filter(author_role=Role.RESPONDENT).order_by("-id").first()
    assert last is not None
    assert last.comment_due_at is not None
    with time_machine.travel(last.comment_due_at + timedelta(seconds=1)):
        run(decision_actions.decide, filed, "recommendation", nora, "reasons", "refund", 1)
    filed.refresh_from_db()
    assert filed.state == DisputeState.RECOMMENDATION


def test_a_final_offer_award_is_one_of_the_two_final_offers(
    filed: Dispute, ria: User, nora: User, run: Callable[..., Any]
) -> None:
    run(actions.answer, filed, "ok", actor=Actor(user=ria))
    for role in (Role.CLAIMANT, Role.RESPONDENT):
        run(actions.ask_mediation, filed, role, actor=Actor(system="t"))
    run(actions.start_mediation, filed, actor=Actor(user=ria), role=Role.RESPONDENT)
    run(actions.assign_neutral, filed, nora, actor=Actor(system="draw"))
    shown = decision_actions.text_hash(decision_actions.consent_text(filed, "final_offer"))
    run(decision_actions.consent, filed, Role.CLAIMANT, "final_offer", shown, actor=claimant(filed))
    run(decision_actions.consent, filed, Role.RESPONDENT, "final_offer", shown, actor=Actor(user=ria))
    run(decision_actions.start_arbitration, filed, actor=Actor(user=nora))
    today = timezone.now().date()
    run(actions.make_offer, filed, Role.CLAIMANT, "refund", 300_000, today, actor=claimant(filed))
    run(actions.make_offer, filed, Role.RESPONDENT, "refund", 180_000, today, actor=Actor(user=ria))
    due = filed.items.order_by("-id").first()
    assert due is not None
    assert due.comment_due_at is not None
    with time_machine.travel(due.comment_due_at + timedelta(seconds=1)):
        with pytest.raises(actions.DisputeError, match="final offers"):
            run(decision_actions.decide, filed, "award", nora, "a = 230,000", "refund", 230_000)
        award = run(decision_actions.decide, filed, "award", nora, "a = 230,000 is nearer 180,000", "refund", 180_000)
    assert award.algorithm_version == decision_actions.FINAL_OFFER_VERSION
    filed.refresh_from_db()
    assert filed.state == DisputeState.COMPLIANCE
    assert filed.obligations.get().amount == 180_000
