"""A neutral's fee (R-ODR-9): flat per case or per hour worked, and nothing else. The function takes no
outcome, settlement amount or favoured side, so no outcome can move it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from soridam.neutrals.models import FeeBasis, Neutral


def fee_krw(neutral: Neutral, *, hours: Decimal = Decimal(0)) -> int:
    """The fee for one mediation: the flat fee, or the hourly rate times the hours (rounded to the won)."""
    if neutral.fee_basis == FeeBasis.FLAT_PER_CASE:
        return neutral.fee_krw
    if neutral.fee_basis == FeeBasis.PER_HOUR:
        return int((Decimal(neutral.fee_krw) * hours).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    raise ValueError("a neutral's fee is flat per case or per hour")
