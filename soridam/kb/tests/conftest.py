"""Fixtures for the knowledge base: articles saved through kb.actions with their index jobs run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from soridam.kb import actions
from soridam.kb.models import Article, Category, Visibility


@pytest.fixture
def kb_category(db: None) -> Category:
    return Category.objects.create(slug="delivery", name_ko="배송", name_en="Delivery")


@pytest.fixture
def save(django_capture_on_commit_callbacks: Any) -> Callable[[Article], Article]:
    """Save through the actions layer and run the after-commit index job (immediate task backend)."""

    def run(article: Article) -> Article:
        with django_capture_on_commit_callbacks(execute=True):
            return actions.save_article(article)

    return run


@pytest.fixture
def make_article(kb_category: Category, save: Callable[[Article], Article]) -> Callable[..., Article]:
    def make(
        title: str = "배송지 변경 방법",
        body: str = "출고 전이라면 주문 내역에서 **배송지 변경**을 누르세요.",
        *,
        visibility: str = Visibility.PUBLIC,
        language: str = "ko",
        category: Category | None = None,
    ) -> Article:
        article = Article(
            title=title, body=body, visibility=visibility, language=language, category=category or kb_category
        )
        return save(article)

    return make
