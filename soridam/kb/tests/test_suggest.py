"""The as-you-type suggestion fragment behind the help-centre box and the complaint form."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from soridam.kb.models import Article, Visibility
from soridam.kb.suggestions import MAX_QUERY, query_from

pytestmark = pytest.mark.django_db


def _suggest(client: Client, query: str, **extra: str) -> str:
    response = client.get(reverse("kb:suggest"), {"q": query, **extra})
    assert response.status_code == 200
    return response.content.decode()


def test_a_half_typed_korean_query_suggests_the_article_as_a_keyboard_listbox(
    client: Client, make_article: Callable[..., Article]
) -> None:
    article = make_article(title="배송지 변경 방법")
    make_article(title="비밀번호를 잊어버렸어요", body="로그인 화면에서 비밀번호 찾기를 누르세요.")

    fragment = _suggest(client, "배송지 변")

    assert 'role="listbox"' in fragment
    assert 'role="option"' in fragment
    assert f'href="/help/articles/{article.pk}/?from=suggest"' in fragment
    assert re.findall(r'data-kb-article="\d+"[^>]*>([^<]+)<', fragment)[0] == "배송지 변경 방법"


def test_drafts_and_internal_articles_are_never_suggested_to_customers(
    client: Client, make_article: Callable[..., Article]
) -> None:
    make_article(title="환불 보상 기준 내부", visibility=Visibility.INTERNAL)
    make_article(title="환불 초안", visibility=Visibility.DRAFT)
    fragment = _suggest(client, "환불")
    assert "환불 보상 기준 내부" not in fragment
    assert "환불 초안" not in fragment


def test_at_most_five_articles_are_suggested(client: Client, make_article: Callable[..., Article]) -> None:
    for number in range(7):
        make_article(title=f"환불 안내 {number}", body="환불은 3~5 영업일 안에 됩니다.")
    assert _suggest(client, "환불").count('role="option"') == 5


def test_the_complaint_form_variant_opens_articles_in_a_new_tab(
    client: Client, make_article: Callable[..., Article]
) -> None:
    make_article(title="배송지 변경 방법")
    fragment = _suggest(client, "배송지", **{"for": "form"})
    assert 'target="_blank"' in fragment


def test_an_empty_query_answers_an_empty_fragment_that_browsers_may_cache(client: Client) -> None:
    response = client.get(reverse("kb:suggest"), {"q": "   "})
    assert response.status_code == 200
    assert "option" not in response.content.decode()
    assert "public" in response["Cache-Control"]
    assert "max-age=30" in response["Cache-Control"]


def test_the_suggestion_path_reads_no_article_rows_and_caches_repeated_beginnings(
    client: Client, make_article: Callable[..., Article]
) -> None:
    make_article(title="배송지 변경 방법")
    with CaptureQueriesContext(connection) as first:
        assert "배송지 변경 방법" in _suggest(client, "배송지 변경 방")
    assert not [query for query in first.captured_queries if '"kb_article"' in query["sql"]]
    with CaptureQueriesContext(connection) as again:
        assert "배송지 변경 방법" in _suggest(client, "배송지 변경 방")
    # Answered from the cache alone (a table shared by every worker process): no search runs again.
    assert all('"soridam_cache"' in query["sql"] for query in again.captured_queries)


def test_a_long_complaint_text_is_searched_by_its_last_whole_words() -> None:
    text = "주문한 상품이 " * 30 + "배송지를 바꾸고 싶어요"
    query = query_from(text)
    assert len(query) <= MAX_QUERY
    assert query.endswith("배송지를 바꾸고 싶어요")
    assert not query.startswith("품이")
    assert query_from("  배송지   변  ") == "배송지 변"


def test_an_unpublished_article_stops_being_suggested_at_once_despite_the_cache(
    client: Client, make_article: Callable[..., Article], save: Callable[[Article], Article]
) -> None:
    article = make_article(title="배송지 변경 방법")
    assert "배송지 변경 방법" in _suggest(client, "배송지")
    article.visibility = Visibility.DRAFT
    save(article)
    assert "배송지 변경 방법" not in _suggest(client, "배송지")
