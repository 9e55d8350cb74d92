"""Reply extraction for the mail clients our customers use."""

from __future__ import annotations

import pytest

from soridam.channels.email.quotes import extract_reply

CASES = {
    "gmail_en": (
        "Still waiting.\n\nOn Sun, Nov 22, 2026 at 3:04 PM Soridam <support@shop.test> wrote:\n> We got it.\n> Thanks",
        "Still waiting.",
    ),
    "gmail_en_wrapped": (
        "Thanks!\n\nOn Sun, Nov 22, 2026 at 3:04 PM Soridam Customer Care Delivery Team\n<support@shop.test>"
        " wrote:\n\n> old",
        "Thanks!",
    ),
    "gmail_ko": (
        "아직 안 왔어요.\n\n2026년 11월 22일 (일) 오후 3:04, 홍길동 <a@b.kr>님이 작성:\n> 접수되었습니다.",
        "아직 안 왔어요.",
    ),
    "apple_ko": ("확인했습니다.\n\n2024. 1. 2. 오후 3:04, 홍길동 <a@b.kr> 작성:\n\n> 안내드립니다", "확인했습니다."),
    "outlook_en": (
        "See attached.\n\n-----Original Message-----\nFrom: Support <s@shop.test>\nSent: Monday\nTo: me\nSubject: x",
        "See attached.",
    ),
    "outlook_ko": (
        "첨부합니다.\n\n________________________________\n보낸 사람: 고객센터 <s@shop.test>\n"
        "보낸 날짜: 2026년 11월 22일 일요일 오후 3:04\n받는 사람: 김민지\n제목: 배송 문의",
        "첨부합니다.",
    ),
    "outlook_ko_block": (
        "네 맞아요.\n\n보낸 사람: 고객센터 <s@shop.test>\n받는 사람: 김민지 <m@example.kr>\n제목: RE: 배송",
        "네 맞아요.",
    ),
    "naver": (
        '환불해 주세요.\n\n-----Original Message-----\nFrom: "고객센터"<s@shop.test>\nTo: <m@naver.com>;',
        "환불해 주세요.",
    ),
    "daum": (
        "감사합니다.\n\n-----원본 메시지-----\n보낸사람: 고객센터 <s@shop.test>\n받는사람: m@daum.net\n제목: 배송",
        "감사합니다.",
    ),
    "signature": ("네 알겠습니다.\n\n-- \n김민지 드림\n010-0000-0000", "네 알겠습니다."),
    "iphone": ("좋아요\n\niPhone에서 보냄", "좋아요"),
    "interleaved_quotes": ("> 질문1\n답1\n> 질문2\n답2", "답1\n답2"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_reply_text_drops_quotes_and_signatures(name: str) -> None:
    text, expected = CASES[name]
    assert extract_reply(text) == expected


def test_a_line_mentioning_from_in_prose_is_kept() -> None:
    text = "From: the warehouse, they said it ships Monday.\nThanks"
    assert extract_reply(text) == text


def test_nothing_but_quotes_keeps_the_whole_text() -> None:
    assert extract_reply("> only a quote") == "> only a quote"
