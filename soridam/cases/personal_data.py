"""Personal data this app holds (``soridam.privacy.registry``): how to find a person's rows, keep and erase them."""

from __future__ import annotations

from soridam.privacy.registry import NotPersonal, PersonalData

COMPLAINT = "complaint"
PERSONAL_DATA = [
    PersonalData(
        "cases.Case",
        subject="customer",
        anonymise=("subject", "order_number"),
        clock="closed_at",
        case="pk",
        retention=COMPLAINT,
    ),
    PersonalData(
        "cases.Message",
        subject="case__customer",
        anonymise=("body",),
        clock="case__closed_at",
        case="case",
        retention=COMPLAINT,
    ),
    PersonalData(
        "cases.Attachment",
        subject="message__case__customer",
        clock="message__case__closed_at",
        case="message__case",
        retention=COMPLAINT,
    ),
    PersonalData(
        "cases.TimelineEvent",
        subject="case__customer",
        anonymise=("reason",),
        clock="case__closed_at",
        case="case",
        retention=COMPLAINT,
    ),
]
NOT_PERSONAL: list[NotPersonal] = []
