"""Saving articles: versions, sanitised Markdown, and an index that follows every change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from soridam.kb import actions
from soridam.kb.indexing import article_documents, helpfulness_boost, index_article
from soridam.kb.models import Article, ArticleVersion, Visibility
from soridam.search.engine import suggest

pytestmark = pytest.mark.django_db
INDEX_TASK_PATH = "soridam.kb.indexing.index_article"


def _suggested_titles(query: str, *, public_only: bool = True) -> list[str]:
    return [hit.title for hit in suggest(query, kind="article", public_only=public_only, limit=5)]


def test_every_save_keeps_a_numbered_version_with_the_text_of_that_save(
    make_article: Callable[..., Article], save: Callable[[Article], Article]
) -> None:
    article = make_article(title="반품 신청 방법", body="7일 이내에 신청하세요.")
    article.body = "14일 이내에 신청하세요."
    article.visibility = Visibility.INTERNAL
    save(article)

    versions = list(ArticleVersion.objects.filter(article=article).order_by("number"))
    assert [(v.number, v.body, v.visibility) for v in versions] == [
        (1, "7일 이내에 신청하세요.", Visibility.PUBLIC),
        (2, "14일 이내에 신청하세요.", Visibility.INTERNAL),
    ]


def test_markdown_is_rendered_and_scripts_and_javascript_links_are_removed(
    make_article: Callable[..., Article],
) -> None:
    body = "**굵게**\n\n<script>alert(1)</script>\n\n[나쁜 링크](javascript:alert(1)) [좋은 링크](https://shop.test/a)"
    article = make_article(body=body)
    html = Article.objects.get(pk=article.pk).body_html
    assert "<strong>굵게</strong>" in html
    assert "<script" not in html
    assert 'href="javascript' not in html
    assert '<a href="https://shop.test/a" rel="noopener noreferrer nofollow">좋은 링크</a>' in html


def test_a_published_article_is_found_at_once_and_leaves_the_index_when_it_becomes_a_draft(
    make_article: Callable[..., Article], save: Callable[[Article], Article]
) -> None:
    article = make_article(title="배송지 변경 방법")
    assert "배송지 변경 방법" in _suggested_titles("배송지 변경")

    article.visibility = Visibility.DRAFT
    save(article)
    assert "배송지 변경 방법" not in _suggested_titles("배송지 변경")


def test_a_deleted_article_leaves_the_index(
    make_article: Callable[..., Article], django_capture_on_commit_callbacks: Any
) -> None:
    article = make_article(title="환불은 언제 되나요?", body="카드 환불은 3~5 영업일이 걸립니다.")
    assert _suggested_titles("환불")
    with django_capture_on_commit_callbacks(execute=True):
        actions.delete_article(article)
    assert "환불은 언제 되나요?" not in _suggested_titles("환불")


def test_internal_articles_are_suggested_to_agents_only(make_article: Callable[..., Article]) -> None:
    make_article(title="파손 보상 기준", body="사진이 있으면 교환 또는 환불", visibility=Visibility.INTERNAL)
    assert "파손 보상 기준" not in _suggested_titles("파손 보상")
    assert "파손 보상 기준" in _suggested_titles("파손 보상", public_only=False)


def test_documents_leave_out_drafts_mark_internal_ones_and_carry_helpfulness(
    make_article: Callable[..., Article],
) -> None:
    public = make_article(title="공개 글")
    internal = make_article(title="내부 글", visibility=Visibility.INTERNAL)
    make_article(title="초안", visibility=Visibility.DRAFT)
    for visitor in ("v1", "v2", "v3"):
        actions.vote(public, visitor, helpful=True)

    documents = {doc.key: doc for doc in article_documents()}
    assert set(documents) == {public.pk, internal.pk}
    assert documents[public.pk].public is True
    assert documents[internal.pk].public is False
    assert documents[public.pk].boost > documents[internal.pk].boost == 0.0
    assert documents[public.pk].body.startswith("출고 전이라면")
    assert "**" not in documents[public.pk].body


@pytest.mark.parametrize(
    ("yes", "no", "expected"),
    [(0, 0, 0.0), (4, 0, 0.25), (0, 4, -0.25), (100, 0, 0.49)],
)
def test_helpfulness_boost_is_smoothed_towards_neutral(yes: int, no: int, expected: float) -> None:
    assert helpfulness_boost(yes, no) == pytest.approx(expected, abs=0.01)


def test_a_scheduled_article_stays_hidden_until_its_time_then_the_deferred_task_publishes_it(
    make_article: Callable[..., Article], client: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        article = Article(title="설 연휴 배송 안내", body="연휴에는 배송이 늦어집니다.", visibility=Visibility.PUBLIC)
        article.publish_at = start + timedelta(days=1)
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        with django_capture_on_commit_callbacks(execute=True):
            actions.save_article(article)
        queued = DBTaskResult.objects.filter(task_path=INDEX_TASK_PATH)
        # One run now (it leaves the article out), one deferred to the publication time.
        assert queued.count() == 2
        assert queued.filter(run_after=article.publish_at).exists()
        assert client.get(reverse("kb:article", args=[article.pk])).status_code == 404
        index_article.call(article.pk)
        assert "설 연휴 배송 안내" not in _suggested_titles("설 연휴")

    with time_machine.travel(start + timedelta(days=1, minutes=1), tick=False):
        index_article.call(article.pk)  # what the worker runs at run_after
        assert "설 연휴 배송 안내" in _suggested_titles("설 연휴")
        assert client.get(reverse("kb:article", args=[article.pk])).status_code == 200
