"""Articles written in the admin go through kb.actions: versioned, rendered and indexed like any other save."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from soridam.accounts.models import User
from soridam.kb.models import Article, ArticleVersion, Category
from soridam.search.engine import suggest

pytestmark = pytest.mark.django_db

NO_INLINE_ROWS = {
    "versions-TOTAL_FORMS": "0",
    "versions-INITIAL_FORMS": "0",
    "versions-MIN_NUM_FORMS": "0",
    "versions-MAX_NUM_FORMS": "1000",
}


def test_an_article_added_in_the_admin_is_versioned_rendered_and_suggested(
    client: Client, root: User, kb_category: Category, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(root)
    data = {
        "category": str(kb_category.pk),
        "language": "ko",
        "title": "현금영수증 발급 방법",
        "body": "주문 내역에서 **현금영수증**을 누르세요.",
        "visibility": "public",
        "position": "0",
        **NO_INLINE_ROWS,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:kb_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]

    article = Article.objects.get(title="현금영수증 발급 방법")
    assert "<strong>현금영수증</strong>" in article.body_html
    assert ArticleVersion.objects.filter(article=article, number=1, saved_by=root).exists()
    assert [hit.key for hit in suggest("현금영수증")] == [article.pk]


def test_deleting_in_the_admin_removes_the_article_from_suggestions(
    client: Client, root: User, make_article: Callable[..., Article], django_capture_on_commit_callbacks: Any
) -> None:
    article = make_article(title="현금영수증 발급 방법", body="주문 내역에서 현금영수증을 누르세요.")
    client.force_login(root)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:kb_article_delete", args=[article.pk]), {"post": "yes"})
    assert not Article.objects.exists()
    assert suggest("현금영수증") == []
