"""Personal data this app holds (``soridam.privacy.registry``): how to find a person's rows, keep and erase them."""

from __future__ import annotations

from soridam.privacy.registry import PersonalData

PERSONAL_DATA = [
    PersonalData(
        "chat.ChatSession",
        subject="case__customer",
        retention="service",
        anonymise=("name", "email", "phone"),
        case="case",
    ),
    PersonalData(
        "chat.ChatMessage",
        subject="session__case__customer",
        retention="service",
        anonymise=("name", "text"),
        case="session__case",
    ),
]
