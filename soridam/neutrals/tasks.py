"""The neutrals' periodic jobs (scheduled in ``sla/periodic.py``)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from soridam.lib import jobs
from soridam.neutrals import outcomes, selection
from soridam.neutrals.models import Draw, DrawState


@task(priority=jobs.CASE_FLOW)
def appoint_due_neutrals() -> int:
    """Appoint the neutrals whose objection window closed with no objection."""
    return selection.appoint_due()


@task(priority=jobs.BACKGROUND)
def raise_neutral_outliers() -> int:
    return len(outcomes.raise_outlier_alerts())


@task(priority=jobs.CASE_FLOW)
def email_drawn_neutral(draw_id: int) -> bool:
    """Ask the drawn neutral for their disclosure. Ids and a link only: no party's name or text."""
    draw = Draw.objects.select_related("neutral__user").filter(pk=draw_id).first()
    if draw is None or draw.neutral is None or draw.state != DrawState.AWAITING_DISCLOSURE:
        return False
    user = draw.neutral.user
    if not user.email:
        return False
    with translation.override(user.language):
        subject = _("Soridam: you were drawn to mediate dispute %(dispute)s") % {"dispute": draw.dispute_id}
        link = settings.SITE_URL + reverse("neutrals:disclosure", args=[draw.pk])
        body = render_to_string("neutrals/drawn_mail.txt", {"draw": draw, "link": link})
    send_mail(subject, body, None, [user.email])
    return True
