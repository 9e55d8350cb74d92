"""The held reply: a reply written on a case that changed since the page was opened is not sent.

The page carries the case's version: the id of its newest timeline event when it was rendered. Every change
to a case writes a timeline event in the same transaction (``cases.actions``), so "events after that id"
is exactly what the agent has not seen. The agent's own changes do not count: they know about them.
"""

from __future__ import annotations

from django.db.models import Max

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases.models import Case, TimelineEvent
from soridam.workspace.templatetags.workspace_tags import event_change, event_label

# A held notice lists the first this many changes: enough to decide whether the reply still fits.
SHOWN_CHANGES = 8


def case_version(case: Case) -> int:
    return TimelineEvent.objects.filter(case=case).aggregate(newest=Max("id"))["newest"] or 0


def changes_since(case: Case, seen: int, user: User) -> list[str]:
    """What others did to the case after version ``seen``, oldest first, as lines for the notice."""
    events = TimelineEvent.objects.filter(case=case, pk__gt=seen).exclude(actor=Actor(user=user).label()).order_by("id")
    return [_describe(event) for event in events[:SHOWN_CHANGES]]


def _describe(event: TimelineEvent) -> str:
    change = event_change(event)
    line = f"{event_label(event)}: {change}" if change else event_label(event)
    return f"{line} ({event.actor_name})"
