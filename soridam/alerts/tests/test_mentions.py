from __future__ import annotations

from soridam.accounts.models import User
from soridam.alerts.mentions import find_mentioned


def _people() -> list[User]:
    return [
        User(pk=1, username="kim", display_name="김지"),
        User(pk=2, username="kimberly", display_name="김지은"),
        User(pk=3, username="lee.s", display_name="Lee Seoyeon"),
    ]


def _names(text: str) -> list[str]:
    return [person.username for person in find_mentioned(text, _people())]


def test_a_korean_display_name_matches_with_a_particle_attached_and_the_longest_name_wins() -> None:
    assert _names("@김지은님 확인해 주세요") == ["kimberly"]
    assert _names("@김지 님, @김지은에게 전달") == ["kim", "kimberly"]


def test_a_username_does_not_match_a_longer_latin_word() -> None:
    assert _names("@kimberly") == ["kimberly"]
    assert _names("@kimbo 누구?") == []
    assert _names("@KIM, please") == ["kim"]


def test_a_display_name_with_a_space_and_a_dotted_username_match() -> None:
    assert _names("thanks @Lee Seoyeon!") == ["lee.s"]
    assert _names("@lee.s.") == ["lee.s"]


def test_an_email_address_is_not_a_mention_and_each_person_counts_once() -> None:
    assert _names("메일 kim@kimberly.example 참고") == []
    assert _names("@kim @kim @김지") == ["kim"]
