"""Personal data this app holds (``soridam.privacy.registry``): how to find a person's rows, keep and erase them.

Everything about a dispute is a consumer-dispute record (``complaint``: 3 years from the case's closing)."""

from __future__ import annotations

from soridam.privacy.registry import PersonalData


def _of_dispute(model: str, anonymise: tuple[str, ...] = ()) -> PersonalData:
    return PersonalData(
        model,
        subject="dispute__claimant",
        retention="complaint",
        anonymise=anonymise,
        clock="dispute__case__closed_at",
        case="dispute__case",
    )


PERSONAL_DATA = [
    PersonalData("odr.Dispute", subject="claimant", retention="complaint", clock="case__closed_at", case="case"),
    _of_dispute("odr.Item", ("body",)),
    _of_dispute("odr.Notice", ("recipient", "body")),
    _of_dispute("odr.Decision", ("reasons",)),
    _of_dispute("odr.Obligation", ("evidence",)),
    _of_dispute("odr.Offer"),
    _of_dispute("odr.BiddingRound"),
    _of_dispute("odr.Consent"),
    _of_dispute("odr.DisputeEvent"),
    _of_dispute("odr.SuggestionInput"),
]
