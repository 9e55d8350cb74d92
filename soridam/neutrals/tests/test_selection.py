"""The draw, the disclosure, objections and appointment (R-ODR-8), step by step."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from soridam.audit.actors import Actor
from soridam.audit.audit import first_broken_entry, stream_of
from soridam.audit.models import AuditEntry
from soridam.cases.models import Case
from soridam.neutrals import selection
from soridam.neutrals.models import Decision, Draw, DrawState, NeutralEvent, Party, Tie, TieKind
from soridam.neutrals.selection import DeclaredTie, SelectionError
from soridam.neutrals.tests.factories import make_dispute, make_neutral, make_shop
from soridam.odr.models import Dispute, DisputeEvent, DisputeState

SEOUL = ZoneInfo("Asia/Seoul")
FRIDAY = datetime(2026, 12, 4, 15, 0, tzinfo=SEOUL)


@pytest.fixture
def dispute(make_case: Callable[..., Case], settings: Any) -> Dispute:
    settings.SORIDAM_ODR_MARKETPLACE = True
    return make_dispute(make_case(email="claimant@example.kr"), make_shop("merchant"))


def drawn(dispute: Dispute, seed: str = "seed-1", at: datetime = FRIDAY) -> Draw:
    return selection.draw_neutral(dispute, seed, at=at)


def disclose(draw: Draw, at: datetime = FRIDAY, ties: list[DeclaredTie] | None = None) -> Draw:
    assert draw.neutral is not None
    return selection.file_disclosure(draw, "No ties.", ties or [], actor=Actor(user=draw.neutral.user), at=at)


def kinds(dispute: Dispute) -> list[str]:
    return list(NeutralEvent.objects.filter(dispute=dispute).values_list("kind", flat=True))


def test_the_draw_stores_seed_and_sorted_eligible_ids_and_replays(dispute: Dispute) -> None:
    roster = [make_neutral() for _ in range(5)]
    draw = drawn(dispute, "a-fixed-seed")
    assert draw.seed == "a-fixed-seed"
    assert draw.eligible_ids == sorted(n.pk for n in roster)
    assert draw.state == DrawState.AWAITING_DISCLOSURE
    assert selection.replay(draw) == draw.neutral_id
    assert selection.pick(draw.eligible_ids, "a-fixed-seed") == draw.neutral_id
    event = NeutralEvent.objects.get(dispute=dispute, kind="drawn")
    assert event.data["seed"] == "a-fixed-seed"
    assert event.data["eligible"] == draw.eligible_ids


def test_without_a_seed_a_random_one_is_generated_and_kept(dispute: Dispute) -> None:
    make_neutral(), make_neutral()
    draw = selection.draw_neutral(dispute)
    assert len(draw.seed) == 32
    assert selection.replay(draw) == draw.neutral_id


def test_a_dispute_gets_one_open_draw_at_a_time(dispute: Dispute) -> None:
    make_neutral()
    drawn(dispute)
    with pytest.raises(SelectionError):
        drawn(dispute)


def test_no_eligible_neutral_is_recorded_and_a_later_draw_may_succeed(dispute: Dispute) -> None:
    draw = drawn(dispute)
    assert draw.state == DrawState.NONE_ELIGIBLE
    assert draw.neutral is None
    make_neutral()
    assert drawn(dispute).state == DrawState.AWAITING_DISCLOSURE


def test_parties_are_told_only_after_the_disclosure_and_the_window_is_two_business_days(dispute: Dispute) -> None:
    make_neutral()
    draw = drawn(dispute)
    assert draw.objection_deadline is None
    assert kinds(dispute) == ["drawn"]
    draw = disclose(draw)
    assert kinds(dispute) == ["drawn", "disclosed", "parties_told"]
    # Friday afternoon: Monday and Tuesday are the two business days; the window ends at Wednesday 00:00 KST.
    assert draw.objection_deadline == datetime(2026, 12, 9, 0, 0, tzinfo=SEOUL)
    assert draw.state == DrawState.OBJECTION_WINDOW


def test_the_claimant_is_told_on_the_case_only_after_the_disclosure(dispute: Dispute) -> None:
    from soridam.cases.models import MessageKind
    from soridam.neutrals.access import access_draw_by_token
    from soridam.notifications.models import NotificationKind, OutboundMessage

    make_neutral()
    replies = dispute.case.messages.filter(kind=MessageKind.REPLY)
    draw = drawn(dispute)
    assert not replies.exists()
    draw = disclose(draw)
    told = replies.get()
    token = re.search(r"/neutral/object/([^/\s]+)/", told.body)
    assert token is not None
    assert access_draw_by_token(token.group(1)) == draw  # the link names this draw
    assert "No ties." in told.body
    assert OutboundMessage.objects.filter(message=told, kind=NotificationKind.AGENT_REPLY).exists()
    assert NeutralEvent.objects.get(dispute=dispute, kind="parties_told").data["claimant_told"] is True


def test_the_window_skips_korean_public_holidays(dispute: Dispute) -> None:
    make_neutral()
    before_seollal = datetime(2027, 2, 5, 10, 0, tzinfo=SEOUL)  # Friday; 설날 is 6–9 Feb 2027 (with substitute)
    draw = disclose(drawn(dispute, at=before_seollal), at=before_seollal)
    assert draw.objection_deadline == datetime(2027, 2, 12, 0, 0, tzinfo=SEOUL)


def test_only_the_drawn_neutral_files_the_disclosure(dispute: Dispute) -> None:
    roster = [make_neutral(), make_neutral()]
    draw = drawn(dispute)
    stranger = next(neutral for neutral in roster if neutral.pk != draw.neutral_id)
    with pytest.raises(SelectionError):
        selection.file_disclosure(draw, "x", [], actor=Actor(user=stranger.user), at=FRIDAY)
    assert draw.state == DrawState.AWAITING_DISCLOSURE


def test_no_objection_by_the_deadline_appoints(dispute: Dispute) -> None:
    make_neutral()
    draw = disclose(drawn(dispute))
    assert selection.appoint_due(datetime(2026, 12, 8, 23, 59, tzinfo=SEOUL)) == 0
    assert selection.appoint_due(datetime(2026, 12, 9, 0, 0, tzinfo=SEOUL)) == 1
    draw.refresh_from_db()
    assert draw.state == DrawState.APPOINTED
    assert kinds(dispute) == ["drawn", "disclosed", "parties_told", "appointed"]


def test_an_objection_blocks_appointment_until_an_administrator_decides(dispute: Dispute, root: Any) -> None:
    make_neutral()
    draw = disclose(drawn(dispute))
    objection = selection.object_to(draw, Party.CLAIMANT, "They know the shop.", actor=Actor(customer=dispute.claimant))
    assert selection.appoint_due(datetime(2026, 12, 20, tzinfo=SEOUL)) == 0
    draw.refresh_from_db()
    assert draw.state == DrawState.OBJECTED
    later = datetime(2026, 12, 21, tzinfo=SEOUL)
    selection.decide_objection(objection, uphold=False, note="No tie shown.", actor=Actor(user=root), at=later)
    draw.refresh_from_db()
    assert draw.state == DrawState.APPOINTED
    objection.refresh_from_db()
    assert objection.decision == Decision.DISMISSED


def test_a_dismissal_inside_the_window_leaves_it_open_for_the_other_party(dispute: Dispute, root: Any) -> None:
    make_neutral()
    draw = disclose(drawn(dispute))
    objection = selection.object_to(draw, Party.RESPONDENT, "x", actor=Actor(user=root), at=FRIDAY)
    selection.decide_objection(objection, uphold=False, note="", actor=Actor(user=root), at=FRIDAY)
    draw.refresh_from_db()
    assert draw.state == DrawState.OBJECTION_WINDOW
    selection.object_to(draw, Party.CLAIMANT, "y", actor=Actor(customer=dispute.claimant), at=FRIDAY)
    with pytest.raises(SelectionError):
        selection.object_to(draw, Party.CLAIMANT, "again", actor=Actor(customer=dispute.claimant), at=FRIDAY)


def test_an_upheld_objection_redraws_without_that_neutral(dispute: Dispute, root: Any) -> None:
    first, second = make_neutral(), make_neutral()
    draw = disclose(drawn(dispute))
    objection = selection.object_to(draw, Party.CLAIMANT, "x", actor=Actor(customer=dispute.claimant), at=FRIDAY)
    new = selection.decide_objection(objection, uphold=True, note="", actor=Actor(user=root), at=FRIDAY, seed="s2")
    draw.refresh_from_db()
    assert draw.state == DrawState.REMOVED
    assert new.number == 2
    assert new.excluded_ids == [draw.neutral_id]
    assert new.neutral_id == ({first.pk, second.pk} - {draw.neutral_id}).pop()


def test_an_objection_after_the_window_is_refused(dispute: Dispute) -> None:
    make_neutral()
    draw = disclose(drawn(dispute))
    with pytest.raises(SelectionError):
        selection.object_to(
            draw, Party.CLAIMANT, "late", actor=Actor(customer=dispute.claimant), at=datetime(2026, 12, 9, tzinfo=SEOUL)
        )


def test_a_disclosed_tie_makes_the_neutral_recuse_and_the_next_draw_follows(dispute: Dispute) -> None:
    make_neutral(), make_neutral()
    draw = drawn(dispute)
    disclose(draw, ties=[DeclaredTie(TieKind.FAMILY, Party.CLAIMANT, "cousin")])
    draw.refresh_from_db()
    assert draw.state == DrawState.RECUSED
    assert Tie.objects.filter(neutral_id=draw.neutral_id, customer=dispute.claimant).exists()
    follow = Draw.objects.get(dispute=dispute, number=2)
    assert follow.neutral_id != draw.neutral_id
    assert draw.neutral_id in follow.excluded_ids


def test_a_tie_added_during_the_window_stops_the_appointment(dispute: Dispute) -> None:
    make_neutral()
    draw = disclose(drawn(dispute))
    assert draw.neutral is not None
    Tie.objects.create(neutral=draw.neutral, kind=TieKind.FINANCIAL, shop=dispute.shop)
    selection.appoint_due(datetime(2026, 12, 9, tzinfo=SEOUL))
    draw.refresh_from_db()
    assert draw.state == DrawState.RECUSED
    assert not Draw.objects.filter(dispute=dispute, state=DrawState.APPOINTED).exists()


def test_every_step_is_in_the_disputes_hash_chained_audit_stream(dispute: Dispute) -> None:
    make_neutral()
    disclose(drawn(dispute))
    selection.appoint_due(datetime(2026, 12, 9, tzinfo=SEOUL))
    stream = stream_of(dispute)
    actions = list(AuditEntry.objects.filter(stream=stream).order_by("seq").values_list("action", flat=True))
    appointed = ["neutrals.appointed", "odr.neutral_appointed"]  # the draw's, then the dispute's own record
    assert actions == ["neutrals.drawn", "neutrals.disclosed", "neutrals.parties_told", *appointed]
    assert first_broken_entry(stream) is None


def test_the_drawn_neutral_is_mailed_the_disclosure_link_once_the_draw_commits(
    dispute: Dispute, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    neutral = make_neutral()
    mailoutbox.clear()  # the claimant's "case opened"
    with django_capture_on_commit_callbacks(execute=True):
        draw = drawn(dispute)
    assert [message.to for message in mailoutbox] == [[neutral.user.email]]
    assert f"/neutral/draws/{draw.pk}/disclosure/" in mailoutbox[0].body
    assert "claimant@example.kr" not in mailoutbox[0].body


def test_the_scheduler_runs_the_deadline_job_and_it_appoints(dispute: Dispute) -> None:
    from django.utils import timezone

    from soridam.neutrals.tasks import appoint_due_neutrals
    from soridam.sla.periodic import SCHEDULE

    assert "soridam.neutrals.tasks.appoint_due_neutrals" in {job.task_path for job in SCHEDULE}
    assert "soridam.neutrals.tasks.raise_neutral_outliers" in {job.task_path for job in SCHEDULE}
    make_neutral()
    past = timezone.now() - timedelta(days=10)
    draw = disclose(drawn(dispute, at=past), at=past)
    assert appoint_due_neutrals.call() == 1
    draw.refresh_from_db()
    assert draw.state == DrawState.APPOINTED


def test_the_appointed_neutral_becomes_the_disputes_mediator(dispute: Dispute) -> None:
    """The draw's appointment is recorded on the dispute in mediation: its neutral may then see and decide it."""
    assert dispute.state == DisputeState.MEDIATION
    neutral = make_neutral()
    disclose(drawn(dispute))
    selection.appoint_due(datetime(2026, 12, 9, 0, 0, tzinfo=SEOUL))

    dispute.refresh_from_db()
    assert dispute.neutral == neutral.user
    assert DisputeEvent.objects.filter(dispute=dispute, kind="neutral_appointed").count() == 1
