"""The weekly analytics e-mail to the leads and admins who opted in (``ReportSubscription``).

Sent like the alert digests (Django's mail backend, the project's EMAIL_URL), in the reader's language,
with their own scope. Figures only: no customer names or texts go into it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from soridam.accounts.models import Role
from soridam.analytics import dashboard, metrics
from soridam.analytics.access import analytics_scope
from soridam.analytics.models import ReportSubscription

EVERY = timedelta(days=7)


def send_due(now: datetime | None = None) -> int:
    """Mail each subscriber whose last report is a week old (or who never had one); returns mails sent."""
    now = now or timezone.now()
    due = (
        ReportSubscription.objects.filter(weekly=True, user__is_active=True)
        .exclude(user__email="")
        .filter(user__role__in=(Role.LEAD, Role.ADMIN))
        .select_related("user")
    )
    sent = 0
    for subscription in due:
        if subscription.last_sent_at is not None and subscription.last_sent_at > now - EVERY:
            continue
        _send(subscription, now)
        sent += 1
    return sent


def _send(subscription: ReportSubscription, now: datetime) -> None:
    user = subscription.user
    scope = analytics_scope(user)
    end = timezone.localdate(now) - timedelta(days=1)
    filters = metrics.Filters(start=end - timedelta(days=6), end=end, teams=scope.teams)
    with translation.override(user.language):
        context = dashboard.build(filters, scope)
        body = render_to_string(
            "analytics/weekly_report.txt",
            {
                "user": user,
                "filters": filters,
                "cards": context["cards"],
                "cost": context["cost"],
                "link": settings.SITE_URL + reverse("analytics:dashboard"),
            },
        )
        subject = _("Soridam: the week of %(start)s to %(end)s") % {"start": filters.start, "end": filters.end}
    send_mail(subject, body, None, [user.email])
    ReportSubscription.objects.filter(pk=subscription.pk).update(last_sent_at=now)
