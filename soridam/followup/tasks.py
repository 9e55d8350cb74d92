"""Follow-up jobs, run by the scheduler (``sla/periodic.py``): ask due check-ins, close the silent ones,
and send advertising that is due (held messages go at 08:00). Each row is claimed under its lock and
checked again, so two runs at once, or a run twice, do each thing once."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from soridam.cases import followup_actions
from soridam.cases.models import Case
from soridam.followup import campaigns, checkins
from soridam.followup.models import CheckIn
from soridam.lib import jobs

BATCH = 200


@task(priority=jobs.CUSTOMER)
def run_check_ins() -> int:
    """Ask every due check-in, then close every case whose customer stayed silent. Returns the rows done."""
    now = timezone.now()
    asked = _each(checkins.due_to_ask(now), followup_actions.ask_check_in, asked=False)
    closed = _each(checkins.due_to_close(now), followup_actions.close_silent_check_in, asked=True)
    return asked + closed


def _each(rows: QuerySet[CheckIn], step: Callable[[Case, CheckIn], object], *, asked: bool) -> int:
    """``step`` on each row under its lock, if it is still unanswered and (``asked``) was or was not asked."""
    done = 0
    ids = list(rows.order_by("pk").values_list("pk", flat=True)[:BATCH])
    for check_in_id in ids:
        with transaction.atomic():
            row = CheckIn.objects.select_for_update(skip_locked=True).filter(pk=check_in_id, answer="").first()
            if row is None or (row.sent_at is not None) != asked:
                continue  # another run took it, or it was answered meanwhile
            case = Case.objects.select_for_update(of=("self",)).select_related("customer", "team").get(pk=row.case_id)
            step(case, row)
            done += 1
    return done


@task(priority=jobs.CUSTOMER)
def send_campaign_messages() -> int:
    """Advertising that is due: held night-time messages at 08:00, and new ones at once."""
    return campaigns.send_due()
