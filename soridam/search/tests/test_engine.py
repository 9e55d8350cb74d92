"""The engine as the help centre uses it: Korean word forms, typing, chosung, spacing, typos, synonyms, filters."""

from __future__ import annotations

from typing import Any

import pytest

from soridam.search.engine import Document, index_documents, remove_document, suggest
from soridam.search.models import SearchDocument, SearchTerm, Synonym

ARTICLES = [
    (1, "배송지를 변경하고 싶어요", "발송 전 주문은 주문 상세에서 받는 주소를 직접 고칠 수 있습니다."),
    (
        2,
        "환불은 언제 되나요?",
        "카드 결제는 취소 후 3~7영업일 안에 환불됩니다. 무통장입금은 환불 계좌로 보내 드립니다.",
    ),
    (3, "비밀번호를 잊었어요", "로그인 화면에서 비밀번호 재설정을 누르면 가입한 이메일로 링크를 보내 드립니다."),
    (4, "현금영수증 발급", "결제할 때 현금영수증을 신청하거나, 주문 후에 주문 상세에서 발급할 수 있습니다."),
    (
        5,
        "포장 상자가 찌그러져 왔어요",
        "완충재 에어캡으로 감싸 보내 드리지만, 상자가 눌려 왔다면 사진과 함께 알려 주세요.",
    ),
]


@pytest.fixture(autouse=True)
def _lexical_only(settings: Any) -> None:
    settings.SORIDAM_SEARCH_EMBEDDINGS = False


@pytest.fixture
def articles(db: None) -> None:
    index_documents(Document(kind="article", key=key, title=title, body=body) for key, title, body in ARTICLES)


def top(query: str, **options: Any) -> list[int]:
    return [hit.key for hit in suggest(query, **options)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("배송지는 어떻게 바꾸나요", 1),  # particles and endings: 배송지는 → 배송지
        ("배송지 변", 1),  # the last syllable is finished but the word is not
        ("배송지 벼", 1),  # a syllable still being typed: 벼 on the way to 변경
        ("ㅂㅅㅈ ㅂㄱ", 1),  # chosung
        ("배송지변경", 1),  # no spaces
        ("배숑지 변경", 1),  # one jamo slip
        ("현금영수즁", 4),  # a slip in a long word
        ("비밀 번호재설정", 3),  # spaces in the wrong places
        ("ㅎㄱㅇㅅㅈ", 4),  # chosung across two morphemes (현금 + 영수증)
    ],
)
def test_typed_korean_finds_the_article(articles: None, query: str, expected: int) -> None:
    assert top(query)[0] == expected


def test_a_query_that_matches_nothing_suggests_nothing(articles: None) -> None:
    assert top("zzqx") == []
    assert top("   ") == []


def test_admin_synonym_group_is_used_and_can_be_switched_off(articles: None) -> None:
    assert 5 not in top("뽁뽁이")
    group = Synonym.objects.create(terms="뽁뽁이, 에어캡")
    assert top("뽁뽁이")[0] == 5
    group.is_active = False
    group.save()
    assert 5 not in top("뽁뽁이")


def test_english_query_meets_korean_article_through_the_glossary(articles: None) -> None:
    assert top("reset my password")[0] == 3
    assert top("refund")[0] == 2


def test_internal_articles_are_for_agents_only(db: None) -> None:
    index_documents(
        [
            Document(kind="article", key=1, title="환불 규정", body="환불은 7일 안에", public=True),
            Document(kind="article", key=2, title="환불 예외 처리 (내부)", body="환불 예외는 팀장 승인", public=False),
        ]
    )
    assert top("환불") == [1]
    assert set(top("환불", public_only=False)) == {1, 2}


def test_language_filter(db: None) -> None:
    index_documents(
        [
            Document(kind="article", key=1, title="Refund policy", body="Refunds take 3 days", language="en"),
            Document(kind="article", key=2, title="환불 안내 refund", body="환불은 3일", language="ko"),
        ]
    )
    assert top("refund", language="en") == [1]
    assert top("refund", language="ko") == [2]


def test_reindexing_replaces_the_document_and_keeps_term_counts(articles: None) -> None:
    index_documents([Document(kind="article", key=1, title="교환 신청 방법", body="교환은 마이페이지에서")])
    assert 1 not in top("배송지 변경")
    assert top("교환 신청")[0] == 1
    assert SearchDocument.objects.filter(kind="article").count() == len(ARTICLES)
    assert SearchTerm.objects.get(kind="article", term="교환").df == 1
    assert SearchTerm.objects.get(kind="article", term="배송지").df == 0


def test_removed_document_is_no_longer_suggested(articles: None) -> None:
    remove_document("article", 3)
    assert 3 not in top("비밀번호")
    assert SearchDocument.objects.filter(kind="article").count() == len(ARTICLES) - 1
    remove_document("article", 3)  # idempotent


def test_helpfulness_orders_equally_relevant_articles(db: None) -> None:
    index_documents(
        [
            Document(kind="article", key=1, title="쿠폰 사용 방법", body="쿠폰은 결제 화면에서", boost=-0.4),
            Document(kind="article", key=2, title="쿠폰 사용 방법", body="쿠폰은 결제 화면에서", boost=0.4),
        ]
    )
    assert top("쿠폰 사용") == [2, 1]
