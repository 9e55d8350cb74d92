"""AlimTalk: the template registry's rendering rule, a notice sent to a local fake NHN Cloud AlimTalk API with
its documented request shape, and the SMS/LMS fallback through a local fake SENS with a registered number.
The answers in payloads/ follow NHN's documented response shape; their ids and codes are illustrative."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from soridam.channels.base import TransportError
from soridam.channels.kakao_alimtalk.models import AlimTalkSend, AlimTalkTemplate, SendState, TemplateStatus
from soridam.channels.kakao_alimtalk.sender import send_notice
from soridam.channels.kakao_alimtalk.templates import TemplateRefused, matches, render, variables_in
from soridam.channels.models import ChannelAccount
from soridam.channels.tests.fakeprovider import FakeProvider

PAYLOADS = Path(__file__).parent / "payloads"
APPKEY, SENDER_KEY, SECRET = "appkey-test", "1234567890abcdef1234567890abcdef12345678", "nhn-secret"
ALIMTALK_PATH = f"/alimtalk/v2.3/appkeys/{APPKEY}/messages"
SENS_PATH = "/sms/v2/services/ncp:sms:kr:1:test/messages"
BODY = "#{고객명}님, 주문 #{주문번호}이 발송되었습니다. 배송 조회는 아래 버튼을 눌러 주세요. #{고객명}님 감사합니다."
VALUES = {"고객명": "김민지", "주문번호": "20261206-0001"}
JSON = {"Content-Type": "application/json"}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The refusals are read in English here (the messages are translated)."""
    with translation.override("en"):
        yield


def template(status: str = TemplateStatus.APPROVED, body: str = BODY) -> AlimTalkTemplate:
    return AlimTalkTemplate(
        code="ORDER_SHIPPED", name="발송 안내", body=body, buttons=[{"type": "DS", "name": "배송 조회"}], status=status
    )


def test_render_fills_every_variable_and_the_text_matches_the_template() -> None:
    text = render(template(), VALUES)
    assert text.startswith("김민지님, 주문 20261206-0001이 발송되었습니다.")
    assert text.endswith("김민지님 감사합니다.")
    assert variables_in(BODY) == ["고객명", "주문번호"]
    assert matches(BODY, text)
    assert not matches(BODY, text + " 추가 문구")  # an edited text is not the template
    assert not matches(BODY, text.replace("김민지님 감사", "박서준님 감사"))  # one variable, two values


@pytest.mark.parametrize(
    ("status", "values", "reason"),
    [
        (TemplateStatus.PENDING, VALUES, "not approved"),
        (TemplateStatus.APPROVED, {"고객명": "김민지"}, "#{주문번호}"),
        (TemplateStatus.APPROVED, {**VALUES, "쿠폰": "X"}, "#{쿠폰}"),
        (TemplateStatus.APPROVED, {**VALUES, "고객명": "가" * 1000}, "AlimTalk takes 1000"),
    ],
    ids=["pending", "missing", "unknown", "too-long"],
)
def test_render_refuses_what_kakao_would(status: str, values: dict[str, str], reason: str) -> None:
    with pytest.raises(TemplateRefused, match=reason.replace("{", r"\{").replace("}", r"\}")):
        render(template(status), values)


@given(
    st.dictionaries(
        st.sampled_from(["고객명", "주문번호"]),
        st.text(st.characters(blacklist_characters="#{}\x00", blacklist_categories=("Cs",)), min_size=1, max_size=40),
        min_size=2,
    )
)
def test_every_rendered_text_matches_its_template(values: dict[str, str]) -> None:
    values = {name: value if value.strip() else "x" for name, value in values.items()}
    assert matches(BODY, render(template(), values))


@pytest.fixture
def fakes() -> Iterator[FakeProvider]:
    with FakeProvider() as fake:
        yield fake


@pytest.fixture
def accounts(db: None, fakes: FakeProvider) -> tuple[ChannelAccount, ChannelAccount]:
    alimtalk = ChannelAccount.objects.create(
        kind="alimtalk",
        name="nhn",
        secret=SECRET,
        options={"appkey": APPKEY, "sender_key": SENDER_KEY, "api_base": fakes.url},
    )
    sms = ChannelAccount.objects.create(
        kind="sms",
        name="sens",
        token="AK",
        secret="SK",
        options={"service_id": "ncp:sms:kr:1:test", "senders": "0212345678", "api_base": fakes.url},
    )
    return alimtalk, sms


def _saved(status: str = TemplateStatus.APPROVED) -> AlimTalkTemplate:
    saved = template(status)
    saved.save()
    return saved


def test_a_notice_reaches_nhn_with_the_documented_shape(
    accounts: tuple[ChannelAccount, ChannelAccount], fakes: FakeProvider
) -> None:
    fakes.script(ALIMTALK_PATH, (200, JSON, (PAYLOADS / "nhn_accepted.json").read_bytes()))
    record = send_notice(_saved(), "+82 10-1234-5678", VALUES, account=accounts[0], sms_account=accounts[1])

    (sent,) = fakes.to(ALIMTALK_PATH)
    documented = json.loads((PAYLOADS / "nhn_send_request.json").read_text())
    documented.pop("_source")
    assert sent.json() == documented
    assert sent.header("X-Secret-Key") == SECRET
    assert sent.header("X-NC-API-IDEMPOTENCY-KEY") == record.idempotency_key
    assert (record.state, record.request_id) == (SendState.SENT, "20261206223300Ab1cD2eF3g0")
    assert fakes.to(SENS_PATH) == []
    assert AlimTalkSend.objects.get().text == render(record.template, VALUES)


@pytest.mark.parametrize(
    "refusal",
    [
        (200, JSON, (PAYLOADS / "nhn_recipient_refused.json").read_bytes()),
        (400, JSON, b'{"header": {"resultCode": -1000, "resultMessage": "Invalid senderKey", "isSuccessful": false}}'),
    ],
    ids=["recipient-refused", "http-400"],
)
def test_a_refused_notice_falls_back_to_an_lms_from_the_registered_number(
    accounts: tuple[ChannelAccount, ChannelAccount], fakes: FakeProvider, refusal: tuple[int, dict[str, str], bytes]
) -> None:
    fakes.script(ALIMTALK_PATH, refusal)
    fakes.script(SENS_PATH, (202, JSON, b'{"requestId": "RSSA-fallback", "statusCode": "202"}'))
    record = send_notice(_saved(), "010-1234-5678", VALUES, account=accounts[0], sms_account=accounts[1])

    (fallback,) = fakes.to(SENS_PATH)
    body = fallback.json()
    assert (body["type"], body["from"], body["messages"], body["content"]) == (
        "LMS",
        "0212345678",
        [{"to": "01012345678"}],
        render(record.template, VALUES),
    )
    assert (record.state, record.fallback_request_id) == (SendState.FALLBACK_SENT, "RSSA-fallback")
    assert record.alimtalk_error


def test_the_fallback_from_an_unregistered_number_is_refused_before_any_sms_request(
    accounts: tuple[ChannelAccount, ChannelAccount], fakes: FakeProvider
) -> None:
    accounts[1].options = {**accounts[1].options, "sender": "010-9999-0000"}
    fakes.script(ALIMTALK_PATH, (400, JSON, b"{}"))
    record = send_notice(_saved(), "010-1234-5678", VALUES, account=accounts[0], sms_account=accounts[1])
    assert record.state == SendState.FAILED
    assert "not registered" in record.fallback_error
    assert fakes.to(SENS_PATH) == []


def test_a_temporary_alimtalk_failure_is_raised_for_a_retry_and_nothing_is_texted(
    accounts: tuple[ChannelAccount, ChannelAccount], fakes: FakeProvider
) -> None:
    fakes.script(ALIMTALK_PATH, (429, {"Retry-After": "2"}, b"{}"))
    with pytest.raises(TransportError) as raised:
        send_notice(_saved(), "010-1234-5678", VALUES, account=accounts[0], sms_account=accounts[1])
    assert (raised.value.permanent, raised.value.retry_after) == (False, 2.0)
    assert fakes.to(SENS_PATH) == []
    assert not AlimTalkSend.objects.exists()


def test_a_pending_template_sends_nothing(accounts: tuple[ChannelAccount, ChannelAccount], fakes: FakeProvider) -> None:
    with pytest.raises(TemplateRefused):
        send_notice(_saved(TemplateStatus.PENDING), "010-1234-5678", VALUES, account=accounts[0], sms_account=None)
    assert fakes.requests == []
