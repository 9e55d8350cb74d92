"""Personal data this app holds (``soridam.privacy.registry``): how to find a person's rows, keep and erase them."""

from __future__ import annotations

from soridam.privacy.registry import PersonalData

PERSONAL_DATA = [
    PersonalData("followup.Survey", subject="case__customer", retention="service", anonymise=("comment",), case="case"),
    PersonalData("followup.CheckIn", subject="case__customer", retention="service", case="case"),
    PersonalData("followup.NpsSurvey", subject="customer", retention="service", anonymise=("comment",), case="case"),
    # Consent and what was sent under it: the e-commerce act keeps advertising records 6 months from sending.
    PersonalData("followup.MarketingConsent", subject="customer", retention="advertising"),
    PersonalData("followup.CampaignMessage", subject="customer", retention="advertising", clock="sent_at"),
]
