"""Reading the index: candidates from the full-text index, Python ranking, and embedding fusion."""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models.functions import Length
from django.utils import timezone

from . import analysis, backends, embeddings, hangul, ranking, synonyms
from .indexing import CASE
from .models import IndexState, SearchDocument

if TYPE_CHECKING:
    import numpy as np
    from django.db.models import QuerySet

    from soridam.cases.models import Case

MAX_QUERY_CHARS = 200
CANDIDATES = 50
LARGE_INDEX_CANDIDATES = 30  # the database's own rank is good enough to keep the best 30 of a large index
SMALL_INDEX = 1000  # up to this many documents every key is asked for
POSTINGS_BUDGET = 400
# Prefixes a large index is asked for: a syllable still being typed (zj + 2-3 jamo) or one consonant
# matches a large share of all keys; the ranker still applies them to candidates the other words found.
MIN_JAMO_PREFIX = 4
MIN_PREFIX_ALONE = 2
MIN_SCORE = 0.05
# Below this lexical score (or for a query with no Hangul) the query is also embedded. The gate depends on what
# the best lexical document is. A bare question (a title, no body: the ko-question-pair check) is embedded below
# 0.7: from 0.6 to 0.7 that check and its validation split gained, and 0.8 cost ko-cs-dev a prefix query.
# An article with a body stays at 0.6: a match in its body alone scores at most BODY_FACTOR (0.7), so at 0.7
# every query matching no title was embedded (186 of the 300 typed questions of bench/faq_suggest.py, 100 with
# this gate), and on ko-cs-dev 0.7 changed no top 3 and moved two typo queries from first place
# (search/README.md).
WEAK_LEXICAL = 0.7
WEAK_LEXICAL_PASSAGE = 0.6
SEMANTIC_DEPTH = 20
EMBEDDED_CHARS = 48
# With the encoder's prefix and markers. Every query of ko-cs-dev and of the ko-question-pair check fits (19 and
# 21 at most), so neither changes; in bench/faq_suggest.py a tenth of the typed questions are longer (up to 37).
EMBEDDED_TOKENS = 24
# The embedding's share of a fused score (search/README.md): with 0.5, ko-cs-dev synonym queries without the
# dev-written glossary went from 0.78 (rank fusion, semantic weight 0.5) to 0.96 top 3 and the ko-question-pair
# check from 0.75 to 0.79, no other kind moving; any share from 0.4 to 0.7 did as well on dev.
SEMANTIC_SHARE = 0.5


@dataclass(frozen=True)
class Ranked:
    key: int
    score: float
    title: str


def rank(text: str, *, kind: str, public_only: bool, language: str | None, limit: int) -> list[Ranked]:
    text = text[:MAX_QUERY_CHARS]
    if not text.strip():
        return []
    early = _encode_early(text, kind)
    query = synonyms.expand(analysis.analyse_query(text))
    filters, params = _filters(public_only, language)
    lexical = _lexical(query, kind, filters, params)
    if query.chosung_only or not (query.latin_only or _weak(lexical, kind)) or not embeddings.enabled():
        return [item for item in lexical if item.score >= MIN_SCORE][:limit]
    data = _vectors.get(kind)
    if not data["keys"]:
        return _fuse(lexical, [])[:limit]
    vector = early.result() if early else embeddings.encode_query(embedded_part(text))
    return _fuse(lexical, _nearest(data, vector, public_only, language))[:limit]


def _weak(lexical: list[Ranked], kind: str) -> bool:
    """Whether the lexical result is weak enough to embed the query too (WEAK_LEXICAL, WEAK_LEXICAL_PASSAGE)."""
    best = lexical[0].score if lexical else 0.0
    if best < WEAK_LEXICAL_PASSAGE or best >= WEAK_LEXICAL:
        return best < WEAK_LEXICAL_PASSAGE
    # Only between the two gates does it matter whether the best is a bare question; the loaded vectors know.
    return not embeddings.enabled() or lexical[0].key in _vectors.get(kind)["questions"]


def _encode_early(text: str, kind: str) -> embeddings.PendingQuery | None:
    """A query with no Hangul (``analysis.Query.latin_only``, known before the analysis) is embedded whatever its
    lexical score, so its encoding starts at once on a worker thread and runs while the lexical ranking does: it
    costs the longer of the two rather than their sum. The vector is the one encoded after the ranking."""
    words = hangul.words(text)
    if not words or any(hangul.has_hangul(word) for word in words) or not embeddings.enabled():
        return None
    return embeddings.encode_query_soon([embedded_part(text)]) if _vectors.get(kind)["keys"] else None


QUESTION_CHARS = 300  # a whole question (the bot): long enough for a message's question
QUESTION_EMBEDDED = 128


@dataclass(frozen=True)
class QuestionRanking:
    """A whole question's ranking (not text being typed): the fused list, and whether the lexical and the
    embedding rankings put the same document first. Agreement of two independent rankers is the strongest
    sign that the first document is right (soridam/bot/README.md, calibration)."""

    ranked: list[Ranked]
    agree: bool
    semantic: bool  # False when embeddings are off: ``ranked`` is lexical only, scores unscaled


def rank_question(text: str, *, kind: str, public_only: bool, limit: int) -> QuestionRanking:
    text = " ".join(text.split())[:QUESTION_CHARS]
    if not text:
        return QuestionRanking([], agree=False, semantic=False)
    data = _vectors.get(kind) if embeddings.enabled() else None
    # Started first, it encodes while the lexical ranking runs (encode_query_soon).
    encoding = embeddings.encode_query_soon(question_parts(text)) if data and data["keys"] else None
    query = synonyms.expand(analysis.analyse_query(text + " "))  # a finished question: no word being typed
    filters, params = _filters(public_only, None)
    lexical = [item for item in _lexical(query, kind, filters, params) if item.score >= MIN_SCORE]
    if data is None or encoding is None:
        return QuestionRanking(lexical[:limit], agree=False, semantic=False)
    semantic = _nearest(data, encoding.result(), public_only, None)
    agree = bool(lexical and semantic and lexical[0].key == semantic[0].key)
    return QuestionRanking(_fuse(lexical, semantic)[:limit], agree=agree, semantic=True)


def question_parts(text: str) -> tuple[str, ...]:
    """What of a long question is embedded: its beginning (a subject, the newest message) and its end (where a
    message usually asks), QUESTION_EMBEDDED chars in all, as two parts encoded apart (encode_query_soon).
    Encoding cost grows faster than the length."""
    if len(text) <= QUESTION_EMBEDDED:
        return (text,)
    half = QUESTION_EMBEDDED // 2
    return (text[:half], text[-half:])


def _filters(public_only: bool, language: str | None) -> tuple[str, list[object]]:
    sql, params = "", list[object]()
    if public_only:
        sql += " AND d.public = %s"
        params.append(True)
    if language:
        sql += " AND d.language = %s"
        params.append(language)
    return sql, params


def _lexical(query: analysis.Query, kind: str, filters: str, params: list[object]) -> list[Ranked]:
    options = [o for s in query.slots for r in s.readings for part in r.parts for o in part]
    exact = {o.key for o in options if not o.prefix or hangul.is_chosung(o.key)} | set(query.bigrams)
    terms = {term for slot in query.slots for term in slot.terms}
    df, documents = backends.term_counts(kind, sorted(exact | terms))
    documents = max(documents, 1)
    small = documents <= SMALL_INDEX
    prefixes = sorted({o.key for o in options if o.prefix and (small or narrow(o.key, alone=len(query.slots) == 1))})
    needless = _needless_typos(query, df)
    wanted = {key: count for key, count in df.items() if key not in needless}
    depth = CANDIDATES if small else LARGE_INDEX_CANDIDATES
    asked = frozenset(o.key for o in options if not o.prefix) | frozenset(query.bigrams)
    probes = {o.key for o in options if o.prefix}  # every prefix the ranker tries, not only those asked for
    rows = backends.match_any(
        kind, selective(wanted, documents), prefixes, filters, params, depth, asked=asked, probes=probes
    )
    if not rows:
        return []
    candidates = [ranking.Candidate.from_row(row, asked) for row in rows]
    weights = ranking.slot_weights(query, df, documents)
    bigram_weights = ranking.bigram_weights(query, df, documents)
    now = timezone.now()
    scored = [
        Ranked(c.key, ranking.lexical_score(c, query, weights, bigram_weights) * ranking.prior(c, now), c.title)
        for c in candidates
    ]
    return sorted(scored, key=lambda item: (-item.score, item.key))


def _needless_typos(query: analysis.Query, df: dict[str, int]) -> set[str]:
    """Typo neighbours of words the index knows as typed: the word itself finds those documents."""
    needless: set[str] = set()
    for slot in query.slots:
        for reading in slot.readings:
            for part in reading.parts:
                if df.get(part[0].key, 0) > 0:
                    needless.update(o.key for o in part[1:] if o.key.startswith(analysis.TYPO))
    return needless


def narrow(prefix: str, *, alone: bool) -> bool:
    if prefix.startswith(analysis.JAMO):
        return len(prefix) - len(analysis.JAMO) >= (MIN_PREFIX_ALONE if alone else MIN_JAMO_PREFIX)
    return len(prefix) >= (MIN_PREFIX_ALONE if alone else MIN_JAMO_PREFIX)


def selective(df: dict[str, int], documents: int) -> list[str]:
    """The keys worth asking the full-text index for. In a small index, all of them. In a large one, the rarest
    keys up to a budget of postings: a key in every other article (하다, a bigram like 니다) finds little the
    rarer keys miss, but makes the database rank thousands of rows. The ranker still counts every key."""
    present = sorted(df, key=lambda key: (df[key], key))
    if documents <= SMALL_INDEX:
        return present
    chosen: list[str] = []
    postings = 0
    for key in present:
        if chosen and postings + df[key] > POSTINGS_BUDGET:
            break
        chosen.append(key)
        postings += df[key]
    return chosen


class _Vectors:
    """The passage embeddings of one kind, loaded once per index version and shared by the threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.loaded: dict[str, tuple[int, dict[str, Any]]] = {}

    def get(self, kind: str) -> dict[str, Any]:
        version = IndexState.objects.filter(kind=kind).values_list("version", flat=True).first() or 0
        with self.lock:
            cached = self.loaded.get(kind)
            if cached and cached[0] == version:
                return cached[1]
        import numpy as np  # here, not at import: a web worker that never needs embeddings never loads numpy

        from . import metric  # numpy too

        rows = list(
            SearchDocument.objects.filter(kind=kind, embedding__isnull=False)
            .annotate(body_length=Length("body_keys"))
            .values_list("key", "title", "public", "language", "embedding", "body_length")
        )
        question = np.array([row[5] == 0 for row in rows], dtype=bool)
        matrix = (
            np.vstack([np.frombuffer(bytes(row[4] or b""), dtype=np.float32) for row in rows])
            if rows
            else np.zeros((0, 1), dtype=np.float32)
        )
        hub = np.zeros(len(rows), dtype=np.float32)
        if question.any():
            # Bare questions are compared with the query through the paraphrase metric (metric.py), which was
            # fitted on question pairs; articles with a body stay plain passages.
            matrix[question] = metric.apply(matrix[question])
            # Among bare questions only, where short generic questions are the hubs: on passages (ko-cs-dev)
            # it moved three queries either way and cost the bot a resolved case (search/README.md).
            hub[question] = metric.hubness(matrix[question])
        data: dict[str, Any] = {
            "keys": [row[0] for row in rows],
            "titles": [row[1] for row in rows],
            "public": np.array([row[2] for row in rows], dtype=bool),
            "language": np.array([row[3] for row in rows]),
            "question": question,
            "questions": frozenset(row[0] for row, bare in zip(rows, question, strict=True) if bare),
            "matrix": matrix,
            "hub": hub,
        }
        with self.lock:
            self.loaded[kind] = (version, data)
        return data


_vectors = _Vectors()


def forget_vectors(kind: str) -> None:
    """Drop a kind's cached vectors: a rolled-back transaction (eval) can reuse its index version numbers."""
    with _vectors.lock:
        _vectors.loaded.pop(kind, None)


def _nearest(
    data: dict[str, Any], vector: np.ndarray[Any, np.dtype[np.float32]], public_only: bool, language: str | None
) -> list[Ranked]:
    """The loaded documents (``_Vectors.get``) nearest to an encoded query, best first."""
    import numpy as np  # loaded by _vectors.get already; see there

    similarity = similarities(data, vector)
    mask = np.ones(len(data["keys"]), dtype=bool)
    if public_only:
        mask &= data["public"]
    if language:
        mask &= data["language"] == language
    similarity = np.where(mask, similarity, -np.inf)
    order = np.argsort(-similarity, kind="stable")[:SEMANTIC_DEPTH]
    return [Ranked(data["keys"][i], float(similarity[i]), data["titles"][i]) for i in order if mask[i]]


def similarities(data: dict[str, Any], vector: np.ndarray[Any, np.dtype[np.float32]]) -> np.ndarray[Any, Any]:
    """The query's similarity to every loaded document: through the paraphrase metric for bare questions (their
    rows are mapped already, _Vectors.get), the plain cosine for passages; a bare question less half its
    hubness (CSLS, metric.hubness), so a question close to every other stops crowding every top 3. On the
    ko-question-pair check the embedding ranking alone went from 0.852 to 0.861 top 3 (search/README.md)."""
    import numpy as np

    from . import metric  # both loaded by _Vectors.get already; see there

    similarity: np.ndarray[Any, Any] = data["matrix"] @ vector
    if data["question"].any():
        similarity = np.where(data["question"], data["matrix"] @ metric.apply(vector), similarity)
    corrected: np.ndarray[Any, Any] = similarity - data["hub"] / 2
    return corrected


def embedded_part(text: str) -> str:
    """The beginning of the query, whole words up to EMBEDDED_CHARS and EMBEDDED_TOKENS: encoding costs about a
    millisecond of CPU per token, and 48 characters are about 12 tokens of English but up to 37 of Korean. While
    a long text is still being typed its beginning stays the same, so the cached vector keeps serving."""
    words = text.split()
    kept = words[:1]
    for word in words[1:]:
        if len(" ".join(kept)) + 1 + len(word) > EMBEDDED_CHARS:
            break
        kept.append(word)
    while len(kept) > 1 and embeddings.token_count(" ".join(kept)) > EMBEDDED_TOKENS:
        kept.pop()
    return " ".join(kept)[: EMBEDDED_CHARS * 2]


def _fuse(lexical: list[Ranked], semantic: list[Ranked]) -> list[Ranked]:
    """Each score scaled within its own list, then blended: lexical by the best lexical score, cosine from the
    lowest to the highest of the semantic top. E5 cosines sit in a narrow band (0.8-0.95) whose level moves
    from query to query, so a raw cosine means nothing; its place between this query's best and worst does.
    Unlike rank fusion, a document far ahead on one side stays ahead of one barely first on the other."""
    lexical = lexical[:SEMANTIC_DEPTH]
    best = lexical[0].score if lexical and lexical[0].score > 0 else 1.0
    cosines = [item.score for item in semantic]
    low, spread = (min(cosines), max(cosines) - min(cosines)) if cosines else (0.0, 0.0)
    scores: dict[int, float] = {}
    titles: dict[int, str] = {}
    for item in lexical:
        scores[item.key] = (1 - SEMANTIC_SHARE) * item.score / best
        titles[item.key] = item.title
    for item in semantic:
        closeness = (item.score - low) / spread if spread > 0 else 0.0
        scores[item.key] = scores.get(item.key, 0.0) + SEMANTIC_SHARE * closeness
        titles[item.key] = item.title
    order = sorted(scores, key=lambda key: (-scores[key], key))
    return [Ranked(key, scores[key], titles[key]) for key in order]


def find_cases(
    text: str, visible: QuerySet[Case], *, limit: int, teams: Collection[int | None] | None = None
) -> list[tuple[int, float, str]]:
    words = hangul.words(text[:MAX_QUERY_CHARS])
    typing = bool(words) and not text[-1:].isspace()
    keys: list[str] = []
    prefixes: list[str] = []
    for position, word in enumerate(words):
        found = analysis.content_morphemes(word)
        if typing and position == len(words) - 1:
            spelled = analysis.JAMO + hangul.jamo(word) if hangul.has_hangul(word) else word
            prefixes.append(spelled)
        else:
            keys.extend(found or [word])
    visible_sql, visible_params = visible.values("pk").query.sql_with_params()

    def admit(candidates: list[int]) -> set[int]:
        return set(visible.filter(pk__in=candidates).values_list("pk", flat=True))

    within = backends.Within(visible_sql, list(visible_params), admit)
    scope = None if teams is None else sorted({team or 0 for team in teams})
    rows = backends.match_all(CASE, keys, prefixes, within, limit, scope=scope)
    return [(key, 1.0, title) for key, title in rows]
