"""When a message may reach a contact: the one place for the throttle and the advertising rules
(R-FOLLOW-6, SPEC §5.5). The outbox's delivery (``delivery.deliver_many``) and the advertising campaigns
(``followup.campaigns``) both ask here before they send; nothing else decides it.

- **Throttle.** At most ``SORIDAM_CONTACT_THROTTLE`` automatic messages per contact (address, number or
  messenger id) in any hour, counting both kinds. A service message about the customer's own case is
  never dropped: it waits until the hour has room (``throttle_release``). An advertisement over the limit
  is dropped: it would be late and unwanted. An agent's reply is not throttled and not counted: a
  person answering the customer in a conversation the customer started is not a message pushed at them
  (holding the 6th reply of a live chat for an hour would break the chat).
- **Advertising** needs the customer's advertising consent (withdrawn by the opt-out), starts with
  "(광고)", ends with the opt-out, and never goes 21:00–08:00 KST without the separate night consent:
  such a message is held until 08:00 (``advertising_release``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from soridam.followup.models import CampaignMessage, CampaignState, MarketingConsent
from soridam.notifications.models import NotificationKind, OutboundMessage

KST = ZoneInfo("Asia/Seoul")  # the law's clock, whatever the server's zone
NIGHT_STARTS, NIGHT_ENDS = time(21), time(8)
WINDOW = timedelta(hours=1)
AD_LABEL = "(광고)"
UNTHROTTLED = frozenset({NotificationKind.AGENT_REPLY})


def is_throttled(kind: str) -> bool:
    return kind not in UNTHROTTLED


def throttle_release(recipient: str, now: datetime, *, also_sent: int = 0) -> datetime | None:
    """None when one more automatic message may go to ``recipient`` now; else the moment the hour has room.
    ``also_sent``: messages to the same contact sent by the caller's batch and not yet recorded."""
    return SentWithinHour([recipient], now).release(recipient, also_sent=also_sent)


class SentWithinHour:
    """The automatic messages sent to each of many contacts in the hour before ``now``, read in two queries
    (service and advertising) for all of them: a delivery batch asks for every recipient it holds, and a
    read per recipient cost more than the rest of the throttle (bench/README.md, pipeline)."""

    def __init__(self, recipients: Iterable[str], now: datetime) -> None:
        self.now = now
        wanted, since = set(recipients), now - WINDOW
        self.times: dict[str, list[datetime]] = defaultdict(list)
        service = OutboundMessage.objects.filter(recipient__in=wanted, sent_at__gt=since).exclude(kind__in=UNTHROTTLED)
        advertising = CampaignMessage.objects.filter(recipient__in=wanted, state=CampaignState.SENT, sent_at__gt=since)
        for rows in (service, advertising):
            for recipient, moment in rows.values_list("recipient", "sent_at"):
                if moment is not None:
                    self.times[recipient].append(moment)

    def release(self, recipient: str, *, also_sent: int = 0) -> datetime | None:
        """``throttle_release`` for one of the contacts read."""
        limit = settings.SORIDAM_CONTACT_THROTTLE
        sent = sorted(self.times.get(recipient, ()), reverse=True)
        if len(sent) + also_sent < limit:
            return None
        # The hour has room again once the oldest message that keeps it full is an hour old.
        keeps_full = sent[max(limit - also_sent - 1, 0)] if sent else self.now
        return max(keeps_full + WINDOW, self.now + timedelta(seconds=1))


def may_advertise(consent: MarketingConsent | None) -> bool:
    return consent is not None and consent.advertising


def advertising_release(now: datetime, consent: MarketingConsent) -> datetime:
    """``now``, or 08:00 KST when it is night (21:00–08:00) and the customer has no night consent."""
    local = now.astimezone(KST)
    if consent.night or NIGHT_ENDS <= local.time() < NIGHT_STARTS:
        return now
    morning = local.date() + timedelta(days=1) if local.time() >= NIGHT_STARTS else local.date()
    return datetime.combine(morning, NIGHT_ENDS, KST)


def advertising_text(subject: str, body: str, *, opt_out_url: str, language: str) -> tuple[str, str]:
    """The subject and body as sent: "(광고)" first, the opt-out last (also for an English reader: the
    label is the statutory one)."""
    with translation.override(language):
        opt_out = _("To stop receiving advertising, open: %(url)s") % {"url": opt_out_url}
    return f"{AD_LABEL} {subject.strip()}", f"{AD_LABEL} {body.strip()}\n\n{opt_out}\n"
