"""Tell the customer something: one outbox row inside the caller's transaction; a task sends it after commit.

This module sits below ``cases.actions`` (which calls ``notify_customer``) and must not import it, nor
the channel transports (they call actions). The delivery task is named, not imported, for that reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from soridam.cases.models import Case, Message
from soridam.channels.email.outbound import new_message_id
from soridam.channels.kinds import Channel
from soridam.channels.models import ChannelMessage
from soridam.lib.jobs import enqueue_job_on_commit
from soridam.lib.rows import insert
from soridam.notifications.models import DeliveryState, NotificationKind, OutboundMessage

# Above actions (its transports call them): named, not imported (lib.jobs).
DELIVERY_TASK = "soridam.notifications.tasks.deliver_outbound"
# Channels whose customers we answer by e-mail: the web form, the API and the phone have no way back.
_ANSWERED_BY_EMAIL = {Channel.EMAIL, Channel.WEB, Channel.API, Channel.PHONE}


@dataclass(frozen=True)
class Route:
    """Where a message to the customer goes: the channel, our account on it and their id there."""

    channel: str
    recipient: str
    account_id: int | None = None


def notify_customer(case: Case, kind: NotificationKind, message: Message | None = None) -> OutboundMessage | None:
    """Record one message to the customer, on the channel they last wrote on (else e-mail), and have it
    sent once the caller's transaction commits. A customer we cannot reach (phone only) gets nothing."""
    route = customer_route(case, new=kind == NotificationKind.CASE_OPENED)
    if route is None:
        return None
    outbound = insert(
        OutboundMessage(
            case=case,
            kind=kind,
            message=message,
            channel=route.channel,
            account_id=route.account_id,
            recipient=route.recipient,
            external_id=first_external_id(route.channel),
        )
    )
    enqueue_job_on_commit(DELIVERY_TASK, outbound.pk)
    return outbound


def customer_route(case: Case, *, new: bool = False) -> Route | None:
    """The channel of the customer's last channel message (its account and their sender id there);
    e-mail to the customer's address when that was e-mail, the web form, or nothing yet.
    ``new``: the case is being opened and its channel message is not stored yet (this saves intake a query)."""
    if new and case.channel not in _ANSWERED_BY_EMAIL:
        # Opened on a messenger: its channel message is stored after this call, in the same
        # transaction; delivery reads the sender from it (``delivery``, ``_address_once``).
        return Route(channel=case.channel, recipient="")
    last = None if new else last_channel_message(case)
    if last is not None and last[0] not in _ANSWERED_BY_EMAIL and last[2]:
        kind, account_id, sender = last
        return Route(channel=kind, recipient=sender, account_id=account_id)
    return _email_route(case)


def route_after_intake(case: Case, channel: str) -> Route | None:
    """For a row written while its case was opened on a messenger: the sender of the message that opened
    it, now stored; e-mail when the case came some other way (an API import naming that channel)."""
    last = last_channel_message(case)
    if last is not None and last[0] == channel and last[2]:
        return Route(channel=channel, recipient=last[2], account_id=last[1])
    return _email_route(case)


def _email_route(case: Case) -> Route | None:
    if not case.customer.email:
        return None
    return Route(channel=Channel.EMAIL, recipient=case.customer.email)


def first_external_id(channel: str) -> str:
    """Fixed before the first attempt: a re-send after a crash carries the same e-mail Message-ID."""
    return new_message_id() if channel == Channel.EMAIL else ""


def last_channel_message(case: Case) -> tuple[str, int | None, str] | None:
    """(channel, our account, their sender id) of the customer's last message that came by a channel."""
    return (
        ChannelMessage.objects.filter(case=case, payload__isnull=False)
        .order_by("-message_id")
        .values_list("payload__kind", "payload__account_id", "sender")
        .first()
    )


def mark_bounced(rfc_message_ids: list[str], reason: str) -> int:
    """A delivery report says these mails of ours never arrived: show them as failed with the reason."""
    wanted = [f"<{item.strip('<>')}>" for item in rfc_message_ids if item.strip("<>")]
    if not wanted:
        return 0
    return OutboundMessage.objects.filter(channel=Channel.EMAIL, external_id__in=wanted).update(
        state=DeliveryState.FAILED, last_error=f"Bounced: {reason}"[:2000]
    )
