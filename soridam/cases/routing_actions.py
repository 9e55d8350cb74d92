"""Assigning a routing pass's cases at once: part of the actions layer (R-CASE-5), beside ``cases.actions``
and built from its helpers.

``assign`` one case after another costs about six statements a case: the team membership check, the case
UPDATE, a timeline event, an alert, and the audit stream's last entry read and the new one written. The
router has already checked each agent is an online member of the case's team (under the agents' row locks),
so ``assign_routed`` skips that check and writes the pass's events, alerts and audit entries in one INSERT
each; every case still gets its own event and audit entry, chained to its stream. The caller holds every
case's row lock inside one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from soridam.accounts.models import User
from soridam.alerts import fanout
from soridam.alerts.models import AlertKind
from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.cases import events
from soridam.cases.actions import _touch
from soridam.cases.models import Case, EventKind
from soridam.routing.presence import capacity_freed


def assign_routed(assignments: Sequence[tuple[Case, User]], *, actor: Actor) -> list[Case]:
    """Give each case to its agent (a member of the case's team, as the router found); a case already with
    that agent is left alone, and a case appears once. Returns the cases that changed."""
    changed: list[Case] = []
    history: list[tuple[Case, EventKind, str, str]] = []
    seen: set[int] = set()
    for case, agent in assignments:
        if case.assignee_id == agent.pk or case.pk in seen:
            continue
        seen.add(case.pk)
        before = case.assignee.username if case.assignee_id is not None and case.assignee else ""
        capacity_freed(case.assignee_id)
        case.assignee = agent
        _touch(case, "assignee")
        history.append((case, EventKind.ASSIGNED, before, agent.username))
        changed.append(case)
    if not changed:
        return []
    events.record_each(history, actor=actor)
    fanout.for_each(changed, AlertKind.ASSIGNED, actor=actor)
    audit.record_cases(actor, [(case, "case.assign", {"from": b, "to": a}) for case, _kind, b, a in history])
    return changed
