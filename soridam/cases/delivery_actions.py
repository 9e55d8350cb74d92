"""What the actions layer records when a message to the customer could not be delivered (beside ``actions``).

A permanent failure (the provider refused the message, or every retry failed) is written on the case's
timeline with the provider's reason, so the agent sees it where they read the case, and the assignee gets an
alert: the customer has not heard us.
"""

from __future__ import annotations

from django.db import transaction

from soridam.alerts import fanout
from soridam.alerts.models import AlertKind
from soridam.audit import audit
from soridam.audit.actors import SYSTEM
from soridam.cases import events
from soridam.cases.models import Case, EventKind


def record_delivery_failure(case_id: int, *, outbound_id: int, channel: str, reason: str) -> None:
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            return
        events.record(case, EventKind.DELIVERY_FAILED, actor=SYSTEM, reason=reason[:500], channel=channel)
        audit.record_case(SYSTEM, "case.delivery_failed", target=case, data={"outbound": outbound_id})
        fanout.for_event(case, AlertKind.DELIVERY_FAILED, actor=SYSTEM)


def record_notice_sent(case_id: int, *, outbound_id: int, channel: str, way: str, text: str) -> None:
    """A notice sent outside the conversation (an AlimTalk template, or the text message it fell back to):
    on the timeline with its words and the way it went, since no message of the case carries it."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            return
        events.record(case, EventKind.NOTICE_SENT, actor=SYSTEM, after=way, reason=text[:500], channel=channel)
        audit.record_case(SYSTEM, "case.notice_sent", target=case, data={"outbound": outbound_id, "way": way})
