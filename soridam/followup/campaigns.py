"""Advertising campaigns (R-FOLLOW-6): a staff member starts one from the admin; every customer with
advertising consent gets it by e-mail, labelled and with the opt-out, never at night without the night
consent (``notifications.contact_rules`` decides; this module only applies it).

Advertising is sent at most once rather than at least once: a row is marked sent in its transaction and
the mail goes after the commit; a failed send is recorded on the row and not retried (a duplicate
advertisement is worse than a missed one).
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.followup.links import opt_out_url
from soridam.followup.models import Campaign, CampaignMessage, CampaignState, MarketingConsent
from soridam.notifications import contact_rules

logger = logging.getLogger(__name__)
BATCH = 500


def start_campaign(campaign: Campaign, *, actor: Actor) -> int:
    """Queue the campaign for every customer who consents to advertising and has an e-mail address; the
    others get no row at all. Starting twice adds nobody twice. Returns how many were queued."""
    consenting = MarketingConsent.objects.filter(advertising_at__isnull=False).select_related("customer")
    rows = [
        CampaignMessage(campaign=campaign, customer=consent.customer, recipient=consent.customer.email)
        for consent in consenting.iterator()
        if contact_rules.may_advertise(consent) and consent.customer.email
    ]
    with transaction.atomic():
        created = CampaignMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH)
        campaign.started_at = campaign.started_at or timezone.now()
        campaign.save(update_fields=["started_at"])
        audit.record(actor, "campaign.started", target=campaign, data={"queued": len(rows)})
    return len(created)


def send_due(now: datetime | None = None) -> int:
    """Send each due message that may go now; hold a night-time one until 08:00; skip one whose customer
    withdrew consent, or whose contact had enough messages this hour. Returns how many were sent."""
    now = now or timezone.now()
    due = CampaignMessage.objects.filter(state__in=(CampaignState.QUEUED, CampaignState.HELD), due_at__lte=now)
    sent = 0
    for message_id in list(due.order_by("pk").values_list("pk", flat=True)[:BATCH]):
        outgoing = _decide(message_id, now)
        if outgoing is not None:
            sent += _send(outgoing)
    return sent


def _decide(message_id: int, now: datetime) -> CampaignMessage | None:
    with transaction.atomic():
        rows = CampaignMessage.objects.select_for_update(skip_locked=True, of=("self",)).select_related(
            "campaign", "customer"
        )
        message = rows.filter(pk=message_id, state__in=(CampaignState.QUEUED, CampaignState.HELD)).first()
        if message is None:
            return None
        consent = MarketingConsent.objects.filter(customer_id=message.customer_id).first()
        if consent is None or not contact_rules.may_advertise(consent):
            _skip(message, "no advertising consent")
            return None
        release = contact_rules.advertising_release(now, consent)
        if release > now:
            message.state, message.due_at = CampaignState.HELD, release
            message.save(update_fields=["state", "due_at"])
            return None
        if contact_rules.throttle_release(message.recipient, now) is not None:
            _skip(message, "throttled: the contact had enough messages this hour")
            return None
        message.subject, message.body = contact_rules.advertising_text(
            message.campaign.subject,
            message.campaign.body,
            opt_out_url=opt_out_url(message.customer_id),
            language=message.customer.language,
        )
        message.state, message.sent_at = CampaignState.SENT, now
        message.save(update_fields=["subject", "body", "state", "sent_at"])
        return message


def _skip(message: CampaignMessage, reason: str) -> None:
    message.state, message.reason = CampaignState.SKIPPED, reason
    message.save(update_fields=["state", "reason"])


def _send(message: CampaignMessage) -> int:
    try:
        send_mail(message.subject[:150], message.body, None, [message.recipient])
    except Exception as exc:  # noqa: BLE001 - recorded on the row; advertising is not retried (module doc)
        logger.warning("advertising message not sent", extra={"campaign_message": message.pk})
        CampaignMessage.objects.filter(pk=message.pk).update(state=CampaignState.SKIPPED, reason=str(exc)[:200])
        return 0
    return 1
