"""What a data-subject request changes on cases, beside ``cases.actions`` (R-SEC-8).

``privacy.dsr`` erases a person's data across every registered model; the cases it touched get their audit
entry here, in the same transaction, so a case's history says when and by which request its content went.
"""

from __future__ import annotations

from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.cases.models import Case


def record_personal_data_erased(cases: list[Case], *, actor: Actor, request_id: int, kept: list[str]) -> None:
    """One audit entry per case: its personal data was erased by the request, and which classes were kept.
    The caller holds the cases' row locks."""
    data = {"request": request_id, "kept": kept}
    audit.record_cases(actor, [(case, "case.personal_data_erased", data) for case in cases])
