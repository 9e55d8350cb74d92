"""Personal data this app holds (``soridam.privacy.registry``): how to find a person's rows, keep and erase them."""

from __future__ import annotations

from soridam.privacy.registry import NotPersonal, PersonalData

PERSONAL_DATA = [
    # A declared family or financial tie between a neutral and a customer: kept as long as disputes are (it bars
    # that neutral from the customer's disputes), its free-text note blanked on erasure.
    PersonalData("neutrals.Tie", subject="customer", retention="complaint", anonymise=("note",)),
]

NOT_PERSONAL = [
    NotPersonal("neutrals.Draw", "the seed, the eligible neutrals' ids and the neutral's own disclosure"),
    NotPersonal("neutrals.NeutralEvent", "the draw's steps: kinds, times, a staff or system actor and neutral ids"),
]
