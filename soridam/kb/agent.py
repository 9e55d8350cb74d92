"""Articles for agents: suggested from a case's own words, ready to insert into a reply as a link or as text."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from soridam.kb.models import Article, Visibility, live_articles
from soridam.kb.presenters import article_url
from soridam.kb.rendering import plain_text
from soridam.search.engine import suggest

LIMIT = 5
# The subject and the start of the first message say what the case is about; the rest is mostly detail.
MAX_CASE_TEXT = 200


@dataclass(frozen=True)
class AgentArticle:
    id: int
    title: str
    text: str
    link: str  # empty for internal articles: a customer could not open it
    is_public: bool


def case_query(subject: str, first_message: str) -> str:
    text = " ".join(f"{subject} {first_message}".split())
    return text[:MAX_CASE_TEXT].rsplit(" ", 1)[0] if len(text) > MAX_CASE_TEXT else text


def articles_for_text(text: str) -> list[AgentArticle]:
    """Public and internal articles, best first. Rows are read again so a just-unpublished one is skipped."""
    if not text.strip():
        return []
    hits = suggest(text, kind="article", public_only=False, limit=LIMIT)
    keys = [int(hit.key) for hit in hits]
    rows = live_articles().in_bulk(keys)
    return [_for_agent(rows[key]) for key in keys if key in rows]


def _for_agent(article: Article) -> AgentArticle:
    public = article.visibility == Visibility.PUBLIC
    link = settings.SITE_URL + article_url(article.pk) if public else ""
    return AgentArticle(id=article.pk, title=article.title, text=plain_text(article.body), link=link, is_public=public)
