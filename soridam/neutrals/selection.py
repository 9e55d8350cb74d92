"""Choosing a dispute's neutral (R-ODR-7, R-ODR-8): draw → disclosure → parties told and a 2-business-day
objection window → appointment, or an objection an administrator decides (upheld: redraw without that
neutral; dismissed: the window runs on, and appointment follows it).

The parties are told on the dispute's case: a public reply to the claimant through ``cases.actions`` (so its
outbox row carries the delivery receipt). Lock order: the case, then the dispute.

Every step locks the dispute row, writes a ``NeutralEvent`` and an entry in the dispute's audit stream, in
one transaction. A neutral is appointed only from a draw whose disclosure was filed, with no objection
pending, and only if the conflict graph still finds nothing at that moment (a tie added during the window
makes them recuse, and the next draw follows).
"""

from __future__ import annotations

import logging
import random
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.cases import actions as case_actions
from soridam.cases.errors import CaseError
from soridam.cases.models import Case
from soridam.lib.jobs import enqueue_job_on_commit
from soridam.neutrals import business_days
from soridam.neutrals.access import objection_url
from soridam.neutrals.conflicts import conflicts, eligible_ids, respondent_is_business
from soridam.neutrals.models import (
    OPEN_DRAW_STATES,
    Decision,
    Draw,
    DrawState,
    NeutralEvent,
    NeutralEventKind,
    Objection,
    Party,
    Tie,
    TieKind,
)
from soridam.odr import actions as odr_actions
from soridam.odr.models import Dispute, DisputeState

logger = logging.getLogger(__name__)
SYSTEM = Actor(system="neutrals")


class SelectionError(Exception):
    """A step the draw's state does not allow; the message is shown to the user."""


@dataclass(frozen=True)
class DeclaredTie:
    """A tie a neutral discloses with one party."""

    kind: TieKind
    party: Party
    note: str = ""


def pick(eligible: list[int], seed: str) -> int:
    """The neutral a seed draws from the sorted eligible ids: uniform, and the same on every replay."""
    return random.Random(seed).choice(sorted(eligible))  # noqa: S311 - a fair, replayable draw, not a secret


def replay(draw: Draw) -> int | None:
    """Redo a stored draw from its seed and eligible list; equals ``draw.neutral_id``."""
    return pick(list(draw.eligible_ids), draw.seed) if draw.eligible_ids else None


def _lock(dispute: Dispute) -> Dispute:
    return Dispute.objects.select_for_update(of=("self",)).select_related("claimant", "shop").get(pk=dispute.pk)


def _lock_draw(draw: Draw) -> tuple[Dispute, Draw]:
    dispute = _lock(draw.dispute)
    return dispute, Draw.objects.select_related("neutral__user").get(pk=draw.pk)


def _log(dispute: Dispute, draw: Draw | None, kind: NeutralEventKind, actor: Actor, at: datetime, **data: Any) -> None:
    NeutralEvent.objects.create(dispute=dispute, draw=draw, kind=kind, at=at, actor=actor.label(), data=data)
    audit.record(actor, f"neutrals.{kind.value}", target=dispute, data={"draw": draw.number if draw else None, **data})


def draw_neutral(
    dispute: Dispute, seed: str | None = None, *, actor: Actor = SYSTEM, at: datetime | None = None
) -> Draw:
    """Draw a neutral uniformly at random among the eligible, excluding those removed or recused in this
    dispute's earlier draws. ``seed`` (generated with ``secrets`` when not given) and the sorted eligible ids
    are stored and logged, so the draw replays."""
    at = at or timezone.now()
    with transaction.atomic():
        dispute = _lock(dispute)
        draws = Draw.objects.filter(dispute=dispute)
        if draws.filter(state__in=[*OPEN_DRAW_STATES, DrawState.APPOINTED]).exists():
            raise SelectionError(_("This dispute already has a neutral drawn or appointed."))
        return _draw(dispute, seed, actor, at)


def _excluded(dispute: Dispute) -> set[int]:
    ended = Draw.objects.filter(dispute=dispute, state__in=[DrawState.REMOVED, DrawState.RECUSED])
    return set(ended.values_list("neutral_id", flat=True))


def _draw(dispute: Dispute, seed: str | None, actor: Actor, at: datetime) -> Draw:
    """The draw itself; the caller holds the dispute's lock."""
    seed = seed if seed is not None else secrets.token_hex(16)
    excluded = _excluded(dispute)
    eligible = eligible_ids(dispute, at, excluding=excluded)
    number = (Draw.objects.filter(dispute=dispute).aggregate(n=Max("number"))["n"] or 0) + 1
    chosen = pick(eligible, seed) if eligible else None
    draw = Draw.objects.create(
        dispute=dispute,
        number=number,
        seed=seed,
        eligible_ids=eligible,
        excluded_ids=sorted(excluded),
        neutral_id=chosen,
        state=DrawState.AWAITING_DISCLOSURE if chosen else DrawState.NONE_ELIGIBLE,
        drawn_at=at,
        drawn_by=actor.user,
        ended_at=None if chosen else at,
    )
    kind = NeutralEventKind.DRAWN if chosen else NeutralEventKind.NONE_ELIGIBLE
    _log(dispute, draw, kind, actor, at, seed=seed, eligible=eligible, excluded=sorted(excluded), neutral=chosen)
    logger.info("neutral draw", extra={"dispute": dispute.pk, "draw": number, "seed": seed, "neutral": chosen})
    if chosen:
        enqueue_job_on_commit("soridam.neutrals.tasks.email_drawn_neutral", draw.pk)
    return draw


def file_disclosure(
    draw: Draw, statement: str, ties: list[DeclaredTie], *, actor: Actor, at: datetime | None = None
) -> Draw:
    """The drawn neutral's disclosure. A disclosed tie with a party is a conflict: the neutral recuses and
    the next draw follows. Otherwise the parties are told and the objection window opens."""
    at = at or timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=draw.dispute.case_id)  # lock order: the case, then the dispute
        dispute, draw = _lock_draw(draw)
        if draw.state != DrawState.AWAITING_DISCLOSURE or draw.neutral is None:
            raise SelectionError(_("This draw does not wait for a disclosure."))
        if actor.user is None or actor.user.pk != draw.neutral.user_id:
            raise SelectionError(_("Only the drawn neutral files the disclosure."))
        for tie in ties:
            _store_tie(draw, dispute, tie)
        draw.disclosure, draw.disclosed_at = statement.strip(), at
        draw.save(update_fields=["disclosure", "disclosed_at"])
        _log(dispute, draw, NeutralEventKind.DISCLOSED, actor, at, ties=[t.kind.value for t in ties])
        if conflicts(draw.neutral, dispute, at):
            _recuse(dispute, draw, at)
            return draw
        schedule = business_days.schedule_for_team(case.team_id)
        draw.objection_deadline = business_days.after_business_days(schedule, at, business_days.OBJECTION_BUSINESS_DAYS)
        draw.state = DrawState.OBJECTION_WINDOW
        draw.save(update_fields=["objection_deadline", "state"])
        told = _tell_claimant(case, draw)
        _log(
            dispute,
            draw,
            NeutralEventKind.PARTIES_TOLD,
            SYSTEM,
            at,
            deadline=draw.objection_deadline.isoformat(),
            claimant_told=told,
        )
    return draw


def _tell_claimant(case: Case, draw: Draw) -> bool:
    """The disclosure and the objection link as a public reply on the dispute's case (``cases.actions``: its
    timeline, audit entry and outbox row with the delivery receipt). A channel that refuses the text (a text
    message too long) gets an internal note instead, so staff pass the link on; returns whether it went."""
    assert draw.objection_deadline is not None  # noqa: S101 - set by the caller
    deadline = timezone.localtime(draw.objection_deadline).strftime("%Y-%m-%d %H:%M")
    context = {"draw": draw, "statement": draw.disclosure[:1000], "deadline": deadline, "link": objection_url(draw)}
    with translation.override(case.language):
        body = render_to_string("neutrals/parties_notice.txt", context).strip()
    try:
        with transaction.atomic():
            case_actions.reply(case, body, actor=SYSTEM)
    except CaseError:
        case_actions.add_note(case, body, actor=SYSTEM)
        return False
    return True


def _store_tie(draw: Draw, dispute: Dispute, tie: DeclaredTie) -> Tie:
    assert draw.neutral is not None  # noqa: S101 - checked by the caller
    target: dict[str, Any] = {"customer": dispute.claimant}
    if tie.party == Party.RESPONDENT:
        target = {"business": True} if respondent_is_business(dispute) else {"shop": dispute.shop}
    note = tie.note[:300] or f"disclosed in draw {draw.number} of dispute {dispute.pk}"
    return Tie.objects.create(neutral=draw.neutral, kind=tie.kind, note=note, **target)


def _recuse(dispute: Dispute, draw: Draw, at: datetime, seed: str | None = None) -> Draw:
    """The neutral steps down for a conflict found after the draw; the next draw follows at once."""
    draw.state, draw.ended_at = DrawState.RECUSED, at
    draw.save(update_fields=["state", "ended_at"])
    found = conflicts(draw.neutral, dispute, at) if draw.neutral else []
    _log(dispute, draw, NeutralEventKind.RECUSED, SYSTEM, at, conflicts=sorted({c.kind for c in found}))
    return _draw(dispute, seed, SYSTEM, at)


def object_to(draw: Draw, party: Party, reason: str, *, actor: Actor, at: datetime | None = None) -> Objection:
    """A party objects to the drawn neutral within the window; appointment waits for an administrator."""
    at = at or timezone.now()
    with transaction.atomic():
        dispute, draw = _lock_draw(draw)
        if draw.state not in (DrawState.OBJECTION_WINDOW, DrawState.OBJECTED):
            raise SelectionError(_("Objections are taken only while the objection window is open."))
        if draw.objection_deadline is None or at >= draw.objection_deadline:
            raise SelectionError(_("The objection window has closed."))
        if draw.objections.filter(party=party).exists():
            raise SelectionError(_("This party has already objected to this neutral."))
        objection = Objection.objects.create(
            draw=draw, party=party, reason=reason.strip(), filed_at=at, filed_by=actor.label()
        )
        draw.state = DrawState.OBJECTED
        draw.save(update_fields=["state"])
        _log(dispute, draw, NeutralEventKind.OBJECTED, actor, at, party=party.value, objection=objection.pk)
    return objection


def decide_objection(
    objection: Objection,
    *,
    uphold: bool,
    note: str,
    actor: Actor,
    at: datetime | None = None,
    seed: str | None = None,
) -> Draw:
    """An administrator's decision. Upheld: the neutral is removed and a new draw (``seed``) excludes them.
    Dismissed: once no objection is pending, the neutral is appointed if the window has closed, else the
    window runs on for the other party. Returns the draw now current."""
    at = at or timezone.now()
    with transaction.atomic():
        dispute, draw = _lock_draw(objection.draw)
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.decision != Decision.PENDING or draw.state != DrawState.OBJECTED:
            raise SelectionError(_("This objection has already been decided."))
        objection.decision = Decision.UPHELD if uphold else Decision.DISMISSED
        objection.decided_by, objection.decided_at, objection.decision_note = actor.user, at, note.strip()
        objection.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
        kind = NeutralEventKind.OBJECTION_UPHELD if uphold else NeutralEventKind.OBJECTION_DISMISSED
        _log(dispute, draw, kind, actor, at, objection=objection.pk, party=objection.party)
        if uphold:
            return _remove(dispute, draw, at, seed)
        if draw.objections.filter(decision=Decision.PENDING).exists():
            return draw
        assert draw.objection_deadline is not None  # noqa: S101 - set when the window opened
        if at >= draw.objection_deadline:
            return _appoint(dispute, draw, at, seed)
        draw.state = DrawState.OBJECTION_WINDOW
        draw.save(update_fields=["state"])
        return draw


def _remove(dispute: Dispute, draw: Draw, at: datetime, seed: str | None) -> Draw:
    draw.state, draw.ended_at = DrawState.REMOVED, at
    draw.save(update_fields=["state", "ended_at"])
    return _draw(dispute, seed, SYSTEM, at)


def _appoint(dispute: Dispute, draw: Draw, at: datetime, seed: str | None = None) -> Draw:
    """Appoint the drawn neutral, unless a conflict appeared meanwhile (then recuse and redraw)."""
    if draw.disclosed_at is None or draw.neutral is None:  # never: only a disclosed draw reaches here
        raise SelectionError(_("No appointment without a disclosure."))
    if conflicts(draw.neutral, dispute, at):
        return _recuse(dispute, draw, at, seed)
    draw.state, draw.appointed_at, draw.ended_at = DrawState.APPOINTED, at, None
    draw.save(update_fields=["state", "appointed_at", "ended_at"])
    _log(dispute, draw, NeutralEventKind.APPOINTED, SYSTEM, at, neutral=draw.neutral_id)
    if dispute.state == DisputeState.MEDIATION:  # the neutral may now see and decide the dispute (odr.access)
        odr_actions.assign_neutral(dispute, draw.neutral.user, actor=SYSTEM)
    return draw


def appoint_due(now: datetime | None = None) -> int:
    """Appoint every drawn neutral whose objection window closed with no objection (the periodic job).
    Draws under objection wait for their decision. Returns how many draws it settled."""
    now = now or timezone.now()
    due = Draw.objects.filter(state=DrawState.OBJECTION_WINDOW, objection_deadline__lte=now)
    settled = 0
    for draw_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            draw = Draw.objects.select_related("dispute").get(pk=draw_id)
            dispute, draw = _lock_draw(draw)
            if draw.state == DrawState.OBJECTION_WINDOW and draw.objection_deadline <= now:  # type: ignore[operator]
                _appoint(dispute, draw, now)
                settled += 1
    return settled
