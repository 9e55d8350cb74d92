"""A phone number typed any way is stored, and found, as one canonical number."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.db.models.functions import Lower
from hypothesis import given
from hypothesis import strategies as st

from soridam.customers.actions import Contact, find_or_create_customer
from soridam.customers.models import Customer, Identity
from soridam.customers.phones import canonical_phone, e164, looks_like_phone

MIGRATION = "soridam.customers.migrations.0003_canonical_phones_and_lowercase_emails"


@pytest.mark.parametrize(
    "typed",
    [
        "01012345678",
        "010-1234-5678",
        "010 1234 5678",
        "(010) 1234-5678",
        "+82 10-1234-5678",
        "+821012345678",
        "821012345678",
        "0082-10-1234-5678",
        "+82 010-1234-5678",
        " +82-10-1234-5678 ",
    ],
)
def test_every_way_of_writing_a_korean_mobile_number_gives_the_national_form(typed: str) -> None:
    assert canonical_phone(typed) == "01012345678"


def test_landlines_foreign_numbers_and_service_numbers_keep_what_makes_them_distinct() -> None:
    assert canonical_phone("02-123-4567") == "021234567"
    assert canonical_phone("+82 2-123-4567") == "021234567"
    assert canonical_phone("+1 (415) 555-0100") == "+14155550100"
    assert canonical_phone("1588-1234") == "15881234"
    assert canonical_phone("") == ""


def test_only_digit_strings_long_enough_for_a_phone_look_like_one() -> None:
    assert looks_like_phone("010-1234-5678")
    assert looks_like_phone("+82 10-1234-5678")
    assert not looks_like_phone("C-2026-000301")
    assert not looks_like_phone("000301")
    assert not looks_like_phone("gildong@example.com")
    assert not looks_like_phone("홍길동 010")


@pytest.mark.django_db
def test_a_customer_who_wrote_her_number_two_ways_is_one_customer() -> None:
    first = find_or_create_customer(Contact(name="홍길동", phone="+82 10-1234-5678"))
    again = find_or_create_customer(Contact(name="홍길동", phone="010-1234-5678"))
    assert again.pk == first.pk
    assert Customer.objects.get().phone == "01012345678"
    assert list(Identity.objects.values_list("channel", "external_id")) == [("sms", "01012345678")]


@pytest.mark.django_db
def test_the_migration_rewrites_stored_numbers_and_addresses_in_the_canonical_form() -> None:
    """Customers only: since customers.0007 an identity's value is encrypted and found by its blind index, so
    0003's identity rewrite (written for the plain column it ran on) cannot run against today's table."""
    legacy = Customer.objects.create(name="홍길동", phone="+821012345678", email="GilDong@Example.com")
    customer_model = apps.get_model("customers", "Customer")
    import_module(MIGRATION)._rewrite_customer_phones(customer_model)
    customer_model.objects.exclude(email=Lower("email")).update(email=Lower("email"))  # as forwards() does

    legacy.refresh_from_db()
    assert (legacy.phone, legacy.email) == ("01012345678", "gildong@example.com")


# --- E.164 (R-CRM-1): the form people and API clients read -------------------------------------------------

_SEPARATORS = st.sampled_from(["", "-", " ", "."])


@st.composite
def korean_mobile_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """(a mobile number written some way people write it, its E.164 form)."""
    prefix = draw(st.sampled_from(["10", "11", "16", "17", "19"]))
    middle = draw(st.text("0123456789", min_size=3, max_size=4))
    last = draw(st.text("0123456789", min_size=4, max_size=4))
    sep = draw(_SEPARATORS)
    head = draw(st.sampled_from(["0", "+82 ", "+82", "+82 0", "0082 ", "82"]))
    if head == "0" and draw(st.booleans()):
        written = f"(0{prefix}) {middle}{sep}{last}"
    else:
        written = f"{head}{prefix}{sep}{middle}{sep}{last}"
    padding = draw(st.sampled_from(["", " "]))
    return padding + written + padding, f"+82{prefix}{middle}{last}"


@given(korean_mobile_numbers())
def test_every_way_of_writing_a_korean_mobile_number_reads_as_one_e164_number(case: tuple[str, str]) -> None:
    written, expected = case
    assert e164(written) == expected
    assert e164(canonical_phone(written)) == expected  # stored national, read in E.164: the same number
    assert canonical_phone(expected) == canonical_phone(written)  # and the E.164 form finds what was stored


@given(st.text(max_size=30))
def test_e164_is_idempotent_and_never_invents_digits(text: str) -> None:
    once = e164(text)
    assert e164(once) == once
    digits = "".join(ch for ch in once if ch.isdigit())
    typed = "".join(ch for ch in text if ch.isdigit())
    assert set(digits) <= set(typed) | {"8", "2"}


def test_e164_of_landlines_foreign_and_service_numbers() -> None:
    assert e164("010-1234-5678") == "+821012345678"
    assert e164("02-123-4567") == "+8221234567"
    assert e164("+1 (415) 555-0100") == "+14155550100"
    assert e164("1588-1234") == "15881234"  # dialled only inside Korea: no international form
    assert e164("") == ""


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["010-1234-5678", "+821012345678", "01012345678"])
def test_a_number_stored_from_any_written_form_is_found_by_the_other_two(typed: str) -> None:
    first = find_or_create_customer(Contact(name="김민지", phone=typed))
    for other in ("010-1234-5678", "+821012345678", "01012345678", "+82 10 1234 5678"):
        assert find_or_create_customer(Contact(name="Minji", phone=other)).pk == first.pk
    assert Customer.objects.count() == 1
    assert list(Identity.objects.values_list("channel", "external_id")) == [("sms", "01012345678")]
