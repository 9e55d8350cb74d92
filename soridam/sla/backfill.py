"""Starting clocks for cases that were filed before SLAs were configured."""

from __future__ import annotations

from django.db import transaction

from soridam.cases import actions
from soridam.cases.models import ACTIVE_STATUSES, Case
from soridam.sla.models import CaseSla


def start_missing_clocks(batch: int = 500) -> int:
    """Clocks run from the filing time, with the policy and calendar that apply now. Idempotent."""
    started = 0
    last_id = 0
    while True:
        with transaction.atomic():
            cases = list(
                Case.objects.select_for_update(of=("self",))
                .select_related("customer")
                .filter(status__in=ACTIVE_STATUSES, pk__gt=last_id)
                .exclude(pk__in=CaseSla.objects.values("case_id"))
                .order_by("pk")[:batch]
            )
            for case in cases:
                if actions.start_sla_clocks(case, since=case.created_at) is not None:
                    started += 1
        if len(cases) < batch:
            return started
        last_id = cases[-1].pk
