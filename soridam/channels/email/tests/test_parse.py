"""Synthesised Korean mail that strict EUC-KR decoders and naive header parsing get wrong."""

from __future__ import annotations

import base64

import pytest

from soridam.channels.email.parse import ParseError, decode_header_value
from soridam.channels.email.reader import read_email


def _raw(headers: bytes, body: bytes, content_type: bytes = b"text/plain; charset=ks_c_5601-1987") -> bytes:
    return (
        b"From: =?ks_c_5601-1987?B?" + base64.b64encode("홍길동".encode("cp949")) + b"?= <hong@example.kr>\r\n"
        b"To: support@shop.test\r\nMessage-ID: <k1@example.kr>\r\nMIME-Version: 1.0\r\n"
        + headers
        + b"Content-Type: "
        + content_type
        + b"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + body
    )


def test_cp949_only_syllables_under_a_ks_c_label_decode_without_replacement_characters() -> None:
    subject = "똠방각하 햏 뷁"
    encoded = base64.b64encode(subject.encode("cp949"))
    parsed = read_email(_raw(b"Subject: =?ks_c_5601-1987?B?" + encoded + b"?=\r\n", "똠 햏 뷁 주문".encode("cp949")))
    assert parsed.subject == subject
    assert parsed.text == "똠 햏 뷁 주문"
    assert parsed.from_name == "홍길동"
    assert parsed.from_address == "hong@example.kr"


def test_encoded_words_split_inside_a_character_are_joined_before_decoding() -> None:
    data = "환불 요청합니다".encode()
    b_words = " ".join(f"=?UTF-8?B?{base64.b64encode(data[i : i + 4]).decode()}?=" for i in range(0, len(data), 4))
    assert decode_header_value(b_words) == "환불 요청합니다"
    q_words = " ".join(
        "=?UTF-8?Q?" + "".join(f"={b:02X}" for b in data[i : min(i + 5, 13)]) + "?=" for i in range(0, 13, 5)
    )
    assert decode_header_value(q_words) == "환불 요청"


def test_raw_8bit_cp949_header_without_encoded_words_is_recovered() -> None:
    parsed = read_email(_raw(b"Subject: " + "배송 지연 문의".encode("cp949") + b"\r\n", b"x"))
    assert parsed.subject == "배송 지연 문의"


def test_euc_kr_and_windows_949_labels_decode_as_cp949() -> None:
    for label in (b"euc-kr", b"x-windows-949", b"windows-949"):
        parsed = read_email(_raw(b"Subject: t\r\n", "똠 배송".encode("cp949"), b"text/plain; charset=" + label))
        assert parsed.text == "똠 배송", label


def test_broken_encoded_words_decode_what_they_can() -> None:
    assert decode_header_value("=?utf-8?B?7ZmY67aI?= =?bogus-charset?Q?abc?=") == "환불abc"
    assert decode_header_value("=?utf-8?B?7ZmY67a?=")  # truncated base64: no exception


def test_hwp_attachments_with_rfc2231_korean_names_and_cid_images() -> None:
    boundary = b"b1"
    name = "견적서.hwp".encode()
    quoted = "".join(f"%{b:02X}" for b in name).encode()
    raw = _raw(
        b"Subject: files\r\n",
        b"--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        + '<p>사진 <img src="cid:img1@x"></p><script>alert(1)</script>'.encode()
        + b"\r\n--b1\r\nContent-Type: application/x-hwp\r\nContent-Disposition: attachment; filename*=UTF-8''"
        + quoted
        + b"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
        + b"\r\n--b1\r\nContent-Type: image/png\r\nContent-ID: <img1@x>\r\nContent-Disposition: inline\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
        + b"\r\n--b1--\r\n",
        b"multipart/related; boundary=" + boundary,
    )
    parsed = read_email(raw)
    names = [a.filename for a in parsed.attachments]
    assert names[0] == "견적서.hwp"
    assert parsed.attachments[1].content_id == "img1@x"
    assert "<script>" not in parsed.html
    assert 'src="cid:img1@x"' in parsed.html
    assert parsed.text == "사진"


@pytest.mark.parametrize("raw", [b"", b"  \r\n", b"\x00\xff" * 100, b"\x89PNG\r\n\x1a\n\x00\x00\r\n\r\nIHDR"])
def test_bytes_that_are_not_an_email_raise_parse_error(raw: bytes) -> None:
    with pytest.raises(ParseError):
        read_email(raw)


def test_mail_without_any_sender_is_read_and_flagged_not_refused() -> None:
    parsed = read_email(b"Subject: no sender\r\n\r\nbody")
    assert (parsed.from_address, parsed.subject, parsed.text) == ("", "no sender", "body")
    assert parsed.warnings == ["no sender address: the message cannot be answered by e-mail"]


def test_second_from_address_is_flagged_and_the_first_is_the_sender() -> None:
    parsed = read_email(b"From: a@b.kr, c@d.kr\r\n\r\nx")
    assert parsed.from_address == "a@b.kr"
    assert parsed.warnings == ["more than one From address; the first is taken as the sender"]


def test_oversized_message_is_refused(settings: object) -> None:
    settings.SORIDAM_EMAIL_MAX_BYTES = 1000  # type: ignore[attr-defined]
    with pytest.raises(ParseError, match="over the 1000 byte limit"):
        read_email(_raw(b"Subject: big\r\n", b"x" * 2000))
