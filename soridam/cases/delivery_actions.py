"""What the actions layer records when a message to the customer could not be delivered (beside ``actions``).

A permanent failure (the provider refused the message, or every retry failed) is written on the case's
timeline with the provider's reason, so the agent sees it where they read the case, and the assignee gets an
alert: the customer has not heard us. The agent may then send it again (``send_again``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from soridam.alerts import fanout
from soridam.alerts.models import AlertKind
from soridam.audit import audit
from soridam.audit.actors import SYSTEM, Actor
from soridam.cases import events
from soridam.cases.errors import InvalidChange
from soridam.cases.models import Case, EventKind
from soridam.channels.kinds import Channel
from soridam.notifications.models import DeliveryState, OutboundMessage
from soridam.notifications.outbox import deliver_on_commit

# What an agent may send again: what was refused or never went, and what may or may not have arrived (the agent
# decides, having been told so on the page).
SENDABLE_AGAIN = (DeliveryState.FAILED, DeliveryState.IN_DOUBT)


def record_delivery_failure(case_id: int, *, outbound_id: int, channel: str, reason: str) -> None:
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            return
        events.record(case, EventKind.DELIVERY_FAILED, actor=SYSTEM, reason=reason[:500], channel=channel)
        audit.record_case(SYSTEM, "case.delivery_failed", target=case, data={"outbound": outbound_id})
        fanout.for_event(case, AlertKind.DELIVERY_FAILED, actor=SYSTEM)


def record_notice_sent(case_id: int, *, outbound_id: int, channel: str, way: str, text: str) -> None:
    """A notice sent outside the conversation (an AlimTalk template, or the text message it fell back to):
    on the timeline with its words and the way it went, since no message of the case carries it."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            return
        events.record(case, EventKind.NOTICE_SENT, actor=SYSTEM, after=way, reason=text[:500], channel=channel)
        audit.record_case(SYSTEM, "case.notice_sent", target=case, data={"outbound": outbound_id, "way": way})


def send_again(case: Case, outbound: OutboundMessage, *, actor: Actor) -> None:
    """Queue a failed or in-doubt message to the customer again, on the timeline and in the audit log. The caller
    holds the case's row lock. The same outbox row goes again, with its Message-ID or the provider's retry key,
    so a mail client or a provider that drops repeats does not show an in-doubt message twice. An e-mail goes to
    the customer's address as it is now (the agent may have corrected a bounced one)."""
    now = timezone.now()
    fields: dict[str, object] = {
        "state": DeliveryState.QUEUED,
        "attempts": 0,
        "next_attempt_at": now,
        "lease_until": None,
        "send_started_at": None,
        "last_error": "",
    }
    if outbound.channel == Channel.EMAIL and case.customer.email:
        fields["recipient"] = case.customer.email
    # Only from the state the page showed: a worker or a status report may have moved the row since.
    if not OutboundMessage.objects.filter(pk=outbound.pk, case=case, state=outbound.state).update(**fields):
        raise InvalidChange(_("This message has changed since the page was opened; reload it."))
    events.record(case, EventKind.DELIVERY_RETRIED, actor=actor, before=outbound.state, message=outbound.message)
    audit.record_case(
        actor, "case.delivery_retried", target=case, data={"outbound": outbound.pk, "was": outbound.state}
    )
    deliver_on_commit(outbound.pk, now)
