"""The dispute jobs: deadlines (periodic, idempotent) and the delivery of notices."""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from soridam.odr import actions, bidding_actions
from soridam.odr.models import BiddingRound, Notice, NoticeState

logger = logging.getLogger(__name__)


@task()
def expire_odr_deadlines() -> int:
    """Apply every passed deadline: bidding rounds first (a void round), then the disputes' states.
    Running it twice changes nothing the second time."""
    now = timezone.now()
    changed = 0
    for round_id in BiddingRound.objects.filter(
        state__in=["rules", "commit", "reveal"], commit_due_at__lt=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            round = (
                BiddingRound.objects.select_for_update(of=("self",)).select_related("dispute__case").get(pk=round_id)
            )
            changed += bidding_actions.expire_round(round, now=now)
    for dispute_id in actions.due_disputes(now):
        changed += actions.expire_one(dispute_id, now)
    return changed


@task()
def deliver_notice(notice_id: int) -> str:
    """Send one notice by e-mail; the accepted hand-over is its delivery receipt. Sent once."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update(of=("self",)).filter(pk=notice_id, state=NoticeState.QUEUED).first()
        if notice is None:
            return "done"
        try:
            send_mail(notice.subject, notice.body, None, [notice.recipient])
        except OSError as exc:
            notice.state, notice.last_error = NoticeState.FAILED, type(exc).__name__
            logger.warning("odr notice %s not delivered: %s", notice.pk, type(exc).__name__)
        else:
            notice.state, notice.delivered_at = NoticeState.DELIVERED, timezone.now()
        notice.save(update_fields=["state", "delivered_at", "last_error"])
        return notice.state
