"""SMS sizes as Korean carriers count them (EUC-KR), property-tested against Python's own ``cp949`` encoder."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from soridam.channels.sms.text import SmsType, TextRefused, byte_size, measure


def _in_euc_kr(char: str) -> bool:
    """The oracle, from the encoder: ASCII text, or two bytes in the EUC-KR plane (both >= 0xA1)."""
    try:
        encoded = char.encode("cp949")
    except UnicodeEncodeError:
        return False
    if len(encoded) == 1:
        return char.isprintable() or char in "\n\r\t"
    return encoded[0] >= 0xA1 and encoded[1] >= 0xA1


ALL_HANGUL = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
# The 2,350 syllables of KS X 1001 (EUC-KR); the other 8,822 exist only in CP949.
COMMON_HANGUL = [chr(code) for code in range(0xAC00, 0xD7A4) if _in_euc_kr(chr(code))]
ANY = st.characters(codec="utf-8", exclude_categories=("Cs",))


def test_the_oracle_knows_the_2350_common_syllables() -> None:
    assert len(COMMON_HANGUL) == 2350


@given(st.text(st.one_of(ALL_HANGUL, ANY, st.sampled_from("가나다 abc·～€\n")), max_size=200))
def test_byte_size_is_the_cp949_length_or_the_text_is_refused(text: str) -> None:
    if all(_in_euc_kr(char) for char in text):
        assert byte_size(text) == len(text.encode("cp949"))
        assert byte_size(text) == len(text.encode("euc-kr"))  # no 8-byte make-up sequence in accepted text
    else:
        with pytest.raises(TextRefused):
            byte_size(text)


@given(st.text(st.sampled_from(COMMON_HANGUL), min_size=1, max_size=1200))
def test_hangul_is_two_bytes_and_the_type_follows_the_length(text: str) -> None:
    size = 2 * len(text)
    if size > 2000:
        with pytest.raises(TextRefused, match=str(size)):
            measure(text)
        return
    measured = measure(text)
    assert measured.size == size == len(text.encode("cp949"))
    assert measured.type == (SmsType.SMS if size <= 90 else SmsType.LMS)


def test_the_limits_at_their_edges() -> None:
    assert measure("가" * 45).type == SmsType.SMS
    assert measure("가" * 45 + "a").type == SmsType.LMS  # 91 bytes
    assert measure("a" * 90).type == SmsType.SMS
    assert measure("가" * 1000).size == 2000
    with pytest.raises(TextRefused, match="2001"):
        measure("가" * 1000 + "a")
    assert measure("짧아요", "제목").type == SmsType.LMS  # a subject makes it an LMS
    with pytest.raises(TextRefused, match="42"):
        measure("본문", "가" * 21)


@pytest.mark.parametrize(
    ("text", "named"),
    [("감사합니다 😀", "U+1F600"), ("똠양꿍 주문", "U+B620"), ("햏", "U+D58F")],
    ids=["emoji", "똠", "햏"],
)
def test_emoji_and_cp949_only_syllables_are_refused_by_name(text: str, named: str) -> None:
    with pytest.raises(TextRefused, match=re.escape(named)):
        measure(text)
