"""The one place that decides who hears of a case event in the workspace.

``cases.actions`` calls these inside the transaction of the change, so a rolled-back change leaves no alert.
Nobody is ever alerted about their own action.

Who gets what:

- assigned, customer replied, SLA at risk: the case's assignee.
- reopened: the assignee; a case with no assignee goes to its team's leads, because a reopen means the
  answer did not hold and someone must own it (issue 11: "a customer reply that reopens a case notifies
  nobody").
- a customer reply on a case with no assignee alerts nobody: the case is in its team's unassigned queue
  (the inbox shows it, routing hands it out), and alerting a whole team for every reply is noise.
- SLA at risk with no assignee: nobody here; the escalation rules' lead notices (``sla.escalation``)
  already cover the team's leads.
- mentioned: the agents a note names with ``@username`` or ``@display name`` who may see the case.
- an investigation task overdue: the people ``investigations.overdue`` already gives its notice to (the task's
  assignee, else its team's leads, and the case's assignee), through ``for_people``.
- the audit log failing verification (``audit.alarm``): every active admin, on no case, through
  ``for_admins``; an admin with the same alert still unread is not alerted again.
- a complaint spike (``rca.detection``): the leads of the teams whose cases spiked, each on a sample case they
  may see, through ``for_each_person``; a resolved problem that came back (``rca.actions``): its owner.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from soridam.accounts.models import STAFF_ROLES, Role, User
from soridam.alerts.mentions import find_mentioned, has_mention
from soridam.alerts.models import Alert, AlertKind
from soridam.audit.actors import Actor
from soridam.cases.access import cases_visible_to
from soridam.cases.models import Case, Message


def for_event(case: Case, kind: AlertKind, *, actor: Actor, detail: str = "") -> list[Alert]:
    """Alert the people ``kind`` concerns on ``case`` (see the module docstring). The caller holds the case's
    row lock. An SLA warning is stored once per (recipient, case, target): a repeat is dropped."""
    return _store(_alerts([(case, person) for person in _recipients(case, kind)], kind, actor, detail), kind)


def for_each(cases: list[Case], kind: AlertKind, *, actor: Actor) -> list[Alert]:
    """``for_event`` on several cases at once (a routing pass), in one INSERT. Not for SLA warnings."""
    pairs = [(case, person) for case in cases for person in _recipients(case, kind)]
    return _store(_alerts(pairs, kind, actor), kind)


def for_people(case: Case, kind: AlertKind, people: list[User], *, actor: Actor, detail: str = "") -> list[Alert]:
    """Alert people whom the event's own rules name (an overdue investigation task: its owner and the case's
    assignee, ``investigations.overdue.recipients``; a recurring problem: its owner, with the problem's id as
    ``detail``)."""
    return _store(_alerts([(case, person) for person in people], kind, actor, detail), kind)


def for_each_person(pairs: list[tuple[Case, User]], kind: AlertKind, *, actor: Actor, detail: str) -> list[Alert]:
    """One alert per (case, person): each person on a case of the event that they may see."""
    return _store(_alerts(pairs, kind, actor, detail), kind)


def for_admins(kind: AlertKind, *, detail: str) -> list[Alert]:
    """Alert every active admin about something that is no case's (``Alert.case`` empty), once while unread."""
    admins = User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True)
    unread = Alert.objects.filter(kind=kind, detail=detail, read_at__isnull=True).values("recipient_id")
    rows = [Alert(recipient=admin, kind=kind, detail=detail) for admin in admins.exclude(pk__in=unread)]
    return _store(rows, kind)


def _alerts(pairs: list[tuple[Case, User]], kind: AlertKind, actor: Actor, detail: str = "") -> list[Alert]:
    """One unsaved alert per (case, person), leaving out inactive people and the actor."""
    return [
        Alert(recipient=person, kind=kind, case=case, actor=actor.user, detail=detail)
        for case, person in pairs
        if person.is_active and not _is_actor(person, actor)
    ]


def _store(rows: list[Alert], kind: AlertKind) -> list[Alert]:
    return Alert.objects.bulk_create(rows, ignore_conflicts=kind == AlertKind.SLA_AT_RISK) if rows else []


def _recipients(case: Case, kind: AlertKind) -> list[User]:
    if case.assignee is not None:
        return [case.assignee]
    if kind == AlertKind.REOPENED and case.team_id is not None:
        return list(User.objects.filter(membership__team_id=case.team_id, membership__is_lead=True))
    return []


def _is_actor(person: User, actor: Actor) -> bool:
    return actor.user is not None and actor.user.pk == person.pk


@dataclass(frozen=True)
class Mentions:
    alerted: list[User] = field(default_factory=list)
    without_access: list[User] = field(default_factory=list)  # named, but may not see the case: not alerted


def mentioned(case: Case, note: Message, *, actor: Actor) -> Mentions:
    """Alert the agents an internal note mentions, if they may see the case. The caller holds the row lock."""
    found = mentions_in(case, note.body, actor=actor)
    rows = [Alert(recipient=person, kind=AlertKind.MENTIONED, case=case, actor=actor.user) for person in found.alerted]
    Alert.objects.bulk_create(rows)
    return found


def _staff() -> list[User]:
    return list(User.objects.filter(Q(role__in=STAFF_ROLES) | Q(is_superuser=True), is_active=True))


def mentions_in(case: Case, body: str, *, actor: Actor) -> Mentions:
    """Who a note would alert and who it would not, without storing anything (the composer's answer)."""
    if not has_mention(body):
        return Mentions()
    named = [person for person in find_mentioned(body, _staff()) if not _is_actor(person, actor)]
    allowed = [person for person in named if cases_visible_to(person).filter(pk=case.pk).exists()]
    return Mentions(alerted=allowed, without_access=[person for person in named if person not in allowed])
