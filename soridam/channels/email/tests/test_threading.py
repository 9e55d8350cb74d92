"""Threading with real-shaped headers from Gmail, Outlook, Naver and Apple Mail."""

from __future__ import annotations

import pytest
from django.core import mail as outbox
from django.test import TestCase

from soridam.accounts.models import Team
from soridam.cases.models import Case, Message
from soridam.channels import pipeline
from soridam.channels.email.tests.mails import mail
from soridam.channels.email.thread_matching import strip_subject_prefixes
from soridam.channels.models import CaseParticipant, ChannelMessage, PayloadState, RawPayload
from soridam.notifications.models import DeliveryState, OutboundMessage

pytestmark = pytest.mark.django_db


def _in(raw: bytes) -> RawPayload:
    with TestCase.captureOnCommitCallbacks(execute=True):  # acknowledgements are sent after commit
        payload, _new = pipeline.receive("email", raw, process_now=True)
    payload.refresh_from_db()
    return payload


def _first_case(teams: dict[str, Team]) -> tuple[Case, str]:
    """A customer opens a case from Gmail; returns the case and our acknowledgement's Message-ID."""
    payload = _in(mail(message_id="<CAF1=gmail@mail.gmail.com>", cc="Lee <lee@example.kr>"))
    assert payload.state == PayloadState.PROCESSED
    assert payload.case is not None
    ack = OutboundMessage.objects.get(case=payload.case, kind="case_opened")
    return payload.case, ack.external_id


def test_new_mail_opens_a_case_records_participants_and_is_acknowledged(teams: dict[str, Team]) -> None:
    case, ack_id = _first_case(teams)
    assert case.customer.email == "minji@example.kr"
    assert case.channel == "email"
    assert set(CaseParticipant.objects.filter(case=case).values_list("address", "role")) == {
        ("minji@example.kr", "customer"),
        ("lee@example.kr", "cc"),
    }
    assert ack_id
    assert len(outbox.outbox) == 1
    assert outbox.outbox[0].extra_headers["Auto-Submitted"] == "auto-replied"


def test_gmail_reply_with_in_reply_to_our_acknowledgement_joins_the_case(teams: dict[str, Team]) -> None:
    case, ack_id = _first_case(teams)
    payload = _in(
        mail(
            subject=f"Re: [{case.reference}] 배송 문의",
            body="아직이에요.\n\n2026년 11월 22일 (일) 오후 3:04, Soridam <support@shop.test>님이 작성:\n"
            "> 접수했습니다",
            message_id="<CAF2=gmail@mail.gmail.com>",
            in_reply_to=ack_id,
            references=f"<CAF1=gmail@mail.gmail.com> {ack_id}",
        )
    )
    assert payload.case == case
    assert payload.message is not None
    assert payload.message.body == "아직이에요."
    assert "접수했습니다" in ChannelMessage.objects.get(payload=payload).full_text


def test_outlook_reply_with_changed_subject_threads_by_references(teams: dict[str, Team]) -> None:
    case, ack_id = _first_case(teams)
    payload = _in(
        mail(
            subject="RE: 다른 제목으로 바꿨어요",
            body="사진 보냅니다.\n\n-----Original Message-----\nFrom: Soridam\nSent: Sunday\nSubject: 접수",
            message_id="<SL2P216MB0001@SL2P216MB0001.KORP216.PROD.OUTLOOK.COM>",
            references=ack_id,
            headers={"Thread-Index": "AQHZ1234", "Thread-Topic": "다른 제목으로 바꿨어요"},
        )
    )
    assert payload.case == case
    assert payload.message is not None
    assert payload.message.body == "사진 보냅니다."


def test_naver_reply_from_a_recorded_cc_joins_by_subject_token(teams: dict[str, Team]) -> None:
    case, _ack = _first_case(teams)
    payload = _in(
        mail(
            sender="이영희 <lee@example.kr>",
            subject=f"회신: [{case.reference}] 배송 문의",
            body="저도 같은 문제입니다.\n\n-----원본 메시지-----\n"
            "보낸 사람: support@shop.test\n받는 사람: lee\n제목: 접수",
            message_id="<a1b2c3.naver@naver.com>",
        )
    )
    assert payload.case == case
    assert payload.message is not None
    assert payload.message.body == "저도 같은 문제입니다."


def test_apple_mail_forward_from_the_customer_keeps_the_thread(teams: dict[str, Team]) -> None:
    case, ack_id = _first_case(teams)
    payload = _in(
        mail(
            subject="Fwd: 배송 문의",
            body="참고하세요\n\nBegin forwarded message:\n\nFrom: Soridam",
            message_id="<5F1C-AB12@icloud.com>",
            in_reply_to=ack_id,
            references=ack_id,
        )
    )
    assert payload.case == case


def test_stranger_quoting_a_case_token_or_message_id_gets_a_new_possibly_related_case(teams: dict[str, Team]) -> None:
    case, ack_id = _first_case(teams)
    for number, headers in enumerate(({"subject": f"Re: [{case.reference}] 배송 문의"}, {"in_reply_to": ack_id})):
        payload = _in(mail(sender="eve@evil.test", message_id=f"<evil{number}@evil.test>", **headers))
        assert payload.case is not None
        assert payload.case != case
        assert payload.case.related_case == case
        assert ChannelMessage.objects.get(payload=payload).possibly_related
    assert Message.objects.filter(case=case).count() == 1
    # The stranger's acknowledgement is about their own case only.
    sent_to_eve = [m for m in outbox.outbox if "eve@evil.test" in m.to]
    assert sent_to_eve
    assert all(case.reference not in m.subject and case.reference not in m.body for m in sent_to_eve)


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"X-Autoreply": "yes"},
        {"Precedence": "bulk"},
        {"X-Auto-Response-Suppress": "All"},
    ],
)
def test_out_of_office_reply_never_opens_a_case_nor_gets_answered(
    teams: dict[str, Team], headers: dict[str, str]
) -> None:
    case, ack_id = _first_case(teams)
    sent_before = len(outbox.outbox)
    payload = _in(
        mail(subject="자동 회신: 부재중입니다", message_id="<ooo@mail.test>", in_reply_to=ack_id, headers=headers)
    )
    assert payload.state == PayloadState.IGNORED
    assert "automatic" in payload.reason
    assert payload.message is None
    assert Case.objects.count() == 1
    assert Message.objects.filter(case=case).count() == 1
    assert len(outbox.outbox) == sent_before


def test_bounce_marks_our_outbound_message_failed(teams: dict[str, Team]) -> None:
    case, ack_id = _first_case(teams)
    report = (
        "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\r\n"
        "To: support@shop.test\r\nSubject: Delivery Status Notification (Failure)\r\n"
        "Message-ID: <bounce1@google.com>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\r\n\r\n'
        "--r\r\nContent-Type: text/plain\r\n\r\nAddress not found\r\n"
        "--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; google.com\r\n\r\n"
        "Final-Recipient: rfc822; minji@example.kr\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n"
        f"--r\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {ack_id}\r\nSubject: x\r\n"
        "--r--\r\n"
    ).encode()
    payload = _in(report)
    assert payload.state == PayloadState.IGNORED
    assert "1 outbound message(s) marked failed" in payload.reason
    failed = OutboundMessage.objects.get(external_id=ack_id)
    assert failed.state == DeliveryState.FAILED
    assert "5.1.1" in failed.last_error
    assert Case.objects.count() == 1


def test_same_message_delivered_twice_is_stored_once(teams: dict[str, Team]) -> None:
    raw = mail(message_id="<dup@mail.gmail.com>")
    first, new1 = pipeline.receive("email", raw, process_now=True)
    again, new2 = pipeline.receive("email", raw, process_now=True)
    relayed, new3 = pipeline.receive("email", b"Delivered-To: other@shop.test\r\n" + raw, process_now=True)
    assert (new1, new2, first.pk == again.pk) == (True, False, True)
    assert new3
    assert relayed.state == PayloadState.IGNORED
    assert Message.objects.count() == 1


def test_mail_claiming_to_be_from_our_own_address_is_quarantined(teams: dict[str, Team]) -> None:
    payload = _in(mail(sender="delivery@shop.test"))
    assert payload.state == PayloadState.QUARANTINED
    assert "own address" in payload.reason
    assert Case.objects.count() == 0


def test_subject_prefix_stacks_are_stripped() -> None:
    assert strip_subject_prefixes("Re: RE[2]: 회신: Fwd: 전달: 답장: FW: 배송 문의") == "배송 문의"


def test_acknowledgements_are_rate_limited_per_sender(teams: dict[str, Team]) -> None:
    for n in range(7):  # a header-less autoresponder opening case after case
        _in(mail(sender="loop@robot.test", subject=f"Re: 접수 {n}", message_id=f"<loop{n}@robot.test>"))
    assert Case.objects.filter(customer__email="loop@robot.test").count() == 7
    acks = OutboundMessage.objects.filter(case__customer__email="loop@robot.test", kind="case_opened").count()
    assert acks == 5
