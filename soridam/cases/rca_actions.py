"""What root-cause work changes on a case, beside ``cases.actions`` (R-RCA-1, 2 and 4).

Linking a case to a problem, unlinking it, giving a finished case its cause code, and telling the customer
that the fix behind their case shipped: each is written with the case's timeline and audit entries in the
caller's transaction. ``rca.actions`` keeps the problem's own side (its history and audit stream). The
caller holds the case's row lock.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.cases import events
from soridam.cases.actions import _touch
from soridam.cases.errors import InvalidChange
from soridam.cases.models import Case, EventKind
from soridam.notifications.models import NotificationKind
from soridam.notifications.outbox import notify_customer
from soridam.rca.models import CaseCause, CauseCode, MatchState, Problem, ProblemCase, ProblemMatch


def link_problem(case: Case, problem: Problem, *, actor: Actor) -> ProblemCase | None:
    """Link the case to the problem; None when it already was. A suggestion for the pair becomes linked."""
    link, created = ProblemCase.objects.get_or_create(problem=problem, case=case, defaults={"linked_by": actor.user})
    if not created:
        return None
    ProblemMatch.objects.filter(problem=problem, case=case).update(state=MatchState.LINKED)
    events.record(case, EventKind.PROBLEM_LINKED, actor=actor, after=str(problem.pk), reason=problem.title)
    audit.record_case(actor, "case.problem_linked", target=case, data={"problem": problem.pk})
    _touch(case)
    return link


def unlink_problem(case: Case, problem: Problem, *, actor: Actor) -> bool:
    removed, _kinds = ProblemCase.objects.filter(problem=problem, case=case).delete()
    if not removed:
        return False
    events.record(case, EventKind.PROBLEM_UNLINKED, actor=actor, before=str(problem.pk), reason=problem.title)
    audit.record_case(actor, "case.problem_unlinked", target=case, data={"problem": problem.pk})
    _touch(case)
    return True


def set_cause(case: Case, code: str, *, actor: Actor) -> CaseCause:
    """Give the case its cause code (replacing an earlier one); the same code again records nothing."""
    if code not in CauseCode.values:
        raise InvalidChange(_("%(code)s is not a cause code.") % {"code": code}, field="cause")
    current = CaseCause.objects.filter(case=case).first()
    if current is not None and current.code == code:
        return current
    before = current.code if current is not None else ""
    cause, _created = CaseCause.objects.update_or_create(
        case=case, defaults={"code": code, "set_by": actor.user, "set_at": timezone.now()}
    )
    events.record(case, EventKind.CAUSE_SET, actor=actor, before=before, after=code)
    audit.record_case(actor, "case.cause", target=case, data={"from": before, "to": code})
    return cause


def announce_fix(case: Case, problem: Problem, *, actor: Actor, send: bool) -> bool:
    """Tell the customer the fix behind the case shipped (``send``), or record that they were told on another
    of their linked cases (one message per customer). True when a message was queued."""
    told = notify_customer(case, NotificationKind.FIX_SHIPPED) is not None if send else False
    note = problem.title if send else _("Told on another case of the same customer.")
    events.record(case, EventKind.FIX_ANNOUNCED, actor=actor, after="sent" if told else "", reason=note)
    audit.record_case(actor, "case.fix_announced", target=case, data={"problem": problem.pk, "sent": told})
    return told
