"""What follow-up changes on a case, beside ``cases.actions`` (R-FOLLOW-2, 4 and 5).

Asking the check-in, the customer's "solved" or "not solved" (or their silence), an NPS answer, and the
recovery task a low score opens for the team lead: each written with the case's timeline and audit
entries in the caller's transaction. The caller holds the case's row lock.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from soridam.accounts.models import Membership, Team
from soridam.alerts import fanout
from soridam.alerts.models import AlertKind
from soridam.audit import audit
from soridam.audit.actors import SYSTEM, Actor
from soridam.cases import actions, events
from soridam.cases.errors import InvalidChange
from soridam.cases.models import Case, EventKind, Status
from soridam.followup.checkins import silence_closes_at
from soridam.followup.models import CheckIn, CheckInAnswer, NpsSurvey
from soridam.investigations.models import InvestigationTask, TaskStatus
from soridam.notifications.models import NotificationKind
from soridam.notifications.outbox import notify_customer

# A CSAT at or below this, or an NPS score at or below that, opens a recovery task for the lead.
LOW_CSAT = 2
LOW_NPS = 6


def ask_check_in(case: Case, check_in: CheckIn) -> bool:
    """Send "solved?" if the case is still solved; a case reopened or closed since has nothing to ask,
    and its check-in is dropped. The caller holds both row locks."""
    if case.status != Status.SOLVED or case.solved_at != check_in.solved_at:
        check_in.delete()
        return False
    now = timezone.now()
    check_in.sent_at, check_in.closes_at = now, silence_closes_at(case, now)
    check_in.save(update_fields=["sent_at", "closes_at"])
    notify_customer(case, NotificationKind.CHECK_IN)
    return True


def settle_check_in(case: Case, check_in: CheckIn, answer: CheckInAnswer, *, actor: Actor) -> CheckIn:
    """ "Solved" or silence closes the case; "not solved" reopens it and tells its people. Only the first
    answer counts: a second click changes nothing. The caller holds both row locks."""
    if check_in.answer:
        return check_in
    check_in.answer, check_in.answered_at = answer, timezone.now()
    check_in.save(update_fields=["answer", "answered_at"])
    events.record(case, EventKind.CHECK_IN_ANSWERED, actor=actor, after=answer)
    audit.record_case(actor, "case.check_in_answered", target=case, data={"answer": str(answer)})
    if case.status != Status.SOLVED:
        return check_in  # an agent moved the case on already: the answer is on its timeline
    with translation.override(settings.LANGUAGE_CODE):  # staff read the reason, whatever the customer's language
        reason = {
            CheckInAnswer.NOT_SOLVED: _("The customer says it is not solved."),
            CheckInAnswer.SOLVED: _("The customer confirmed it is solved."),
        }.get(answer, _("No answer."))
    if answer == CheckInAnswer.NOT_SOLVED:
        actions.change_status(case, Status.OPEN, actor=actor, reason=reason)
        fanout.for_event(case, AlertKind.REOPENED, actor=actor)
    else:
        actions.change_status(case, Status.CLOSED, actor=actor, reason=reason)
    return check_in


def close_silent_check_in(case: Case, check_in: CheckIn) -> CheckIn:
    return settle_check_in(case, check_in, CheckInAnswer.SILENCE, actor=SYSTEM)


def record_nps_answer(case: Case, survey: NpsSurvey, score: int, comment: str) -> NpsSurvey:
    """The customer scored us 0–10; answering again replaces the earlier answer. A detractor's first
    low score opens a recovery task. The caller holds the survey's and the case's row locks."""
    if score not in range(11):
        raise InvalidChange(_("A score is a number from 0 to 10."), field="score")
    was_low = survey.score is not None and survey.score <= LOW_NPS
    survey.score, survey.comment, survey.answered_at = score, comment.strip()[:4000], timezone.now()
    survey.save(update_fields=["score", "comment", "answered_at"])
    actor = Actor(customer=case.customer)
    events.record(case, EventKind.NPS_ANSWERED, actor=actor, after=str(score))
    audit.record_case(actor, "case.nps_answered", target=case, data={"score": score})
    if score <= LOW_NPS and not was_low:
        open_recovery_task(case, recovery_title("NPS", score), actor=actor)
    return survey


def open_recovery_task(case: Case, title: str, *, actor: Actor) -> InvestigationTask | None:
    """A low score: a task on the case for the lead of its team (the lead's task list and the overdue
    alerts already cover investigation tasks), not blocking anything. One open recovery task per case.
    None when no team exists to own it. ``title``: in the staff's language (``recovery_title``)."""
    team = case.team or Team.objects.order_by("pk").first()
    if team is None:
        return None
    existing = InvestigationTask.objects.filter(
        case=case, title__startswith=RECOVERY_PREFIX, status=TaskStatus.OPEN
    ).first()
    if existing is not None:
        return existing
    lead = Membership.objects.filter(team=team, is_lead=True).order_by("pk").values_list("user", flat=True).first()
    task = InvestigationTask.objects.create(
        case=case, title=f"{RECOVERY_PREFIX}{title}"[:200], owner_team=team, assignee_id=lead, blocking=False
    )
    actions.record_task(case, task, kind=EventKind.TASK_OPENED, actor=actor)
    return task


def recovery_title(measure: str, score: int) -> str:
    """The task's title in the staff's language: the customer's answer sets the request's language."""
    with translation.override(settings.LANGUAGE_CODE):
        if measure == "NPS":
            return _("Recovery: NPS %(score)d") % {"score": score}
        return _("Recovery: CSAT %(rating)d") % {"rating": score}


# Marks the recovery tasks among a case's investigation tasks (one open at a time).
RECOVERY_PREFIX = "⚑ "
