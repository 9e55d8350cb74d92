"""Headers that make our outbound mail thread in the customer's client and route replies back to us."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from email.utils import make_msgid, parseaddr

from django.conf import settings

from soridam.cases.models import Case
from soridam.channels.kinds import Channel
from soridam.channels.models import ChannelMessage
from soridam.notifications.models import DeliveryState, NotificationKind, OutboundMessage

_MAX_REFERENCES = 10


class Threads:
    """The threading headers and reply addresses of a batch of outbound mails, read in three queries for
    the whole batch (per message they cost two or three, more than the SMTP send). A mail sent during the
    batch joins its case's thread (``sent``), so a later mail of the same case in the batch refers to it."""

    def __init__(self, outbounds: Sequence[OutboundMessage]) -> None:
        case_ids = {outbound.case_id for outbound in outbounds}
        self.theirs: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
        self.ours: dict[int, list[tuple[int, datetime, str]]] = defaultdict(list)
        self.inbound_address: dict[int, str] = {}
        theirs = ChannelMessage.objects.filter(case_id__in=case_ids).order_by("message__created_at", "id")
        for case_id, created, external_id in theirs.values_list("case_id", "message__created_at", "external_id"):
            if not external_id.startswith("sha256:"):
                self.theirs[case_id].append((created, f"<{external_id}>"))
        ours = OutboundMessage.objects.filter(case_id__in=case_ids, channel=Channel.EMAIL, state=DeliveryState.SENT)
        for case_id, pk, sent_at, rfc_id in (
            ours.exclude(external_id="").order_by("id").values_list("case_id", "id", "sent_at", "external_id")
        ):
            if sent_at is not None:
                self.ours[case_id].append((pk, sent_at, rfc_id))
        inbound = ChannelMessage.objects.filter(case_id__in=case_ids, payload__account__isnull=False).exclude(
            payload__account__address=""
        )
        for case_id, address in inbound.order_by("pk").values_list("case_id", "payload__account__address"):
            self.inbound_address.setdefault(case_id, address)

    def headers(self, outbound: OutboundMessage) -> dict[str, str]:
        """``In-Reply-To`` the customer's last message (else our first mail on the case) and ``References``
        with the thread's ids in order. Our own ``Message-ID`` is stored on the row before sending."""
        theirs = self.theirs[outbound.case_id]
        ours = [(sent_at, rfc_id) for pk, sent_at, rfc_id in self.ours[outbound.case_id] if pk != outbound.pk]
        thread = [rfc_id for _t, rfc_id in sorted(theirs + ours)]
        if not thread:
            return {}
        parent = theirs[-1][1] if theirs else ours[0][1]
        references = thread[:1] + thread[1:][-(_MAX_REFERENCES - 1) :]
        return {"In-Reply-To": parent, "References": " ".join(references)}

    def reply_address(self, case: Case) -> str:
        """Where the customer's answer must go: the team's mailbox, else the mailbox the case came in on."""
        if case.team is not None and case.team.email_address:
            return case.team.email_address
        return self.inbound_address.get(case.pk) or parseaddr(str(settings.DEFAULT_FROM_EMAIL))[1]

    def sent(self, outbound: OutboundMessage, at: datetime) -> None:
        if outbound.channel == Channel.EMAIL and outbound.external_id:
            self.ours[outbound.case_id].append((outbound.pk, at, outbound.external_id))


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
