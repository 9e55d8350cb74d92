"""Personal data this app holds (``soridam.privacy.registry``): how to find a person's rows, keep and erase them."""

from __future__ import annotations

from soridam.privacy.registry import PersonalData

PERSONAL_DATA = [
    PersonalData(
        "kakao.SkillCall",
        subject="answer__case__customer",
        retention="service",
        anonymise=("response", "callback_url"),
        case="answer__case",
    ),
]
