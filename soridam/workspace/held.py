"""The held reply: a reply written on a case that changed since the page was opened is not sent.

The page carries the case's version: the id of its newest timeline event when it was rendered
(``case_page``). Every change to a case writes a timeline event in the same transaction (``cases.actions``),
so "events after that id" is exactly what the agent has not seen.
The agent's own changes do not count: they know about them.
"""

from __future__ import annotations

from django.db.models import Q

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases.models import Case, EventKind, TimelineEvent
from soridam.channels.kinds import Channel
from soridam.workspace.templatetags.workspace_tags import event_change, event_label

# A held notice lists the first this many changes: enough to decide whether the reply still fits.
SHOWN_CHANGES = 8


# The chat messages a case page with an open live-chat socket has already shown (chat/static/chat/agent.js).
_SHOWN_LIVE = Q(channel=Channel.CHAT, kind__in=(EventKind.CUSTOMER_MESSAGE, EventKind.REPLY))


def changes_since(case: Case, seen: int, user: User, *, live_chat: bool = False) -> list[str]:
    """What others did to the case after version ``seen``, oldest first, as lines for the notice.
    ``live_chat``: the page showed the chat as it happened, so new chat messages are not news to the agent."""
    events = TimelineEvent.objects.filter(case=case, pk__gt=seen).exclude(actor=Actor(user=user).label())
    if live_chat:
        events = events.exclude(_SHOWN_LIVE)
    events = events.order_by("id")
    return [_describe(event) for event in events[:SHOWN_CHANGES]]


def _describe(event: TimelineEvent) -> str:
    change = event_change(event)
    line = f"{event_label(event)}: {change}" if change else event_label(event)
    return f"{line} ({event.actor_name})"
