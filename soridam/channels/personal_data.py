"""Personal data this app holds (``soridam.privacy.registry``): how to find a person's rows, keep and erase them."""

from __future__ import annotations

from soridam.privacy.registry import PersonalData

PERSONAL_DATA = [
    PersonalData(
        "soridam_channels.RawPayload",
        subject="case__customer",
        retention="complaint",
        anonymise=("raw",),
        clock="case__closed_at",
        case="case",
    ),
    PersonalData("soridam_channels.CaseParticipant", subject="case__customer", retention="service", case="case"),
    PersonalData(
        "soridam_channels.ChannelMessage",
        subject="case__customer",
        retention="complaint",
        anonymise=("sender", "subject", "full_text", "safe_html", "notes"),
        clock="case__closed_at",
        case="case",
    ),
    PersonalData("soridam_channels.MessengerThread", subject="customer", retention="service", case="case"),
]
