"""On a case page, articles suggested from the case text, with buttons to insert them into the reply."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from soridam.accounts.models import User
from soridam.cases.models import Case
from soridam.kb.models import Article, ArticleUse, Visibility

pytestmark = pytest.mark.django_db


def test_the_case_page_loads_its_article_suggestions_after_it_shows(
    make_case: Callable[..., Case], alice_client: Client
) -> None:
    case = make_case()
    page = alice_client.get(reverse("workspace:case", args=[case.pk])).content.decode()
    assert f'hx-get="{reverse("workspace:case_articles", args=[case.pk])}"' in page
    assert 'hx-trigger="load"' in page


def test_articles_matching_the_case_come_with_insert_link_and_insert_text(
    make_case: Callable[..., Case], alice_client: Client, make_article: Callable[..., Article], settings: object
) -> None:
    public = make_article(title="배송지 변경 방법", body="출고 전이라면 **주문 내역**에서 바꾸세요.")
    make_article(
        title="배송지 변경 내부 지침", body="출고 후 배송지 변경은 택배사 접수", visibility=Visibility.INTERNAL
    )
    case = make_case("배송지 변경 요청", "배송지를 회사 주소로 바꾸고 싶어요.")

    fragment = alice_client.get(reverse("workspace:case_articles", args=[case.pk])).content.decode()

    assert "배송지 변경 방법" in fragment
    assert "배송지 변경 내부 지침" in fragment
    link = f"{settings.SITE_URL}/help/articles/{public.pk}/"  # type: ignore[attr-defined]
    assert f'data-kb-insert="{link}"' in fragment
    assert 'data-kb-insert="출고 전이라면 주문 내역에서 바꾸세요."' in fragment
    # An internal article has no customer link to insert.
    assert fragment.count('data-kb-insert="http') == 1


def test_an_agent_cannot_read_suggestions_for_another_teams_case(
    make_case: Callable[..., Case], bob_client: Client
) -> None:
    case = make_case(category="delivery")
    assert bob_client.get(reverse("workspace:case_articles", args=[case.pk])).status_code == 404


def test_inserting_an_article_counts_it_as_used_on_the_case_in_the_admin(
    make_case: Callable[..., Case],
    alice_client: Client,
    bob_client: Client,
    make_article: Callable[..., Article],
    root: User,
) -> None:
    article = make_article(title="배송지 변경 방법")
    case = make_case("배송지 변경 요청", "배송지를 바꾸고 싶어요.")
    url = reverse("workspace:case_article_used", args=[case.pk, article.pk])

    assert alice_client.post(url, {"how": "link"}).status_code == 204
    assert alice_client.post(url, {"how": "text"}).status_code == 204
    assert alice_client.post(url, {"how": "paste"}).status_code == 400
    assert bob_client.post(url, {"how": "link"}).status_code == 404  # not bob's team's case
    assert sorted(ArticleUse.objects.values_list("how", flat=True)) == ["link", "text"]

    admin = Client()
    admin.force_login(root)
    page = admin.get(reverse("admin:kb_article_changelist")).content.decode()
    assert '<td class="field-used_in_cases">1</td>' in page
