"""The Meta webhooks end to end over HTTP, for WhatsApp, Messenger and Instagram alike: the GET handshake, the
X-Hub-Signature-256 check, threading, re-deliveries, batches in event-time order, echoes, refusals and bad
bodies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from soridam.cases.models import Case, MessageKind
from soridam.channels.meta.tests.shapes import (
    APP_SECRET,
    USER,
    VERIFY_TOKEN,
    captured,
    encode,
    message,
    post_signed,
    signature,
)
from soridam.channels.models import ChannelAccount, ChannelMessage, RawPayload
from soridam.channels.tests.webhooks import row_counts
from soridam.customers.models import Identity


def _customer_texts(case: Case) -> list[str]:
    return list(case.messages.filter(kind=MessageKind.CUSTOMER).order_by("pk").values_list("body", flat=True))


def test_the_handshake_answers_the_bare_challenge_only_to_the_verify_token(
    account: ChannelAccount, client: Client, kind: str
) -> None:
    url = f"/hooks/{kind}/{kind}-shop/"
    ok = client.get(url, {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"})
    assert (ok.status_code, ok.content) == (200, b"1158201444")
    assert ok["Content-Type"].startswith("text/plain")
    wrong = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN + "x", "hub.challenge": "1"}
    assert client.get(url, wrong).status_code == 403
    assert client.get(url, {"hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"}).status_code == 403
    assert client.get(url).status_code == 403


def test_a_message_becomes_a_case_message_and_the_next_joins_the_same_case(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any, kind: str
) -> None:
    first = captured({"whatsapp": "whatsapp_text.json"}.get(kind, f"{kind}_text.json"))
    assert post_signed(client, django_capture_on_commit_callbacks, kind, first).status_code == 200
    second = encode(message(kind, "id-2", "주문번호는 A123 입니다", at=1_749_416_500))
    assert post_signed(client, django_capture_on_commit_callbacks, kind, second).status_code == 200

    case = Case.objects.get()
    assert case.channel == kind
    assert _customer_texts(case) == ["주문한 신발이 아직 안 왔어요", "주문번호는 A123 입니다"]
    assert Identity.objects.filter(**Identity.match(kind, USER[kind]), customer=case.customer).exists()
    assert set(RawPayload.objects.values_list("state", flat=True)) == {"processed"}
    assert ChannelMessage.objects.filter(external_id="id-2", sender=USER[kind]).exists()
    if kind == "whatsapp":  # WhatsApp gives the profile name and the verified number (kept in national form)
        assert (case.customer.name, case.customer.phone) == ("김지은", "01012345678")


def test_a_redelivery_is_stored_once(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any, kind: str
) -> None:
    body = message(kind, "id-7", "환불 문의")
    for _attempt in range(3):
        assert post_signed(client, django_capture_on_commit_callbacks, kind, encode(body)).status_code == 200
    # The same event in other bytes (Meta re-sends a batch with other neighbours, or re-serialised): once still.
    body["extra"] = True
    assert post_signed(client, django_capture_on_commit_callbacks, kind, encode(body)).status_code == 200

    assert _customer_texts(Case.objects.get()) == ["환불 문의"]
    assert RawPayload.objects.filter(external_id="id-7").count() == 1
    assert ChannelMessage.objects.count() == 1


def test_a_batch_is_taken_in_by_event_time_and_echoes_and_receipts_are_ignored(
    db: None, client: Client, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    from soridam.channels.meta.tests.conftest import make_account

    settings.SORIDAM_CHAT_RESPONDER = ""
    make_account("messenger")
    raw = captured("messenger_batch_with_echo.json")
    assert post_signed(client, django_capture_on_commit_callbacks, "messenger", raw).status_code == 200
    case = Case.objects.get()
    assert _customer_texts(case) == ["첫 번째 메시지", "두 번째 메시지"]  # the body lists them the other way round
    assert not case.messages.filter(body="저희가 보낸 답장").exists()


def test_a_whatsapp_batch_of_two_customers_opens_two_cases_in_event_order(
    db: None, client: Client, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    from soridam.channels.meta.tests.conftest import make_account

    settings.SORIDAM_CHAT_RESPONDER = ""
    make_account("whatsapp")
    later = message("whatsapp", "wamid.B", "두 번째", at=1_749_416_400, user="821099998888")
    earlier = message("whatsapp", "wamid.A", "첫 번째", at=1_749_416_300)
    later["entry"].append(earlier["entry"][0])
    assert post_signed(client, django_capture_on_commit_callbacks, "whatsapp", encode(later)).status_code == 200
    assert list(Case.objects.order_by("pk").values_list("subject", flat=True)) == ["첫 번째", "두 번째"]


def test_another_phone_numbers_message_is_stored_but_not_taken_in(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    if account.kind != "whatsapp":
        pytest.skip("phone numbers are WhatsApp's")
    body = message("whatsapp", "wamid.X", "안녕하세요")
    body["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999"
    assert post_signed(client, django_capture_on_commit_callbacks, "whatsapp", encode(body)).status_code == 200
    assert not Case.objects.exists()
    assert "another phone number" in RawPayload.objects.get().reason


@pytest.mark.parametrize("variant", ["missing", "forged", "other-body", "other-secret", "sha1"])
def test_a_request_without_a_valid_signature_is_refused_and_stores_nothing(
    account: ChannelAccount,
    client: Client,
    django_capture_on_commit_callbacks: Any,
    kind: str,
    variant: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    raw = encode(message(kind, "id-1", "안녕하세요"))
    headers = {
        "missing": {},
        "forged": {"X-Hub-Signature-256": "sha256=" + "0" * 64},
        "other-body": {"X-Hub-Signature-256": signature(encode(message(kind, "id-1", "안녕")))},
        "other-secret": {"X-Hub-Signature-256": signature(raw, "another-app-secret")},
        "sha1": {"X-Hub-Signature": "sha1=" + "0" * 40},
    }[variant]
    before = row_counts()
    response = post_signed(client, django_capture_on_commit_callbacks, kind, raw, headers)
    assert response.status_code in (401, 403)
    assert row_counts() == before
    assert "webhook refused" in caplog.text
    assert APP_SECRET not in caplog.text


def test_size_json_and_unknown_accounts(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any, kind: str
) -> None:
    before = row_counts()
    big = b'{"object": "page", "pad": "' + b"x" * 1_000_001 + b'"}'
    assert post_signed(client, django_capture_on_commit_callbacks, kind, big).status_code == 413
    assert post_signed(client, django_capture_on_commit_callbacks, kind, b'{"object": "page",').status_code == 400
    assert post_signed(client, django_capture_on_commit_callbacks, kind, b"[1, 2]").status_code == 400
    raw = encode(message(kind, "id-1", "x"))
    assert post_signed(client, django_capture_on_commit_callbacks, kind, raw, slug="nobody").status_code == 404
    assert row_counts() == before


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


def _mutated(kind: str, event_id: str, text: str, at: int, extra: Any) -> bytes:
    body = message(kind, event_id, text, at=at)
    body["entry"][0]["extra"] = extra
    return encode(body)


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_signed_body_gets_a_server_error(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any, kind: str, data: Any
) -> None:
    raw = data.draw(
        st.one_of(
            st.binary(max_size=300),
            _JSON.map(lambda value: json.dumps(value).encode()),
            st.builds(
                _mutated,
                st.just(kind),
                st.text(max_size=30),
                st.text(max_size=50),
                st.integers(min_value=-(2**40), max_value=2**40),
                _JSON,
            ),
        )
    )
    response = post_signed(client, django_capture_on_commit_callbacks, kind, raw)
    assert response.status_code in (200, 400, 413)
