"""Articles as search documents, and the task that keeps the index in step with every save."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Q, QuerySet
from django_tasks import task

from soridam.kb.models import Article, Visibility, live_articles
from soridam.kb.rendering import plain_text
from soridam.kb.suggestions import forget_cached_suggestions
from soridam.search.engine import Document, index_documents, remove_document

# Helpfulness is smoothed towards neutral, so one early "no" does not sink a new article.
PRIOR_VOTES = 4


def _indexable() -> QuerySet[Article]:
    votes = {
        "yes_votes": Count("votes", filter=Q(votes__helpful=True)),
        "no_votes": Count("votes", filter=Q(votes__helpful=False)),
    }
    return live_articles().annotate(**votes)


def helpfulness_boost(yes: int, no: int) -> float:
    """Between -0.5 and 0.5: 0 with no votes, towards 0.5 when readers keep saying yes."""
    return (yes + PRIOR_VOTES / 2) / (yes + no + PRIOR_VOTES) - 0.5


def article_document(article: Article) -> Document:
    """``article`` comes from ``_indexable()`` (it carries the vote counts)."""
    return Document(
        kind="article",
        key=article.pk,
        title=article.title,
        body=plain_text(article.body),
        language=article.language,
        public=article.visibility == Visibility.PUBLIC,
        boost=helpfulness_boost(article.yes_votes, article.no_votes),  # type: ignore[attr-defined]
        updated_at=article.updated_at,
    )


def article_documents() -> Iterator[Document]:
    """Every live article (no drafts, none scheduled for later); internal ones are marked not public."""
    for article in _indexable().order_by("pk").iterator(chunk_size=500):
        yield article_document(article)


@task()
def index_article(article_id: int) -> None:
    """Idempotent: it reads the article as it is now. A draft, a deleted article or one scheduled for later
    is removed; kb.actions enqueues this task again for the publication time."""
    article = _indexable().filter(pk=article_id).first()
    if article is None:
        remove_document("article", article_id)
    else:
        index_documents([article_document(article)])
    forget_cached_suggestions()
