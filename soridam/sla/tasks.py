"""Periodic SLA jobs (see soridam.sla.periodic). Each is safe to run twice or concurrently."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from soridam.lib import jobs
from soridam.sla import escalation, risk
from soridam.sla.models import CaseSla, LeadNotice


@task(priority=jobs.CASE_FLOW)
def check_escalations() -> int:
    """Fire the escalation rules whose thresholds have passed."""
    now = timezone.now()
    due = CaseSla.objects.filter(next_escalation_at__lte=now).order_by("next_escalation_at")
    return sum(escalation.fire_due(case_id, now) for case_id in due.values_list("case_id", flat=True)[:500])


@task()
def refresh_breach_risk() -> int:
    return risk.refresh()


@task(priority=jobs.CASE_FLOW)
def email_lead(notice_id: int) -> bool:
    """Send a lead's SLA notice by e-mail too (the notice row is the record; this is a courtesy copy)."""
    notice = LeadNotice.objects.select_related("recipient", "case").filter(pk=notice_id).first()
    if notice is None or not notice.recipient.email:
        return False
    link = settings.SITE_URL + reverse("workspace:case", args=[notice.case_id])
    send_mail(notice.text[:150], f"{notice.text}\n\n{link}\n", None, [notice.recipient.email])
    return True
