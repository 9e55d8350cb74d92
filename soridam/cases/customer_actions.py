"""Moving a case to another customer (beside ``actions``): a customer merge and its undo call this per case.

The case's timeline says who moved it, from which customer to which and why, and its audit stream keeps
the same; customers appear by number only (``#12 → #34``), never by name or address (the timeline is read
by every agent on the case, and names are personal data).
"""

from __future__ import annotations

from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.cases import events
from soridam.cases.models import Case, EventKind
from soridam.customers.models import Customer


def move_case_to_customer(case: Case, customer: Customer, *, actor: Actor, reason: str) -> Case:
    """Give ``case`` to ``customer``. The caller holds the case's row lock (and both customers')."""
    before = case.customer_id
    if before == customer.pk:
        return case
    case.customer = customer
    case.save(update_fields=["customer"])
    events.record(
        case, EventKind.CUSTOMER_CHANGED, actor=actor, before=f"#{before}", after=f"#{customer.pk}", reason=reason
    )
    audit.record_case(actor, "case.customer_changed", target=case, data={"from": before, "to": customer.pk})
    return case
