"""Meta's messaging windows (channels.md §5): what a business may still send, counted from the customer's last
message to it.

- WhatsApp: free text for 24 hours; after that only an approved template (``meta.models.MessageTemplate``).
- Messenger and Instagram: any message for 24 hours (``messaging_type: RESPONSE``); a person's reply up to 7 days
  with the ``HUMAN_AGENT`` tag; nothing after that.

The same rule serves the composer (which offers templates instead of free text), the reply actions (which refuse
free text before anything is stored) and the transports (which refuse it at sending time, when the window may
have closed since).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from soridam.cases.models import Case
from soridam.channels.kinds import Channel
from soridam.channels.models import ChannelMessage, MessengerThread

META_KINDS = frozenset({Channel.WHATSAPP, Channel.MESSENGER, Channel.INSTAGRAM})
STANDARD_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Permission:
    """Whether free text may go out now, and how: ``tag_human_agent`` for a person's late Messenger reply."""

    allowed: bool
    reason: str = ""
    tag_human_agent: bool = False
    templates_only: bool = False  # WhatsApp: an approved template is the one way left


def free_text(
    kind: str, last_inbound_at: datetime | None, *, by_person: bool, now: datetime | None = None
) -> Permission:
    """May free text be sent on ``kind`` to a customer who last wrote at ``last_inbound_at`` (None: never)?"""
    age = (now or timezone.now()) - last_inbound_at if last_inbound_at is not None else None
    if age is not None and age <= STANDARD_WINDOW:
        return Permission(allowed=True)
    if kind == Channel.WHATSAPP:
        return Permission(
            allowed=False,
            templates_only=True,
            reason=_("The customer last wrote more than 24 hours ago: WhatsApp allows only an approved template now."),
        )
    if by_person and age is not None and age <= HUMAN_AGENT_WINDOW:
        return Permission(allowed=True, tag_human_agent=True)
    channel = dict(Channel.choices).get(kind, kind)
    if by_person:
        reason = _("The customer last wrote more than 7 days ago: %(channel)s allows no reply now.")
    else:
        reason = _("The customer last wrote more than 24 hours ago: %(channel)s allows only a person's reply now.")
    return Permission(allowed=False, reason=reason % {"channel": channel})


@dataclass(frozen=True)
class CaseWindow:
    """The Meta channel a reply on a case would go out on, and when that customer last wrote there."""

    kind: str
    last_inbound_at: datetime | None

    def for_person(self) -> Permission:
        return free_text(self.kind, self.last_inbound_at, by_person=True)


def case_window(case: Case) -> CaseWindow | None:
    """Where the case's replies go (the customer's last channel message, as ``notifications.outbox`` routes
    them), if that is a Meta channel, with their conversation's last message time: one query."""
    thread = MessengerThread.objects.filter(account=OuterRef("payload__account"), user_id=OuterRef("sender"))
    last = (
        ChannelMessage.objects.filter(case=case, payload__isnull=False)
        .order_by("-message_id")
        .annotate(last_inbound_at=Subquery(thread.values("last_inbound_at")[:1]))
        .values_list("payload__kind", "last_inbound_at")
        .first()
    )
    if last is None or last[0] not in META_KINDS:
        return None
    return CaseWindow(kind=last[0], last_inbound_at=last[1])
