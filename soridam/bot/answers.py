"""Answers from the knowledge base: retrieval through the search engine, the calibrated decision to answer,
and the passage quoted from the article.

The decision (README.md, "Calibration"): the lexical ranker and the embedding ranker are independent
readings of the question. When both put the same article first, that article was right on 49 of 51
ko-cs-dev cases; when they disagree, the fused score must lead the runner-up by ``DISAGREE_MARGIN``.
Without embeddings only the lexical margin is left, and it must be wider (``LEXICAL_MARGIN``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from soridam.kb.models import live_articles
from soridam.kb.presenters import article_url
from soridam.search.analysis import content_morphemes
from soridam.search.engine import answer_question

AGREE_MARGIN = 0.0
DISAGREE_MARGIN = 0.2
LEXICAL_MARGIN = 0.3
PASSAGE_SENTENCES = 2
CANDIDATES = 5
SENTENCE_END = re.compile(r"(?<=[.!?。])\s+|\n+")


@dataclass(frozen=True)
class Article:
    key: int
    title: str
    body: str
    url: str


@dataclass(frozen=True)
class Library:
    """Where answers come from: a slice of the search index and the articles behind its keys. The live
    library is the published help centre; ``eval_bot`` builds one from kb.jsonl in a rolled-back index."""

    kind: str
    articles: Callable[[Iterable[int]], dict[int, Article]]


def _live_articles(keys: Iterable[int]) -> dict[int, Article]:
    rows = live_articles().filter(pk__in=list(keys)).values_list("pk", "title", "body")
    return {pk: Article(pk, title, body, article_url(pk)) for pk, title, body in rows}


LIVE = Library(kind="article", articles=_live_articles)


@dataclass(frozen=True)
class Found:
    article: Article | None  # the article to answer from; None below the threshold
    best: Article | None  # the best candidate even when it is not trusted (the detected topic)
    confidence: float


def find(question: str, library: Library) -> Found:
    found = answer_question(question, kind=library.kind, public_only=True, limit=CANDIDATES)
    if not found.hits:
        return Found(None, None, 0.0)
    articles = library.articles([hit.key for hit in found.hits[:1]])
    best = articles.get(found.hits[0].key)
    if best is None:  # unpublished since it was indexed
        return Found(None, None, 0.0)
    top = found.hits[0].score
    runner_up = found.hits[1].score if len(found.hits) > 1 else 0.0
    margin = (top - runner_up) / top if not found.semantic and top > 0 else top - runner_up
    if not found.semantic:
        trusted = margin >= LEXICAL_MARGIN
    else:
        trusted = margin >= (AGREE_MARGIN if found.agree else DISAGREE_MARGIN)
    confidence = round(min(1.0, 0.5 + margin + (0.3 if found.agree else 0.0)), 3) if trusted else 0.0
    return Found(best if trusted else None, best, confidence)


def passage(article: Article, question: str, sentences: int = PASSAGE_SENTENCES) -> str:
    """The article's own sentences that share the most words with the question, in the article's order."""
    parts = [part.strip() for part in SENTENCE_END.split(article.body) if part.strip()]
    if len(parts) <= sentences:
        return " ".join(parts)
    asked = set(content_morphemes(question))
    scored = sorted(range(len(parts)), key=lambda i: (-len(asked & set(content_morphemes(parts[i]))), i))[:sentences]
    return " ".join(parts[i] for i in sorted(scored))
