"""Personal data this app holds (``soridam.privacy.registry``): how to find a person's rows, keep and erase them."""

from __future__ import annotations

from soridam.privacy.registry import PersonalData

PERSONAL_DATA = [
    PersonalData("followup.Survey", subject="case__customer", retention="service", anonymise=("comment",), case="case"),
]
