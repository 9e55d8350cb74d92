"""Tell the customer something: one outbox row inside the caller's transaction; a task sends it after commit.

This module sits below ``cases.actions`` (which calls ``notify_customer``) and must not import it, nor
the channel transports (they call actions). The delivery task is named, not imported, for that reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from soridam.cases.models import Case, Message
from soridam.channels.email.outbound import new_message_id
from soridam.channels.kakao_alimtalk.models import ALIMTALK_ACCOUNT, AlimTalkTemplate, TemplateStatus
from soridam.channels.kinds import Channel
from soridam.channels.models import ChannelAccount, ChannelMessage
from soridam.lib.jobs import enqueue_on_commit, task_at
from soridam.lib.rows import insert
from soridam.notifications import policy
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
    sent once the caller's transaction commits, if the notification policy says the customer hears of it.
    A message about the case's state waits as the policy says, and a later one joins it while it waits.
    A customer we cannot reach (phone only) gets nothing. The caller holds the case's row lock."""
    decision = policy.decide(case, kind)
    if not decision.send:
        return None
    if kind in policy.STATE_RANK:
        held = _join_waiting(case, kind, decision.hold)
        if held is not None:
            return held
    route = alimtalk_route(case, kind) or customer_route(case, new=kind == NotificationKind.CASE_OPENED)
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
            next_attempt_at=timezone.now() + decision.hold,
        )
    )
    deliver_on_commit(outbound.pk, outbound.next_attempt_at)
    return outbound


def _join_waiting(case: Case, kind: NotificationKind, hold: timedelta) -> OutboundMessage | None:
    """Fold a state message into the case's state message that is still waiting to go: the customer gets
    one message, rendered with the case as it is when it goes. It leaves when the earlier of the two would."""
    now = timezone.now()
    waiting = (
        OutboundMessage.objects.filter(
            case=case, state=DeliveryState.QUEUED, attempts=0, kind__in=list(policy.STATE_RANK), next_attempt_at__gt=now
        )
        .order_by("-id")
        .first()
    )
    if waiting is None:
        return None
    due = min(waiting.next_attempt_at, now + hold)
    combined = policy.combined_kind(waiting.kind, kind)
    # Only while no worker has claimed it: a claim changes the state, and then the new message goes alone.
    joined = OutboundMessage.objects.filter(
        pk=waiting.pk, state=DeliveryState.QUEUED, attempts=0, next_attempt_at__gt=now
    ).update(kind=combined, next_attempt_at=due)
    if not joined:
        return None
    if due < waiting.next_attempt_at:
        deliver_on_commit(waiting.pk, due)
    waiting.kind, waiting.next_attempt_at = combined, due
    return waiting


def deliver_on_commit(outbound_id: int, due: datetime) -> None:
    """A message that waits is delivered by a task deferred to its time where the backend can defer;
    elsewhere the task finds it not yet due and the sweep sends it later."""
    task = task_at(DELIVERY_TASK)
    if due > timezone.now() and task.get_backend().supports_defer:
        task = task.using(run_after=due)
    enqueue_on_commit(task, outbound_id)


def withdraw_waiting(case: Case, kind: NotificationKind, reason: str) -> int:
    """A message still waiting to go that is no longer true (a solved case reopened first) is not sent;
    the row stays, failed with the reason, so the case page shows what happened to it."""
    return OutboundMessage.objects.filter(
        case=case, kind=kind, state=DeliveryState.QUEUED, attempts=0, next_attempt_at__gt=timezone.now()
    ).update(state=DeliveryState.FAILED, last_error=reason)


def customer_route(case: Case, *, new: bool = False) -> Route | None:
    """The channel of the customer's last channel message (its account and their sender id there);
    e-mail to the customer's address when that was e-mail, the web form, or nothing yet.
    ``new``: the case is being opened and its channel message is not stored yet (this saves intake a query)."""
    texted = sms_route(case)
    if texted is not None:
        return texted
    if new and case.channel not in _ANSWERED_BY_EMAIL:
        # Opened on a messenger: its channel message is stored after this call, in the same
        # transaction; delivery reads the sender from it (``delivery``, ``_address_once``).
        return Route(channel=case.channel, recipient="")
    last = None if new else last_channel_message(case)
    if last is not None and last[0] not in _ANSWERED_BY_EMAIL and last[2]:
        kind, account_id, sender = last
        return Route(channel=kind, recipient=sender, account_id=account_id)
    return _email_route(case)


def alimtalk_route(case: Case, kind: NotificationKind) -> Route | None:
    """A notice by KakaoTalk AlimTalk to the customer's phone (its SMS fallback is the sender's): when the shop
    registered an approved template for this kind of notice, has an active AlimTalk account, and the customer
    has a phone and is a KakaoTalk customer or one we would text anyway. The row's channel is KakaoTalk and its
    account the AlimTalk one (``channels.kakao_alimtalk.sender.send_outbound``). Costs no query for a
    customer without a phone number (most messenger customers)."""
    phone = case.customer.phone
    if not phone or not AlimTalkTemplate.objects.filter(notice=kind, status=TemplateStatus.APPROVED).exists():
        return None
    account_id = (
        ChannelAccount.objects.filter(kind=ALIMTALK_ACCOUNT, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if account_id is None:
        return None
    texted = case.channel in (Channel.KAKAO, Channel.SMS, Channel.PHONE)
    if not texted and not case.customer.identities.filter(channel=Channel.KAKAO).exists():
        return None
    return Route(channel=Channel.KAKAO, recipient=phone, account_id=account_id)


def sms_route(case: Case) -> Route | None:
    """A text message to the customer's phone, through the first active SMS account: for a case opened as
    SMS, and for a phone case whose customer has no e-mail address (else a phone-only customer hears
    nothing). SMS is outbound only, so no channel message says where to answer; the case's channel does."""
    if case.channel not in (Channel.SMS, Channel.PHONE) or not case.customer.phone:
        return None
    if case.channel == Channel.PHONE and case.customer.email:
        return None
    accounts = ChannelAccount.objects.filter(kind=Channel.SMS, is_active=True).order_by("pk")
    account_id = accounts.values_list("pk", flat=True).first()
    if account_id is None:
        return None
    return Route(channel=Channel.SMS, recipient=case.customer.phone, account_id=account_id)


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
