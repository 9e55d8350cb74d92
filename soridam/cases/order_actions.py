"""A case is about an order: linking and unlinking them, beside ``cases.actions`` (R-CRM-4, R-TRIAGE).

A link is written in one transaction with its timeline event and audit entry, whether triage found the
order number in the customer's message (the system links it) or an agent linked it from the case page.
Linking twice is a no-op; so is unlinking an order the case is not linked to. The caller holds the case's
row lock.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.cases import events
from soridam.cases.actions import _touch
from soridam.cases.errors import InvalidChange
from soridam.cases.models import Case, EventKind
from soridam.orders.models import CaseOrder, Order


def link_order(case: Case, order: Order, *, actor: Actor) -> CaseOrder | None:
    """Link the order to the case; None when it already was."""
    with transaction.atomic():
        link, created = CaseOrder.objects.get_or_create(case=case, order=order)
        if not created:
            return None
        events.record(case, EventKind.ORDER_LINKED, actor=actor, after=order.number)
        audit.record_case(actor, "case.order_linked", target=case, data={"order": order.pk, "number": order.number})
        _touch(case)
        return link


def unlink_order(case: Case, order: Order, *, actor: Actor) -> bool:
    """Remove the case's link to the order; False when there was none."""
    with transaction.atomic():
        removed, _kinds = CaseOrder.objects.filter(case=case, order=order).delete()
        if not removed:
            return False
        events.record(case, EventKind.ORDER_UNLINKED, actor=actor, before=order.number)
        audit.record_case(actor, "case.order_unlinked", target=case, data={"order": order.pk, "number": order.number})
        _touch(case)
        return True


def linkable_order(number: str, *, found: Order | None) -> Order:
    """The order an agent typed, or the refusal shown on the form when no shop knows that number."""
    if found is None:
        raise InvalidChange(_("No shop has an order numbered %(number)s.") % {"number": number}, field="number")
    return found
