"""Personal data this app holds (``soridam.privacy.registry``): how to find a person's rows, keep and erase them."""

from __future__ import annotations

from soridam.privacy.registry import NotPersonal, PersonalData

PERSONAL_DATA = [
    PersonalData("privacy.AccessLog", subject="customer", retention="access_log", clock="created_at", case="case"),
    PersonalData(
        "privacy.SubjectRequest",
        subject="customer",
        retention="complaint",
        anonymise=("details",),
        clock="completed_at",
        case="case",
    ),
    # The identifiers sealed out of a message: kept and destroyed with the message they belong to.
    PersonalData(
        "privacy.SealedValue",
        subject="message__case__customer",
        retention="complaint",
        clock="message__case__closed_at",
        case="message__case",
    ),
    PersonalData(
        "privacy.PrivacyProfile", subject="customer", retention="service", anonymise=("guardian_consent_how",)
    ),
]
NOT_PERSONAL = [
    NotPersonal("privacy.LegalHold", "the hold itself: a staff member's reason for keeping a record"),
]
