from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.audit.audit import first_broken_entry, stream_of
from soridam.audit.models import AuditEntry
from soridam.audit.purge import purging
from soridam.cases import actions
from soridam.cases.errors import InvalidChange, InvalidTransition
from soridam.cases.models import Case, Status, TimelineEvent
from soridam.cases.stages import STAGE_ORDER, Stage
from soridam.notifications.models import OutboundMessage

pytestmark = pytest.mark.django_db


def test_new_case_starts_at_intake_with_reference_team_timeline_audit_and_acknowledgement(
    make_case: Callable[..., Case],
) -> None:
    case = make_case()
    assert re.fullmatch(r"C-\d{4}-\d{6}", case.reference)
    assert case.stage == Stage.INTAKE
    assert case.status == Status.OPEN
    assert case.intake_at is not None
    assert case.team is not None
    assert case.team.slug == "delivery"
    assert list(case.events.values_list("kind", flat=True)) == ["created"]
    assert AuditEntry.objects.filter(stream=stream_of(case), action="case.created").count() == 1
    assert OutboundMessage.objects.get(case=case).state == "sent"
    assert case.reference in mail.outbox[0].subject
    assert case.tracking_token in mail.outbox[0].body


def test_case_references_are_unique(make_case: Callable[..., Case]) -> None:
    references = {make_case().reference for _ in range(5)}
    assert len(references) == 5


def test_forward_moves_are_allowed_and_stamp_each_stage(make_case: Callable[..., Case], agent_actor: Actor) -> None:
    case = make_case()
    for stage in STAGE_ORDER[1:]:
        actions.change_stage(case, stage, actor=agent_actor)
    case.refresh_from_db()
    assert case.stage == Stage.FOLLOW_UP
    assert all(case.stage_entered_at(stage) is not None for stage in STAGE_ORDER)
    moves = list(case.events.filter(kind="stage_changed").values_list("from_value", "to_value"))
    assert moves[0] == ("intake", "classification")
    assert moves[-1] == ("notification", "follow_up")


def test_moving_back_without_a_reason_is_refused_and_changes_nothing(
    make_case: Callable[..., Case], agent_actor: Actor
) -> None:
    case = make_case()
    actions.change_stage(case, Stage.INVESTIGATION, actor=agent_actor)
    events_before = TimelineEvent.objects.count()
    with pytest.raises(InvalidTransition) as refused:
        actions.change_stage(case, Stage.CLASSIFICATION, actor=agent_actor)
    assert "classification" in refused.value.allowed
    case.refresh_from_db()
    assert case.stage == Stage.INVESTIGATION
    assert TimelineEvent.objects.count() == events_before
    actions.change_stage(case, Stage.CLASSIFICATION, actor=agent_actor, reason="wrong category")
    assert case.events.filter(kind="stage_changed", reason="wrong category").exists()


def test_same_stage_or_unknown_stage_is_an_invalid_move(make_case: Callable[..., Case], agent_actor: Actor) -> None:
    case = make_case()
    for target in ("intake", "nonsense"):
        with pytest.raises(InvalidTransition):
            actions.change_stage(case, target, actor=agent_actor)


def test_customer_reply_on_recently_closed_case_reopens_it(make_case: Callable[..., Case], agent_actor: Actor) -> None:
    case = make_case()
    actions.change_status(case, Status.CLOSED, actor=agent_actor)
    message = actions.receive_customer_message(
        case, "아직 해결이 안 됐어요", actor=Actor(customer=case.customer), channel="web"
    )
    case.refresh_from_db()
    assert message.case_id == case.pk
    assert case.status == Status.OPEN
    assert case.events.filter(kind="reopened").exists()


def test_customer_reply_after_the_window_opens_a_linked_case(
    make_case: Callable[..., Case], agent_actor: Actor, settings: object
) -> None:
    case = make_case()
    actions.change_status(case, Status.CLOSED, actor=agent_actor)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=30))
    case.refresh_from_db()
    message = actions.receive_customer_message(
        case, "또 문제가 생겼어요", actor=Actor(customer=case.customer), channel="web"
    )
    new_case = message.case
    assert new_case.pk != case.pk
    assert new_case.related_case_id == case.pk
    assert new_case.customer_id == case.customer_id
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_closing_sends_the_follow_up_survey(
    make_case: Callable[..., Case], agent_actor: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    case = make_case()
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_status(case, Status.CLOSED, actor=agent_actor)
    assert case.survey.rating is None
    assert OutboundMessage.objects.filter(case=case, kind="survey_request", state="sent").exists()


def test_agent_of_another_team_cannot_be_assigned(
    make_case: Callable[..., Case], agent_actor: Actor, alice: User, bob: User
) -> None:
    case = make_case()
    with pytest.raises(InvalidChange):
        actions.assign(case, bob, actor=agent_actor)
    actions.assign(case, alice, actor=agent_actor)
    assert Case.objects.get(pk=case.pk).assignee == alice


def test_notes_are_internal_and_never_emailed(make_case: Callable[..., Case], agent_actor: Actor) -> None:
    case = make_case()
    sent_before = len(mail.outbox)
    note = actions.add_note(case, "고객이 VIP입니다", actor=agent_actor)
    assert note.is_internal
    assert len(mail.outbox) == sent_before
    assert not case.events.get(kind="note").is_public


def test_audit_chain_verifies_and_detects_tampering(make_case: Callable[..., Case], agent_actor: Actor) -> None:
    case = make_case()
    actions.change_priority(case, "high", actor=agent_actor)
    actions.change_stage(case, Stage.CLASSIFICATION, actor=agent_actor)
    assert first_broken_entry(stream_of(case)) is None
    entry = AuditEntry.objects.get(stream=stream_of(case), seq=2)
    with transaction.atomic(), purging():  # past the PostgreSQL append-only trigger, as a database owner could
        AuditEntry.objects.filter(pk=entry.pk).update(data={"from": "normal", "to": "low"})
    broken = first_broken_entry(stream_of(case))
    assert broken is not None
    assert broken.pk == entry.pk


def test_customer_message_on_a_spam_case_is_kept_but_does_not_reopen_it(
    make_case: Callable[..., Case], agent_actor: Actor
) -> None:
    case = make_case()
    actions.change_status(case, Status.SPAM, actor=agent_actor)
    message = actions.receive_customer_message(case, "광고입니다", actor=Actor(customer=case.customer), channel="web")
    case.refresh_from_db()
    assert message.case_id == case.pk
    assert case.status == Status.SPAM
