"""A customer's identifiers, card and account numbers are stored masked and sealed; the reveal gives them back."""

from __future__ import annotations

from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from soridam.cases.models import Case
from soridam.privacy import sealing
from soridam.privacy.models import SealedValue
from soridam.privacy.tests.data import BODY, CARD, PHONE, RRN, SUBJECT

ACCOUNT = "신한은행 계좌 110-123-456789"
_pieces = st.sampled_from([RRN, CARD, ACCOUNT, PHONE, "주문 2024-0001", "환불", " ", "\n"])


@given(st.lists(_pieces, max_size=8).map(", ".join))
def test_sealing_takes_out_every_identifier_and_unsealing_restores_the_text(text: str) -> None:
    sealed = sealing.seal(text)
    for value in (RRN, CARD, "110-123-456789"):
        assert value not in sealed.text
    rows = [SealedValue(kind=p.kind, start=p.start, end=p.end, value=p.value) for p in sealed.pieces]
    assert sealing.unseal(sealed.text, rows) == text


def test_phones_stay_in_the_text_a_reply_needs_them() -> None:
    assert sealing.seal(f"연락처 {PHONE}").text == f"연락처 {PHONE}"


def test_an_opened_case_stores_its_subject_and_body_sealed(pii_case: Case) -> None:
    message = pii_case.messages.get()
    for value in (RRN, CARD):
        assert value not in pii_case.subject
        assert value not in message.body
    assert PHONE in message.body  # masked on display by the presenter, not sealed
    assert sorted(SealedValue.objects.filter(message=message).values_list("field", "kind")) == [
        ("body", "card"),
        ("body", "rrn"),
        ("subject", "card"),
        ("subject", "rrn"),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM privacy_sealedvalue")
        assert all(row[0].startswith("v1:") and RRN not in row[0] for row in cursor.fetchall())
    assert sealing.original_body(message) == BODY
    assert sealing.original_subject(message) == SUBJECT
