"""R-ODR-9: a neutral's fee is flat per case or per hour and never depends on the outcome."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from soridam.neutrals.fees import fee_krw
from soridam.neutrals.models import FeeBasis, Neutral
from soridam.neutrals.tests.factories import make_neutral, make_user


def test_the_model_refuses_a_fee_basis_tied_to_the_outcome(db: None) -> None:
    neutral = Neutral(user=make_user(), fee_basis="share_of_settlement", fee_krw=10)
    with pytest.raises(ValidationError) as error:
        neutral.full_clean()
    assert "fee_basis" in error.value.message_dict


def test_the_database_refuses_it_too(db: None) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Neutral.objects.create(user=make_user(), fee_basis="success_bonus", fee_krw=10)


def test_a_fee_must_be_given(db: None) -> None:
    with pytest.raises(ValidationError):
        Neutral(user=make_user(), fee_basis=FeeBasis.PER_HOUR, fee_krw=0).full_clean()


def test_the_fee_function_takes_no_outcome() -> None:
    import inspect

    assert list(inspect.signature(fee_krw).parameters) == ["neutral", "hours"]


@given(
    basis=st.sampled_from(FeeBasis.values),
    amount=st.integers(1, 2_000_000),
    hours=st.decimals(0, 200, places=2),
)
def test_the_fee_is_the_flat_fee_or_rate_times_hours(basis: str, amount: int, hours: Decimal) -> None:
    neutral = Neutral(fee_basis=basis, fee_krw=amount)
    expected = amount if basis == FeeBasis.FLAT_PER_CASE else int((amount * hours).to_integral_value("ROUND_HALF_UP"))
    assert fee_krw(neutral, hours=hours) == expected


def test_two_mediations_with_opposite_outcomes_cost_the_same(db: None) -> None:
    from soridam.neutrals.outcomes import Outcome

    neutral = make_neutral(fee_basis=FeeBasis.PER_HOUR, fee_krw=80_000)
    settled = Outcome(ended=True, settled=True, complied=True, favours=None, ended_at=None)
    failed = Outcome(ended=True, settled=False, complied=None, favours=None, ended_at=None)
    fees = {outcome: fee_krw(neutral, hours=Decimal("2.5")) for outcome in (settled, failed)}
    assert set(fees.values()) == {200_000}
