from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from soridam.privacy import pii


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("연락처 010-1234-5678이에요", "phone"),
        ("번호 01012345678로 주세요", "phone"),
        ("010 1234 5678", "phone"),
        ("010.9379.2737이에요", "phone"),
        ("+82 10-1234-5678", "phone"),
        ("사무실 02-318-1142", "phone"),
        ("담당 053-318-1142", "phone"),
        ("070-1234-5678", "phone"),
        ("답장은 tiger_sunny@outlook.com으로", "email"),
        ("주민번호 860418-1234567", "rrn"),
        ("0403183608199 이거요", "rrn"),  # no hyphen, no valid checksum: still an RRN
        ("외국인 900101 5234567", "rrn"),
        ("카드 4844-6550-8943-9312", "card"),
        ("card 4446 0965 4088 3305 if", "card"),
        ("아멕스 3782-822463-10005", "card"),
        ("카카오뱅크 3333-99-4172982로", "account"),
        ("케이뱅크 100-510-889568 계좌에서요", "account"),
        ("서울특별시 송파구 오금로 186, 704호예요", "address"),
        ("인천광역시 연수구 송도과학로56길 66, 116동 1602호", "address"),
        ("16-1 Haeundae-ro, Apt 1193, Haeundae-gu, Busan", "address"),
    ],
)
def test_detects_each_type(text: str, kind: str) -> None:
    assert kind in pii.types_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "주문번호 HJ26102576966입니다",
        "사업자 번호는 891-37-39663입니다",
        "189,000원에 결제, 45,000원 추가",
        "2026-11-23에 주문했어요",
        "카드 끝자리 1234",
        "1234-56**-****-3456",
        "대표번호 1588-1234",
        "4844-6550-8943-9313",  # fails Luhn: not a card
        "서울 강남구에 살아요",  # a district alone is no address
    ],
)
def test_leaves_identifiers_that_are_not_pii(text: str) -> None:
    assert pii.detect(text) == []


def test_mask_hides_the_middle_and_keeps_particles() -> None:
    text = "제 번호는 010-9211-1234이고 카드 4844-6550-8943-9312, 메일 maru35@naver.com이에요. 주민 860418-1234567"
    masked = pii.mask(text)
    assert "010-****-1234이고" in masked
    assert "****-****-****-9312" in masked
    assert "m***@naver.com이에요" in masked
    assert "860418-1******" in masked
    assert pii.detect(masked) == []


def test_mask_payload_walks_json_and_log_processor_masks_values() -> None:
    payload = {"case": 7, "body": ["전화 010-1234-5678"], "nested": {"email": "ab@cd.kr"}}
    assert pii.mask_payload(payload) == {"case": 7, "body": ["전화 010-****-5678"], "nested": {"email": "a***@cd.kr"}}
    event = pii.mask_log_event(None, "info", {"event": "mail from ab@cd.kr", "case": 3})
    assert event == {"event": "mail from a***@cd.kr", "case": 3}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("부산 해운대구 우동 1234-5번지", "address"),
        ("상도로 476-12로 바꿔 주세요", "address"),
        ("농협 351-6893-7506-04", "account"),
        ("351-6893-7506-04 (농협)", "account"),
        ("4844.6550.8943.9312", "card"),
        ("+82 (0)10 1234 5678", "phone"),
    ],
)
def test_detects_other_common_forms(text: str, kind: str) -> None:
    assert pii.types_in(text) == [kind]


@pytest.mark.parametrize("account", ["110-123-456789", "110 123 456789", "351-6893-7506-04", "110123456789"])
@pytest.mark.parametrize(
    ("neighbour", "kind"), [("900101-1234567", "rrn"), ("010-1234-5678", "phone"), ("4844-6550-8943-9312", "card")]
)
def test_an_account_number_next_to_another_identifier_is_two_values(account: str, neighbour: str, kind: str) -> None:
    for text in (f"환불 계좌 {account} {neighbour}", f"{neighbour} 계좌 {account}"):
        found = {(span.type, text[span.start : span.end]) for span in pii.detect(text)}
        assert found == {("account", account), (kind, neighbour)}, text


@pytest.mark.parametrize("text", ["카드로 3개월 할부", "택배로 2개 보냈어요", "우체국택배 6012345678901 조회"])
def test_particles_and_parcel_numbers_are_not_pii(text: str) -> None:
    assert pii.detect(text) == []


def test_log_lines_are_masked() -> None:
    """The structlog chain the settings configure (soridam.lib.logs) masks PII in stdlib log records too."""
    import io
    import logging

    import structlog
    from django.conf import settings

    chain = settings.LOGGING["formatters"]["structured"]["foreign_pre_chain"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.processors.JSONRenderer(ensure_ascii=False)],
            foreign_pre_chain=chain,
        )
    )
    logger = logging.getLogger("soridam.tests.pii")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("bounce from ab12@naver.com", extra={"phone": "010-1234-5678"})
    finally:
        logger.removeHandler(handler)
    line = stream.getvalue()
    assert "a***@naver.com" in line
    assert "010-****-5678" in line
    assert "010-1234" not in line


def _luhn_complete(digits: str) -> str:
    for last in "0123456789":
        if pii._luhn(digits + last):
            return digits + last
    raise AssertionError("unreachable")


@given(
    middle=st.integers(1000, 9999),
    last=st.integers(0, 9999),
    sep=st.sampled_from(["-", " ", ".", ""]),
    particle=st.sampled_from(["", "이에요", "으로", "입니다", ")", "."]),
)
def test_any_mobile_number_is_found_and_masked(middle: int, last: int, sep: str, particle: str) -> None:
    number = f"010{sep}{middle}{sep}{last:04d}"
    text = f"연락처({number}{particle} 부탁해요"
    assert pii.types_in(text) == ["phone"]
    assert f"{middle}" not in pii.mask(text).replace(f"{last:04d}", "")


@given(body=st.text(alphabet="0123456789", min_size=15, max_size=15), sep=st.sampled_from(["-", " ", ""]))
def test_any_luhn_valid_card_is_found(body: str, sep: str) -> None:
    digits = _luhn_complete(body)
    number = sep.join(digits[i : i + 4] for i in range(0, 16, 4))
    assert pii.types_in(f"카드 {number}로 결제") == ["card"]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("010-1234-5678", "010-****-5678"),
        ("gildong@example.com", "g***@example.com"),
        ("900101-1234567", "900101-1******"),
        ("4844-6550-8945-1234", "****-****-****-1234"),
    ],
)
def test_masks_follow_the_r_sec_4_display_rules_exactly(text: str, masked: str) -> None:
    assert pii.mask(f"값 {text} 입니다") == f"값 {masked} 입니다"


@pytest.mark.parametrize(
    ("kind", "value", "masked"),
    [
        ("email", "gildong@example.com", "g***@example.com"),
        ("phone", "010-1234-5678", "010-****-5678"),
        ("phone", "01012345678", "010-****-5678"),
        ("phone", "+1 415 555 0199", "+1 415 *** 0199"),  # no Korean pattern matches; the field is still masked
        ("phone", "1234", "****"),
        ("email", "not an address", "not an address"),
    ],
)
def test_a_customers_own_fields_are_masked_by_their_type(kind: str, value: str, masked: str) -> None:
    assert pii.mask_as(kind, value) == masked
