"""Personal data this app holds (``soridam.privacy.registry``): how to find a person's rows, keep and erase them."""

from __future__ import annotations

from soridam.privacy.registry import NotPersonal, PersonalData

PERSONAL_DATA = [
    PersonalData("customers.Customer", subject="pk", retention="service", anonymise=("name", "email", "phone")),
    PersonalData("customers.Identity", subject="customer", retention="service"),
    PersonalData("customers.CustomerNote", subject="customer", retention="service"),
    PersonalData("customers.CustomerMerge", subject="source", retention="service", anonymise=("reason",)),
]
NOT_PERSONAL: list[NotPersonal] = []
