"""The e-mail digest: each agent who opted in gets one mail listing the notifications they left unread.

A notification goes in one digest at most. The agent's unread rows older than
``SORIDAM_ALERT_DIGEST_AFTER_MINUTES`` are claimed (``digested_at``) in a short transaction, mailed with no
transaction open (an SMTP server that stalls must not hold row locks), and released again if the send
fails, so the next run tries them again. A worker killed between claim and send loses that digest rather
than mailing it twice: it is a courtesy copy, the workspace list stays the record.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from soridam.accounts.models import User
from soridam.alerts.models import Alert, AlertSettings
from soridam.alerts.text import describe

MAX_PER_DIGEST = 200


def send_digests(now: datetime | None = None) -> int:
    """Mail every opted-in agent who has unread, undigested notifications old enough; returns mails sent."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.SORIDAM_ALERT_DIGEST_AFTER_MINUTES)
    opted_in = AlertSettings.objects.filter(email_digest=True, user__is_active=True).exclude(user__email="")
    return sum(_digest_for(user, cutoff, now) for user in User.objects.filter(alert_settings__in=opted_in))


def _digest_for(user: User, cutoff: datetime, now: datetime) -> int:
    alerts = _claim(user, cutoff, now)
    if not alerts:
        return 0
    try:
        _mail(user, alerts)
    except Exception:
        Alert.objects.filter(pk__in=[alert.pk for alert in alerts]).update(digested_at=None)
        raise
    return 1


def _claim(user: User, cutoff: datetime, now: datetime) -> list[Alert]:
    with transaction.atomic():
        due = (
            Alert.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(recipient=user, read_at__isnull=True, digested_at__isnull=True, created_at__lte=cutoff)
            .select_related("case")
            .order_by("created_at", "id")[:MAX_PER_DIGEST]
        )
        alerts = list(due)
        Alert.objects.filter(pk__in=[alert.pk for alert in alerts]).update(digested_at=now)
    return alerts


def _mail(user: User, alerts: list[Alert]) -> None:
    """Sent like the SLA lead notices (``sla.tasks.email_lead``): Django's mail backend, the project's
    EMAIL_URL. References and kinds only: no customer text goes into a mail to staff."""
    with translation.override(user.language):
        lines = [
            {
                "text": describe(alert),
                "reference": alert.case.reference if alert.case else "",
                "link": settings.SITE_URL + reverse("alerts:open", args=[alert.pk]),
                "created_at": alert.created_at,
            }
            for alert in alerts
        ]
        subject = _("Soridam: %(count)d unread notifications") % {"count": len(alerts)}
        body = render_to_string(
            "alerts/digest.txt",
            {"user": user, "lines": lines, "list_link": settings.SITE_URL + reverse("alerts:list")},
        )
    send_mail(subject, body, None, [user.email])
