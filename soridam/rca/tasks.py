"""Root-cause jobs, run by the scheduler (``sla/periodic.py``), and the spike alert's mail."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from soridam.alerts.models import Alert
from soridam.lib import jobs
from soridam.rca import detection, recurrence
from soridam.rca.models import Spike


@task()
def detect_spikes() -> int:
    return len(detection.detect_spikes())


@task(priority=jobs.BACKGROUND)
def match_recurrences() -> int:
    return recurrence.scan_new_cases()


@task(priority=jobs.CASE_FLOW)
def email_spike_alert(alert_id: int) -> bool:
    """The spike alert by e-mail too (the workspace alert is the record). Counts and references only: no
    customer text goes into a mail to staff."""
    alert = Alert.objects.select_related("recipient").filter(pk=alert_id).first()
    spike = Spike.objects.filter(pk=int(alert.detail)).first() if alert and alert.detail.isdigit() else None
    if alert is None or spike is None or not alert.recipient.email:
        return False
    with translation.override(alert.recipient.language):
        subject = _("Soridam: complaint spike, %(label)s") % {"label": spike.label}
        link = settings.SITE_URL + reverse("alerts:open", args=[alert.pk])
        body = render_to_string("rca/spike_mail.txt", {"spike": spike, "link": link, "user": alert.recipient})
    send_mail(subject[:150], body, None, [alert.recipient.email])
    return True
