"""Personal data this app holds (``soridam.privacy.registry``): how to find a person's rows, keep and erase them."""

from __future__ import annotations

from soridam.privacy.registry import NotPersonal, PersonalData

PERSONAL_DATA = [
    PersonalData(
        "policy.Remedy",
        subject="customer",
        retention="payment",
        anonymise=("reason", "decision_comment"),
        clock="requested_at",
        case="case",
    ),
    PersonalData(
        "policy.LedgerEntry", subject="customer", retention="payment", clock="created_at", case="remedy__case"
    ),
]
NOT_PERSONAL = [
    NotPersonal("policy.RuleComment", "a staff member's comment on a policy rule"),
]
