"""The as-you-type suggestions behind ``/help/suggest``: the top articles for what the customer typed so far.

This path runs on every keystroke (p99 ≤ 30 ms at 10,000 articles, bench/faq_suggest), so it reads no
article rows: the index gives the titles, and the link needs only the id. Answers are cached briefly,
because people type the same beginnings ("배송", "환불") over and over.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from soridam.kb.presenters import Suggestion, article_url
from soridam.search.engine import suggest

MAX_QUERY = 120
LIMIT = 5
CACHE_SECONDS = 30
# Bumped whenever the article index changes, so no cached answer outlives the change (with a shared cache
# such as Redis; a per-process cache still forgets within CACHE_SECONDS).
GENERATION_KEY = "kb:suggest:generation"


def query_from(raw: str) -> str:
    """The part of what was typed that the search uses: a long complaint text is cut to its last words,
    which is where the customer is typing, at a space so no word is cut in half."""
    text = " ".join(raw.split())
    if len(text) <= MAX_QUERY:
        return text
    tail = text[-MAX_QUERY:]
    return tail.split(" ", 1)[1] if " " in tail else tail


def suggested_articles(query: str) -> list[Suggestion]:
    if not query:
        return []
    digest = hashlib.blake2b(query.encode(), digest_size=16).hexdigest()
    key = f"kb:suggest:{cache.get(GENERATION_KEY, 0)}:{digest}"
    found: list[Suggestion] | None = cache.get(key)
    if found is None:
        hits = suggest(query, kind="article", public_only=True, limit=LIMIT)
        found = [Suggestion(hit.key, hit.title, article_url(hit.key)) for hit in hits]
        cache.set(key, found, CACHE_SECONDS)
    return found


def forget_cached_suggestions() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet, or evicted
        cache.set(GENERATION_KEY, 1, timeout=None)
