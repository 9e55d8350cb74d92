"""A case holding every R-SEC-4 kind of personal data, shared by the unit and browser tests."""

from __future__ import annotations

from typing import Any

from soridam.cases import actions
from soridam.cases.models import Case, Category
from soridam.customers.actions import Contact

# Phone, e-mail, resident registration number and a Luhn-valid card number, and how R-SEC-4 shows each.
PHONE, EMAIL, RRN, CARD = "010-9211-5678", "gildong@example.com", "900101-1234567", "4844-6550-8945-1234"
MASKED = ("010-****-5678", "g***@example.com", "900101-1******", "****-****-****-1234")
SUBJECT = f"환불 문의 {PHONE} {EMAIL} {RRN} {CARD}"
BODY = f"전화 {PHONE}, 메일 {EMAIL}, 주민번호 {RRN}, 카드 {CARD}로 결제했어요."


def open_pii_case() -> Case:
    """A delivery case (alice's and lena's team) whose customer wrote every kind of personal data."""
    new = actions.NewCase(
        subject=SUBJECT,
        body=BODY,
        contact=Contact(name="홍길동", email=EMAIL, phone=PHONE),
        category=Category.objects.get(slug="delivery"),
    )
    return actions.open_case(new)


def masked(text: str) -> str:
    for value, shown in zip((PHONE, EMAIL, RRN, CARD), MASKED, strict=True):
        text = text.replace(value, shown)
    return text


def assert_nothing_in_full(text: Any) -> None:
    for value in (PHONE, EMAIL, RRN, CARD, PHONE.replace("-", "")):
        assert value not in str(text), value
