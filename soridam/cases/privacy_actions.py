"""Personal data on cases, beside ``cases.actions``: revealing it with a reason (R-SEC-5), and what a
data-subject request changes (R-SEC-8).

``privacy.dsr`` erases a person's data across every registered model; the cases it touched get their audit
entry here, in the same transaction, so a case's history says when and by which request its content went.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.cases.errors import InvalidChange
from soridam.cases.models import Case, Message
from soridam.privacy import pii, sealing
from soridam.privacy.access import may_reveal_pii
from soridam.privacy.models import AccessAction, AccessLog


def record_personal_data_erased(cases: list[Case], *, actor: Actor, request_id: int, kept: list[str]) -> None:
    """One audit entry per case: its personal data was erased by the request, and which classes were kept.
    The caller holds the cases' row locks."""
    data = {"request": request_id, "kept": kept}
    audit.record_cases(actor, [(case, "case.personal_data_erased", data) for case in cases])


def reveal_pii(
    case: Case,
    *,
    actor: Actor,
    reason: str,
    message: Message | None = None,
    ip: str | None = None,
    action: AccessAction = AccessAction.REVEAL,
) -> AccessLog:
    """Let a person see a message's personal data (or open its original) after giving a reason.

    Writes the access-log entry and the case's audit entry; ``presenter.shown(user, text, reveal=entry)`` then
    shows the text as written. The caller holds the case's row lock (the audit stream is per case).
    """
    reason = " ".join(reason.split())
    user = actor.user
    if user is None or not may_reveal_pii(user):
        raise InvalidChange(_("You may not reveal personal data."), field="reason")
    if not reason:
        raise InvalidChange(_("Say why you need to see the personal data."), field="reason")
    entry = AccessLog.objects.create(
        user=user, case=case, customer_id=case.customer_id, message=message, ip=ip or None, action=action, reason=reason
    )
    types = pii.types_in(sealing.original_body(message)) if message else []  # with its sealed identifiers
    data = {"message": message.pk if message else None, "types": types}
    audit.record_case(actor, _ACCESS_AUDIT[action], target=case, data={**data, "access_log": entry.pk})
    return entry


_ACCESS_AUDIT = {AccessAction.REVEAL: "case.pii_revealed", AccessAction.VIEW_ORIGINAL: "case.original_viewed"}
