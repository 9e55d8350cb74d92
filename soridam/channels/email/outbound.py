"""Headers that make our outbound mail thread in the customer's client and route replies back to us."""

from __future__ import annotations

from email.utils import make_msgid, parseaddr

from django.conf import settings

from soridam.cases.models import Case
from soridam.channels.kinds import Channel
from soridam.channels.models import ChannelMessage
from soridam.notifications.models import DeliveryState, NotificationKind, OutboundMessage

_MAX_REFERENCES = 10


def thread_headers(outbound: OutboundMessage) -> dict[str, str]:
    """``In-Reply-To`` the customer's last message (else our first mail on the case) and ``References``
    with the thread's ids in order. Our own ``Message-ID`` is stored on the row before sending."""
    case = outbound.case
    theirs = [
        (created, f"<{external_id}>")
        for created, external_id in ChannelMessage.objects.filter(case=case)
        .order_by("message__created_at", "id")
        .values_list("message__created_at", "external_id")
        if not external_id.startswith("sha256:")
    ]
    ours = [
        (sent_at, rfc_id)
        for sent_at, rfc_id in OutboundMessage.objects.filter(
            case=case, channel=Channel.EMAIL, state=DeliveryState.SENT
        )
        .exclude(external_id="")
        .exclude(pk=outbound.pk)
        .order_by("id")
        .values_list("sent_at", "external_id")
        if sent_at is not None
    ]
    thread = [rfc_id for _t, rfc_id in sorted(theirs + ours)]
    if not thread:
        return {}
    parent = theirs[-1][1] if theirs else ours[0][1]
    references = thread[:1] + thread[1:][-(_MAX_REFERENCES - 1) :]
    return {"In-Reply-To": parent, "References": " ".join(references)}


def reply_address(case: Case) -> str:
    """Where the customer's answer must go: the team's mailbox, else the mailbox the case came in on."""
    if case.team is not None and case.team.email_address:
        return case.team.email_address
    inbound = (
        ChannelMessage.objects.filter(case=case, payload__account__isnull=False)
        .exclude(payload__account__address="")
        .values_list("payload__account__address", flat=True)
        .first()
    )
    return inbound or parseaddr(str(settings.DEFAULT_FROM_EMAIL))[1]


def auto_submitted(kind: str) -> str:
    """RFC 3834: machine-sent mail says so, so that the customer's autoresponder stays quiet."""
    if kind == NotificationKind.AGENT_REPLY:
        return ""
    return "auto-replied" if kind == NotificationKind.CASE_OPENED else "auto-generated"


def new_message_id() -> str:
    """Our Message-ID for a new outbound mail. It is stored on the row before the first attempt, so a
    re-send after a crash carries the same id and the customer's client shows one message."""
    return make_msgid(domain=mail_domain())


def mail_domain() -> str:
    address = str(settings.DEFAULT_FROM_EMAIL)
    return address.rsplit("@", 1)[-1].rstrip(">").strip() or "soridam.localhost"
