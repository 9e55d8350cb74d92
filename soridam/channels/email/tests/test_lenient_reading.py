"""One message per class of real-world mail that strict parsing refused or half-read (issue 12 §1)."""

from __future__ import annotations

import base64
import binascii
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from soridam.cases.models import Case
from soridam.channels import pipeline
from soridam.channels.email.reader import read_email
from soridam.channels.models import ChannelMessage, PayloadState


def _mail(head: str, body: str = "hello") -> bytes:
    return (head.strip("\n").replace("\n", "\r\n") + "\r\n\r\n" + body.replace("\n", "\r\n")).encode("utf-8")


def test_mixed_case_content_type_and_unbracketed_display_name_are_read() -> None:
    parsed = read_email(_mail("From: Big Bug bb@bug.com\nContent-Type: Text/Plain; charset=iso-8859-1", "foo bar"))
    assert (parsed.from_name, parsed.from_address, parsed.text) == ("Big Bug", "bb@bug.com", "foo bar")
    assert parsed.warnings == ["the From header is not valid RFC 5322; its address was read leniently"]


def test_display_name_with_an_at_sign_keeps_the_angle_address_as_sender() -> None:
    parsed = read_email(_mail("From: alice@example.com <bob@example.com>\nSubject: hi"))
    assert (parsed.from_name, parsed.from_address) == ("alice@example.com", "bob@example.com")
    assert "display name contains an @" in parsed.warnings[0]


def test_rfc_6532_utf8_headers_are_read_and_flagged() -> None:
    parsed = read_email(_mail("From: Jöhn Doe <jdöe@mächine.example>\nSubject: Grüße"))
    assert (parsed.from_name, parsed.from_address, parsed.subject) == ("Jöhn Doe", "jdöe@mächine.example", "Grüße")
    assert parsed.warnings == ["the sender's address is internationalised (RFC 6532)"]


def test_undecodable_encoded_word_in_the_subject_is_guessed_and_flagged() -> None:
    parsed = read_email(_mail("From: a@b.kr\nSubject: =?NONE?B?VEVTVA=?="))
    assert parsed.subject == "TEST"
    assert parsed.warnings == ["the subject names an unknown charset (NONE); it was decoded by guessing"]


def test_rfc_2822_obsolete_syntax_comments_and_folding_white_space() -> None:
    head = (
        "From  : John Doe <jdoe@machine(comment).  example>\nTo    : Mary Smith\n  <mary@example.net>\nSubject : Hello"
    )
    parsed = read_email(_mail(head, "This is a message just to say hello."))
    assert (parsed.from_address, parsed.subject, parsed.to) == ("jdoe@machine.example", "Hello", ["mary@example.net"])
    assert parsed.text == "This is a message just to say hello."
    assert "obsolete header syntax (white space before the colon) read leniently" in parsed.warnings


def test_malformed_line_inside_the_header_block_is_skipped_not_fatal() -> None:
    head = 'Received: by x\nquite Delivered-To: x@y.z\nFrom: "X Y" <xy@x.example>\nSubject: Stop adware'
    parsed = read_email(_mail(head, "the body"))
    assert (parsed.from_address, parsed.subject, parsed.text) == ("xy@x.example", "Stop adware", "the body")
    assert parsed.warnings == ["a malformed header line was skipped"]


def test_body_right_after_the_header_without_a_blank_line_keeps_its_text() -> None:
    parsed = read_email(b"From: a@b.kr\r\nSubject: s\r\njust text\r\n\r\nmore")
    assert "just text" in parsed.text


def test_illegal_unquoted_boundary_is_split_leniently() -> None:
    boundary = "----=_NextPart_000_0093_01C81419.EB75E850"
    body = (
        f"--{boundary}\nContent-Type: text/plain\n\nplain words\n"
        f"--{boundary}\nContent-Type: text/html\n\n<p>x</p>\n--{boundary}--\n"
    )
    parsed = read_email(_mail(f"From: a@b.kr\nContent-Type: multipart/alternative; boundary={boundary}", body))
    assert parsed.text == "plain words"
    assert parsed.attachments == []


def test_alternative_whose_plain_part_is_empty_takes_the_html_text() -> None:
    boundary = "b1"
    body = (
        f"--{boundary}\nContent-Type: text/plain\n\n\n--{boundary}\nContent-Type: text/html\n\n"
        f"<p>환불 요청합니다</p>\n--{boundary}--\n"
    )
    parsed = read_email(_mail(f'From: a@b.kr\nContent-Type: multipart/alternative; boundary="{boundary}"', body))
    assert parsed.text == "환불 요청합니다"


def test_html_with_only_a_picture_still_has_body_text() -> None:
    parsed = read_email(_mail("From: a@b.kr\nContent-Type: text/html", '<img src="cid:photo1@x">'))
    assert parsed.text == "[image: photo1@x]"


def test_multipart_containers_are_never_reported_as_files() -> None:
    body = (
        '--o\nContent-Type: multipart/alternative; boundary="i"\n\n--i\nContent-Type: text/plain\n\nhi\n'
        "--i\nContent-Type: text/enriched\n\n<bold>hi</bold>\n--i--\n--o--\n"
    )
    parsed = read_email(_mail('From: a@b.kr\nContent-Type: multipart/mixed; boundary="o"', body))
    assert parsed.attachments == []
    assert parsed.text == "hi"


def test_rfc_2231_non_ascii_and_raw_utf8_and_raw_cp949_filenames() -> None:
    def part(disposition: bytes) -> bytes:
        return b"--b\r\nContent-Type: application/octet-stream\r\n" + disposition + b"\r\n\r\nDATA\r\n"

    raw = (
        b'From: a@b.kr\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        + part(b"Content-Disposition: attachment; filename*0*=utf-8''ci%C3%AB; filename*1*=le.txt")
        + part('Content-Disposition: attachment; filename="Kelvinsong—Font.pdf"'.encode())
        + part('Content-Disposition: attachment; filename="견적서.hwp"'.encode("cp949"))
        + part(b"Content-Disposition: attachment; filename==?UTF-8?B?7IKs7KeELmpwZw==?=")
        + b"--b--\r\n"
    )
    names = [a.filename for a in read_email(raw).attachments]
    assert names == ["ciële.txt", "Kelvinsong—Font.pdf", "견적서.hwp", "사진.jpg"]


def test_uuencoded_file_in_a_text_body_becomes_an_attachment() -> None:
    encoded = binascii.b2a_uu(b"report contents").decode()
    parsed = read_email(_mail("From: a@b.kr", f"See attached.\nbegin 644 report.txt\n{encoded}`\nend\n"))
    assert parsed.text.strip() == "See attached."
    assert [(a.filename, a.content) for a in parsed.attachments] == [("report.txt", b"report contents")]


def test_x_uuencode_transfer_encoding_is_decoded() -> None:
    encoded = "begin 644 a.doc\n" + binascii.b2a_uu(b"DOC").decode() + "`\nend\n"
    body = (
        '--b\nContent-Type: text/plain\n\nhi\n--b\nContent-Type: application/msword; name="a.doc"\n'
        f"Content-Transfer-Encoding: x-uuencode\n\n{encoded}--b--\n"
    )
    parsed = read_email(_mail('From: a@b.kr\nContent-Type: multipart/mixed; boundary="b"', body))
    assert [(a.filename, a.content) for a in parsed.attachments] == [("a.doc", b"DOC")]


def _forward(inner_encoding: str = "7bit") -> bytes:
    inner = (
        _mail(
            'From: Kim <kim@shop.kr>\nSubject: 주문 문의\nContent-Type: multipart/mixed; boundary="n"',
            "--n\nContent-Type: text/plain; charset=utf-8\n\n배송이 늦어요\n--n\n"
            'Content-Type: image/png; name="receipt.png"\nContent-Transfer-Encoding: base64\n\niVBORw0K\n--n--\n',
        )
        .decode()
        .replace("\r\n", "\n")
    )
    if inner_encoding == "base64":
        inner = base64.encodebytes(inner.encode()).decode()
    body = (
        "--o\nContent-Type: text/plain\n\n\n--o\nContent-Type: message/rfc822\n"
        f"Content-Transfer-Encoding: {inner_encoding}\nContent-Disposition: attachment\n\n{inner}\n--o--\n"
    )
    return _mail('From: fwd@b.kr\nSubject: Fwd: 주문 문의\nContent-Type: multipart/mixed; boundary="o"', body)


@pytest.mark.parametrize("encoding", ["7bit", "base64"])
def test_attached_message_is_a_message_with_its_own_text_and_files(encoding: str) -> None:
    parsed = read_email(_forward(encoding))
    assert parsed.attachments == []
    (attached,) = parsed.attached_messages
    assert (attached.subject, attached.from_address, attached.text) == ("주문 문의", "kim@shop.kr", "배송이 늦어요")
    assert [a.filename for a in attached.attachments] == ["receipt.png"]
    assert parsed.text == "배송이 늦어요"  # the forward note is empty: the body is the forwarded text


@pytest.mark.django_db
def test_dry_run_json_nests_attached_messages_and_lists_warnings(teams: object, tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(_forward())
    (tmp_path / "b.eml").write_bytes(_mail("Subject: anonymous"))
    out = StringIO()
    call_command("ingest_eml", str(tmp_path), "--dry-run", "--json", stdout=out)
    first, second = (json.loads(line) for line in out.getvalue().split("\n") if line)
    assert first["attachments"] == []
    assert first["attached_messages"] == [
        {
            "filename": "주문 문의.eml",
            "subject": "주문 문의",
            "from": "kim@shop.kr",
            "from_name": "Kim",
            "text": "배송이 늦어요",
            "attachments": ["receipt.png"],
            "attached_messages": [],
        }
    ]
    assert (second["status"], second["text"]) == ("stored", "hello")
    assert second["warnings"] == ["no sender address: the message cannot be answered by e-mail"]


@pytest.mark.django_db
def test_stored_message_keeps_warnings_and_the_attached_message(teams: object) -> None:
    payload, _new = pipeline.receive("email", _forward(), process_now=True)
    assert payload.state == PayloadState.PROCESSED
    meta = ChannelMessage.objects.get(payload=payload)
    assert "배송이 늦어요" in meta.full_text
    # Stored whole for the agent to open (the upload check neutralises the .eml name as it does .html).
    assert [a.filename for a in meta.message.attachments.all()] == ["주문 문의.eml.txt"]
    anonymous, _new = pipeline.receive("email", _mail("Subject: anonymous"), process_now=True)
    assert anonymous.state == PayloadState.PROCESSED
    stored = ChannelMessage.objects.get(payload=anonymous)
    assert stored.warnings == ["no sender address: the message cannot be answered by e-mail"]
    assert stored.sender.endswith("@sender.invalid")
    assert Case.objects.count() == 2
