"""The public help centre: the tree, article pages, view counts and "Was this helpful?"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from soridam.kb.models import Article, Category, HelpfulVote, Visibility

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_help_home_shows_the_category_tree_with_public_articles_in_the_reader_language(
    client: Client, make_article: Callable[..., Article], kb_category: Category
) -> None:
    child = Category.objects.create(slug="address", name_ko="주소", name_en="Address", parent=kb_category)
    make_article(title="배송지 변경 방법", category=child)
    make_article(title="상담원용 보상 기준", visibility=Visibility.INTERNAL)
    make_article(title="쓰는 중인 글", visibility=Visibility.DRAFT)
    make_article(title="How to change your address", language="en")

    page = client.get(reverse("kb:home"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert "배송" in page
    assert "주소" in page
    assert "배송지 변경 방법" in page
    for hidden in ("상담원용 보상 기준", "쓰는 중인 글", "How to change your address"):
        assert hidden not in page
    assert 'role="combobox"' in page


def test_article_page_shows_sanitised_html_and_counts_each_view(
    client: Client, make_article: Callable[..., Article]
) -> None:
    article = make_article(body="**출고 전**에 바꾸세요.")
    for _ in range(2):
        response = client.get(reverse("kb:article", args=[article.pk]))
    assert "<strong>출고 전</strong>" in response.content.decode()
    article.refresh_from_db()
    assert article.view_count == 2


@pytest.mark.parametrize("visibility", [Visibility.DRAFT, Visibility.INTERNAL])
def test_drafts_and_internal_articles_are_not_found_on_the_public_site(
    client: Client, make_article: Callable[..., Article], visibility: str
) -> None:
    article = make_article(visibility=visibility)
    assert client.get(reverse("kb:article", args=[article.pk])).status_code == 404
    assert client.post(reverse("kb:vote", args=[article.pk]), {"helpful": "yes"}).status_code == 404


def test_category_page_lists_its_public_articles(
    client: Client, make_article: Callable[..., Article], kb_category: Category
) -> None:
    make_article(title="배송 조회가 되지 않을 때")
    page = client.get(reverse("kb:category", args=[kb_category.slug])).content.decode()
    assert "배송 조회가 되지 않을 때" in page


def test_a_visitor_votes_once_a_day_and_a_second_vote_replaces_the_first(
    client: Client, make_article: Callable[..., Article]
) -> None:
    article = make_article()
    url = reverse("kb:vote", args=[article.pk])
    first = client.post(url, {"helpful": "no", "comment": "주소 변경 버튼이 안 보여요"}, **HTMX)
    assert "Thank you" in first.content.decode() or "감사" in first.content.decode()
    client.post(url, {"helpful": "yes"}, **HTMX)

    vote = HelpfulVote.objects.get(article=article)
    assert vote.helpful is True
    assert vote.comment == ""


def test_two_visitors_each_get_their_own_vote_with_their_comment(
    make_article: Callable[..., Article],
) -> None:
    article = make_article()
    url = reverse("kb:vote", args=[article.pk])
    Client().post(url, {"helpful": "no", "comment": "사진이 있으면 좋겠어요"})
    Client().post(url, {"helpful": "yes"})
    votes = HelpfulVote.objects.filter(article=article).order_by("helpful")
    assert [(v.helpful, v.comment) for v in votes] == [(False, "사진이 있으면 좋겠어요"), (True, "")]


def test_a_vote_without_an_answer_is_refused_and_stores_nothing(
    client: Client, make_article: Callable[..., Article]
) -> None:
    article = make_article()
    response = client.post(reverse("kb:vote", args=[article.pk]), {"comment": "?"})
    assert response.status_code == 400
    assert not HelpfulVote.objects.exists()


def test_the_search_page_works_without_javascript(client: Client, make_article: Callable[..., Article]) -> None:
    make_article(title="배송지 변경 방법")
    page = client.get(reverse("kb:search"), {"q": "배송지 변경"}).content.decode()
    assert "배송지 변경 방법" in page
    assert 'value="배송지 변경"' in page


def test_the_complaint_form_carries_the_suggestion_box_under_the_text_field(client: Client, teams: object) -> None:
    page = client.get(reverse("web:complaint")).content.decode()
    text_field = page.index('id="id_text"')
    box = page.index('data-kb-source="id_text"')
    assert text_field < box < page.index('name="attachments"')
    assert 'hx-trigger="input changed delay:150ms from:#id_text"' in page
    assert reverse("kb:complaint_sent") in page


def test_votes_from_one_address_beyond_the_budget_are_refused_with_retry_after(
    settings: Any, make_article: Callable[..., Article]
) -> None:
    settings.SORIDAM_RATE_LIMITS = {**settings.SORIDAM_RATE_LIMITS, "kb_feedback": 2}
    article = make_article()
    url = reverse("kb:vote", args=[article.pk])
    answers = [Client().post(url, {"helpful": "yes"}).status_code for _ in range(3)]
    assert answers[:2] == [302, 302]
    assert answers[2] == 429
    assert HelpfulVote.objects.count() == 2


def test_help_home_query_count_does_not_grow_with_articles(
    client: Client, make_article: Callable[..., Article], django_assert_max_num_queries: Any
) -> None:
    for number in range(12):
        make_article(title=f"배송 안내 {number}")
    with django_assert_max_num_queries(2):
        assert client.get(reverse("kb:home")).status_code == 200
