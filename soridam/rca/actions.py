"""Changing problems (R-RCA-1, 4): recording, editing, moving between statuses, linking cases, recurrences,
and telling linked customers that the fix shipped.

The problem's history (``ProblemEvent``) and its audit stream are written here with each change; what a change
does to a case (a link, the fix message) goes through ``cases.rca_actions`` with the case's own timeline and
audit entries, in the same transaction. Functions that change a problem expect its row lock
(``access_problem(..., for_update=True)`` inside ``transaction.atomic()``) unless they say otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from soridam.accounts.models import Role, User
from soridam.alerts import fanout
from soridam.alerts.models import AlertKind
from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.cases import rca_actions
from soridam.cases.errors import InvalidChange, InvalidTransition
from soridam.cases.models import Case
from soridam.rca.models import (
    FixNotice,
    MatchState,
    Problem,
    ProblemCase,
    ProblemEvent,
    ProblemEventKind,
    ProblemMatch,
    ProblemStatus,
    Spike,
    may_move,
)

RECURRENCE = Actor(system="rca")


@dataclass(frozen=True)
class ProblemDetails:
    title: str
    hypothesis: str = ""
    root_cause: str = ""
    corrective_action: str = ""
    skus: Sequence[str] = field(default_factory=tuple)
    match_terms: str = ""
    owner: User | None = None


def create_problem(details: ProblemDetails, *, actor: Actor, cases: Sequence[Case] = ()) -> Problem:
    """Record a problem and link ``cases`` to it (their row locks are taken here, in id order)."""
    _check(details)
    with transaction.atomic():
        problem = Problem.objects.create(created_by=actor.user, **_fields(details))
        _history(problem, ProblemEventKind.CREATED, actor, after=problem.status, note=problem.title, new=True)
        for case in _locked(cases):
            link_case(problem, case, actor=actor)
    return problem


def create_from_spike(spike: Spike, details: ProblemDetails, *, actor: Actor, cases: Sequence[Case]) -> Problem:
    """The spike's proposed problem, with ``cases`` linked; a second click finds the problem the first made."""
    with transaction.atomic():
        locked = Spike.objects.select_for_update(of=("self",)).select_related("problem").get(pk=spike.pk)
        if locked.problem is not None:
            return locked.problem
        problem = create_problem(details, actor=actor, cases=cases)
        locked.problem = problem
        locked.save(update_fields=["problem"])
    return problem


def edit_problem(problem: Problem, details: ProblemDetails, *, actor: Actor) -> Problem:
    _check(details)
    changed = [name for name, value in _fields(details).items() if getattr(problem, name) != value]
    if not changed:
        return problem
    for name, value in _fields(details).items():
        setattr(problem, name, value)
    problem.updated_at = timezone.now()
    problem.save(update_fields=[*changed, "updated_at"])
    _history(problem, ProblemEventKind.EDITED, actor, note=", ".join(changed))
    return problem


def move_problem(problem: Problem, to: str, *, actor: Actor, note: str = "") -> Problem:
    """Change the status as ``rca.models.TRANSITIONS`` allows. Resolving stamps the time that recurrences
    are counted from."""
    if not may_move(problem.status, to):
        raise InvalidTransition(
            _("A problem cannot move from %(from)s to %(to)s.")
            % {"from": ProblemStatus(problem.status).label, "to": _status_label(to)},
            allowed=list(problem.allowed_statuses()),
        )
    before, problem.status, problem.updated_at = problem.status, to, timezone.now()
    if to == ProblemStatus.RESOLVED:
        problem.resolved_at = problem.updated_at
    problem.save(update_fields=["status", "updated_at", "resolved_at"])
    _history(problem, ProblemEventKind.STATUS, actor, before=before, after=to, note=note)
    return problem


def link_case(problem: Problem, case: Case, *, actor: Actor) -> bool:
    """Link a case (its row lock held by the caller); a case filed within the window after the problem's
    resolution counts as a recurrence. False when it was linked already."""
    if rca_actions.link_problem(case, problem, actor=actor) is None:
        return False
    _history(problem, ProblemEventKind.LINKED, actor, after=case.reference)
    record_match(problem, case, state=MatchState.LINKED)
    return True


def unlink_case(problem: Problem, case: Case, *, actor: Actor) -> bool:
    if not rca_actions.unlink_problem(case, problem, actor=actor):
        return False
    _history(problem, ProblemEventKind.UNLINKED, actor, before=case.reference)
    return True


def dismiss_match(match: ProblemMatch, *, actor: Actor) -> None:
    """Not the same problem after all: the suggestion goes, and it no longer counts as a recurrence."""
    match.state = MatchState.DISMISSED
    match.save(update_fields=["state"])


def is_recurrence(problem: Problem, filed_at: datetime) -> bool:
    """A case filed after the problem's resolution and within ``SORIDAM_RCA_RECURRENCE_DAYS`` of it."""
    if not problem.is_settled or problem.resolved_at is None:
        return False
    window = timedelta(days=settings.SORIDAM_RCA_RECURRENCE_DAYS)
    return problem.resolved_at < filed_at <= problem.resolved_at + window


def record_match(problem: Problem, case: Case, *, state: str = MatchState.SUGGESTED) -> ProblemMatch:
    """A case similar to the problem's (or linked to it). A recurrence past the threshold reopens the problem."""
    match, created = ProblemMatch.objects.get_or_create(
        problem=problem, case=case, defaults={"state": state, "is_recurrence": is_recurrence(problem, case.created_at)}
    )
    if created and match.is_recurrence:
        _history(problem, ProblemEventKind.RECURRED, RECURRENCE, after=case.reference)
        _reopen_if_recurring(problem, case)
    return match


def recurrences(problem: Problem) -> int:
    """Recurrences since the problem's last resolution, leaving out dismissed suggestions."""
    if problem.resolved_at is None:
        return 0
    matches = ProblemMatch.objects.filter(problem=problem, is_recurrence=True, case__created_at__gt=problem.resolved_at)
    return matches.exclude(state=MatchState.DISMISSED).count()


def _reopen_if_recurring(problem: Problem, case: Case) -> None:
    count = recurrences(problem)
    if not problem.is_settled or count < settings.SORIDAM_RCA_RECURRENCE_THRESHOLD:
        return
    note = _("%(count)d similar cases came back within %(days)d days of the resolution.") % {
        "count": count,
        "days": settings.SORIDAM_RCA_RECURRENCE_DAYS,
    }
    move_problem(problem, ProblemStatus.INVESTIGATING, actor=RECURRENCE, note=note)
    if problem.owner is not None:
        fanout.for_people(case, AlertKind.PROBLEM_RECURRED, [problem.owner], actor=RECURRENCE, detail=str(problem.pk))


def announce_fix(problem: Problem, *, actor: Actor) -> int:
    """Tell every customer of the linked cases, once each, that the fix shipped: on their newest linked case,
    and recorded on each of their linked cases' timelines. Customers told before are not told again.
    Returns how many customers were told. Locks the cases itself (id order)."""
    if actor.user is None or actor.user.effective_role not in (Role.LEAD, Role.ADMIN):
        raise InvalidChange(_("Only a lead can tell the customers."), field="announce")
    if not problem.is_settled:
        raise InvalidChange(_("Tell the customers once the problem is resolved."), field="announce")
    told_before = set(FixNotice.objects.filter(problem=problem).values_list("customer_id", flat=True))
    cases = [case for case in _locked(_linked_cases(problem)) if case.customer_id not in told_before]
    newest: dict[int, Case] = {}
    for case in sorted(cases, key=lambda case: (case.created_at, case.pk)):
        newest[case.customer_id] = case
    for case in cases:
        rca_actions.announce_fix(case, problem, actor=actor, send=newest[case.customer_id] is case)
    FixNotice.objects.bulk_create(
        [FixNotice(problem=problem, customer_id=customer_id, case=case) for customer_id, case in newest.items()]
    )
    problem.fix_announced_at = timezone.now()
    problem.save(update_fields=["fix_announced_at"])
    _history(problem, ProblemEventKind.FIX_ANNOUNCED, actor, after=str(len(newest)))
    return len(newest)


def _linked_cases(problem: Problem) -> list[Case]:
    return list(Case.objects.filter(pk__in=ProblemCase.objects.filter(problem=problem).values("case_id")))


def _locked(cases: Sequence[Case]) -> list[Case]:
    ids = sorted({case.pk for case in cases})
    return list(Case.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk"))


def _check(details: ProblemDetails) -> None:
    if not details.title.strip():
        raise InvalidChange(_("Give the problem a title."), field="title")


def _fields(details: ProblemDetails) -> dict[str, object]:
    skus = sorted({sku.strip()[:64] for sku in details.skus if sku.strip()})
    return {
        "title": details.title.strip()[:200],
        "hypothesis": details.hypothesis.strip(),
        "root_cause": details.root_cause.strip(),
        "corrective_action": details.corrective_action.strip(),
        "skus": skus,
        "match_terms": " ".join(details.match_terms.split())[:200],
        "owner": details.owner,
    }


def _status_label(status: str) -> str:
    return str(ProblemStatus(status).label) if status in ProblemStatus.values else status


def _history(
    problem: Problem,
    kind: ProblemEventKind,
    actor: Actor,
    *,
    before: str = "",
    after: str = "",
    note: str = "",
    new: bool = False,
) -> None:
    ProblemEvent.objects.create(
        problem=problem,
        kind=kind,
        actor=actor.user,
        actor_name=actor.display()[:120],
        before=before[:64],
        after=after[:64],
        note=note,
    )
    data = {"before": before, "after": after} if before or after else {}
    audit.record(actor, f"problem.{kind}", target=problem, data=data, new=new)
