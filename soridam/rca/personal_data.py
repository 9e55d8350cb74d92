"""Personal data this app holds (``soridam.privacy.registry``): how to find a person's rows, keep and erase them."""

from __future__ import annotations

from soridam.privacy.registry import NotPersonal, PersonalData

PERSONAL_DATA = [
    PersonalData("rca.FixNotice", subject="customer", retention="service", case="case"),
]
NOT_PERSONAL = [
    NotPersonal("rca.ProblemCase", "a link between a problem and a case"),
    NotPersonal("rca.CaseCause", "the cause code of a case"),
    NotPersonal("rca.ProblemMatch", "a suggested link between a problem and a case"),
]
