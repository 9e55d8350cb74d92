"""What the full-text backend hands the ranker of each candidate's body (backends.match_any): every asked key
the body carries and every probed prefix one of its keys starts with. PostgreSQL picks them out of the
tsvector; SQLite gives the whole field. Either way the ranker must see the same document."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from soridam.search import analysis, backends, synonyms
from soridam.search.engine import Document, index_documents, suggest
from soridam.search.models import SearchDocument

LONG_BODY = " ".join(
    [
        "발송 전 주문은 주문 상세에서 받는 주소를 직접 고칠 수 있습니다.",
        "카드 결제는 취소 후 3~7영업일 안에 환불됩니다. 무통장입금은 환불 계좌로 보내 드립니다.",
        "로그인 화면에서 비밀번호 재설정을 누르면 가입한 이메일로 링크를 보내 드립니다.",
        "Refunds for shipping fees are processed within seven days.",
    ]
)
DOCUMENTS = [
    (1, "배송지 변경", LONG_BODY),
    (2, "환불 계좌", "환불은 카드 취소로 처리됩니다."),
    (3, "비밀번호 재설정 안내", "이메일 링크를 눌러 주세요. 배송지는 바꿀 수 없습니다."),
]
# Finished words, a word being typed (prefix probes), chosung, a typo, English, spacing.
QUERIES = ["배송지 변경", "환불 계", "비밀번호 재서", "ㅂㅅㅈ", "배숑지", "refund shipp", "비밀번호재설정"]


@pytest.fixture(autouse=True)
def _lexical_only(settings: Any) -> None:
    settings.SORIDAM_SEARCH_EMBEDDINGS = False


@pytest.fixture
def documents(db: None) -> None:
    index_documents(Document(kind="article", key=key, title=title, body=body) for key, title, body in DOCUMENTS)


def _asked_and_probes(text: str) -> tuple[list[str], list[str], frozenset[str], set[str]]:
    query = synonyms.expand(analysis.analyse_query(text))
    options = [o for slot in query.slots for r in slot.readings for part in r.parts for o in part]
    keys = sorted({o.key for o in options if not o.prefix} | set(query.bigrams))
    prefixes = sorted({o.key for o in options if o.prefix})
    return keys, prefixes, frozenset(keys), set(prefixes)


def _expected_body(stored: str, asked: frozenset[str], probes: set[str]) -> list[str]:
    keys = stored.split()
    found = [key for key in keys if key in asked]
    found += [probe for probe in probes if any(key.startswith(probe) for key in keys)]
    return sorted(found)


@pytest.mark.parametrize("text", QUERIES)
def test_each_candidate_body_carries_what_the_ranker_asks(documents: None, text: str) -> None:
    keys, prefixes, asked, probes = _asked_and_probes(text)
    rows = backends.match_any("article", keys, prefixes, "", [], 10, asked=asked, probes=probes)
    assert rows, text
    stored = dict(SearchDocument.objects.filter(kind="article").values_list("id", "body_keys"))
    for row in rows:
        body = row[4].split()
        if connection.vendor == "sqlite":
            assert body == stored[row[0]].split()  # the whole field
        else:
            # Only what the ranker reads: a key of the title alone (변경 in document 1's title but not its
            # body) is not reported as a body key, and a probe stands for the keys that start with it.
            assert body == _expected_body(stored[row[0]], asked, probes), (text, row[1])
            assert len(body) < len(stored[row[0]].split())


def test_a_key_of_the_title_alone_is_not_a_body_key(documents: None) -> None:
    keys, prefixes, asked, probes = _asked_and_probes("변경 ")
    assert "변경" in asked
    rows = backends.match_any("article", keys, prefixes, "", [], 10, asked=asked, probes=probes)
    bodies = {row[1]: row[4].split() for row in rows}
    assert 1 in bodies
    assert "변경" not in bodies[1]


def test_suggestions_rank_long_articles_by_their_whole_bodies(documents: None) -> None:
    """Found through a body word only, the long article is suggested (its body was read)."""
    assert [hit.key for hit in suggest("무통장입금")][0] == 1
    found = [hit.key for hit in suggest("재설정")]
    assert found[0] == 3
    assert 1 in found


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_stores_the_tsvector_uncompressed(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = 'search_searchdocument'::regclass AND attname = 'tsv'"
        )
        assert cursor.fetchone()[0] == "e"
