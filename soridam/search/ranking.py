"""Lexical relevance of candidate documents for an analysed query, computed the same way on every database.

Each query slot (a word, or a phrase a synonym joined) scores the best of its readings in [0, 1]: the share of
its parts found, each part through its best option (exact, a typo neighbour, a prefix while typing), a title
hit worth more than a body hit. Slots are weighted by the rarity of their words (BM25's idf). A character-bigram
overlap of the whole query is blended in, which forgives spacing the morphemes did not.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .analysis import Option, Query, Slot

BODY_FACTOR = 0.7
BIGRAM_SHARE = 0.25
DEFAULT_DF_SHARE = 0.05
HELPFULNESS_WEIGHT = 0.1
FRESHNESS_WEIGHT = 0.05
FRESHNESS_DAYS = 365.0


@dataclass
class Candidate:
    id: int
    key: int
    title: str
    title_keys: list[str]  # sorted, for prefixes
    body_keys: list[str]
    boost: float
    updated_at: datetime | None
    # The query's exact keys this document carries: the ranker asks only about those, and a set of a few
    # dozen costs far less to build than one of every key of a long document.
    title_set: frozenset[str] = frozenset()
    body_set: frozenset[str] = frozenset()

    @classmethod
    def from_row(cls, row: Sequence[Any], wanted: frozenset[str]) -> Candidate:
        """A row of backends.CANDIDATE_COLUMNS; `wanted`, the query's exact keys. SQLite's driver gives naive
        UTC datetimes."""
        pk, key, title, title_keys, body_keys, boost, updated_at = row
        if isinstance(updated_at, str):
            updated_at = datetime.fromisoformat(updated_at)
        if updated_at is not None and updated_at.tzinfo is None:
            updated_at = updated_at.replace(tzinfo=UTC)
        titles, bodies = title_keys.split(), body_keys.split()
        found = cls(pk, key, title, titles, bodies, boost, updated_at)
        found.title_set, found.body_set = wanted.intersection(titles), wanted.intersection(bodies)
        return found


def idf(df: int, documents: int) -> float:
    return math.log(1.0 + (documents - df + 0.5) / (df + 0.5))


def _has(keys: Sequence[str], key: str, prefix: bool) -> bool:
    position = bisect_left(keys, key)
    if position == len(keys):
        return False
    return keys[position].startswith(key) if prefix else keys[position] == key


def _option_score(candidate: Candidate, option: Option) -> float:
    if option.prefix:
        in_title = _has(candidate.title_keys, option.key, True)
        in_body = in_title or _has(candidate.body_keys, option.key, True)
    else:
        in_title = option.key in candidate.title_set
        in_body = in_title or option.key in candidate.body_set
    return option.weight * (1.0 if in_title else BODY_FACTOR if in_body else 0.0)


def _slot_score(candidate: Candidate, slot: Slot) -> float:
    """The best reading's share of its parts found, each part through its best option. Plain loops in one
    function: this runs for every option of every slot of every candidate (thousands per question), where a
    call per option and per part cost more than the work. Sums and maxima are taken in the order of the plain
    definition (a part: its best option; a reading: the mean of its parts), so the scores are the same."""
    title, body = candidate.title_set, candidate.body_set
    best_reading = -math.inf
    for reading in slot.readings:
        found = 0.0
        for part in reading.parts:
            best = 0.0
            for option in part:
                if option.weight <= best:
                    continue  # it cannot beat the best found: not even looked up
                if option.prefix:
                    score = _option_score(candidate, option)
                else:
                    key = option.key
                    score = option.weight * (1.0 if key in title else BODY_FACTOR if key in body else 0.0)
                best = max(best, score)
            found += best
        best_reading = max(best_reading, reading.weight * found / len(reading.parts))
    return best_reading


def slot_weights(query: Query, df: Mapping[str, int], documents: int) -> list[float]:
    """A slot weighs as much as its rarest known word. A word being typed (벼) or a chosung word may not be a
    term at all; it weighs like a fairly common term then, rather than like a term never seen."""
    default = idf(round(documents * DEFAULT_DF_SHARE), documents)
    weights = []
    for slot in query.slots:
        known = [df[term] for term in slot.terms if df.get(term, 0) > 0]
        weights.append(max(idf(count, documents) for count in known) if known else default)
    return weights


def bigram_weights(query: Query, df: Mapping[str, int], documents: int) -> list[float]:
    return [idf(df.get(key, 0), documents) for key in query.bigrams]


def lexical_score(
    candidate: Candidate, query: Query, weights: Sequence[float], bigram_weights: Sequence[float]
) -> float:
    total = sum(weights)
    slots = sum(w * _slot_score(candidate, slot) for w, slot in zip(weights, query.slots, strict=True))
    slot_part = slots / total if total else 0.0
    bigram_total = sum(bigram_weights)
    if not bigram_total:
        return slot_part
    title, body = candidate.title_set, candidate.body_set
    found = sum(
        w * (1.0 if key in title else BODY_FACTOR if key in body else 0.0)
        for w, key in zip(bigram_weights, query.bigrams, strict=True)
    )
    if not query.slots:
        return found / bigram_total
    return (1 - BIGRAM_SHARE) * slot_part + BIGRAM_SHARE * found / bigram_total


def prior(candidate: Candidate, now: datetime) -> float:
    """A small multiplier for helpful and fresh documents: it orders near ties, it never beats relevance."""
    freshness = 0.0
    if candidate.updated_at is not None:
        age_days = max(0.0, (now - candidate.updated_at).total_seconds() / 86400)
        freshness = math.exp(-age_days / FRESHNESS_DAYS)
    return 1.0 + HELPFULNESS_WEIGHT * candidate.boost + FRESHNESS_WEIGHT * freshness
