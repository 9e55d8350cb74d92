"""Jamo arithmetic: the keys behind typing, chosung and typo matching."""

from __future__ import annotations

from soridam.search import hangul
from soridam.search.analysis import analyse_query, english_stem


def test_a_syllable_being_typed_is_a_jamo_prefix_of_the_finished_word() -> None:
    assert hangul.jamo("변경") == "ㅂㅕㄴㄱㅕㅇ"
    assert hangul.jamo("변경").startswith(hangul.jamo("벼"))
    assert hangul.jamo("닭") == "ㄷㅏㄹㄱ"  # a compound final is two keystrokes
    assert hangul.jamo("된") == "ㄷㅗㅣㄴ"  # so is a compound vowel


def test_chosung_of_words_and_of_consonants_typed_alone() -> None:
    assert hangul.chosung("배송지 변경") == "ㅂㅅㅈㅂㄱ"
    assert hangul.chosung("ㅂㅅㅈ") == "ㅂㅅㅈ"
    assert hangul.is_chosung("ㅂㅅㅈ")
    assert not hangul.is_chosung("배송")


def test_one_jamo_slip_shares_a_deletion() -> None:
    right, typo = hangul.jamo("배송"), hangul.jamo("배숑")
    assert hangul.edit_distance(right, typo) == 1
    assert hangul.deletions(right) & hangul.deletions(typo)
    assert not hangul.deletions(hangul.jamo("배송")) & hangul.deletions(hangul.jamo("환불"))


def test_query_analysis_marks_the_last_word_as_being_typed_only_without_a_trailing_space() -> None:
    typing = analyse_query("배송지 변")
    assert any(o.prefix for r in typing.slots[-1].readings for p in r.parts for o in p)
    finished = analyse_query("배송지 변 ")
    assert not any(o.prefix for r in finished.slots[-1].readings for p in r.parts for o in p)
    assert analyse_query("ㅂㅅㅈ ㅂㄱ").chosung_only
    assert analyse_query("reset my password").latin_only


def test_english_stemming_is_light() -> None:
    assert [english_stem(w) for w in ["refunds", "cancelled", "shipping", "address", "배송"]] == [
        "refund",
        "cancel",
        "ship",
        "address",
        "배송",
    ]
