"""The triage model: category, priority and sentiment classifiers, with the guide's rules on top.

Each field is a logistic regression over `TriageFeatures`, which gives a probability to use as the
confidence. A field with fewer than two labels in the training data falls back to rules and cue words
(the state of a fresh install before agents have corrected anything).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from soridam.privacy import pii
from soridam.triage import cues, lexicon, rules
from soridam.triage.features import Doc, TriageFeatures, make_doc, signals

FIELDS = ("category", "priority", "sentiment")
CATEGORY_FALLBACK = "other"
RULES_ONLY_CONFIDENCE = 0.45  # below the default threshold (50 %): cue words alone only suggest


@dataclass(frozen=True)
class Example:
    subject: str
    body: str
    labels: dict[str, str]  # field name → label; a missing or empty label is not trained on


@dataclass(frozen=True)
class Guess:
    value: str
    confidence: float


@dataclass
class Result:
    category: Guess
    priority: Guess
    sentiment: Guess
    language: Guess
    pii: list[str]
    signals: list[str] = field(default_factory=list)

    def low_confidence(self, threshold: float) -> list[str]:
        return [name for name in FIELDS if getattr(self, name).confidence < threshold]


class TriageModel:
    """Fit on examples; predict a `Result` for one message. Pickled into a `ModelVersion` row."""

    def __init__(self, *, cue_weight: float = 0.6, c: float = 3.0) -> None:
        self.cue_weight = cue_weight
        self.c = c
        self.features: TriageFeatures | None = None
        self.classifiers: dict[str, LogisticRegression] = {}

    def fit(self, examples: Sequence[Example]) -> TriageModel:
        """One feature space for all fields (the message is vectorised once per prediction), one
        classifier per field that has at least two distinct labels."""
        docs = [make_doc(e.subject, e.body) for e in examples]
        self.features = TriageFeatures(self.cue_weight).fit(docs)
        matrix = self.features.transform(docs)
        for name in FIELDS:
            rows = [i for i, e in enumerate(examples) if e.labels.get(name)]
            labels = [examples[i].labels[name] for i in rows]
            if len(set(labels)) < 2:
                continue
            classifier = LogisticRegression(C=self.c, max_iter=3000, class_weight="balanced")
            self.classifiers[name] = classifier.fit(matrix[rows], labels)
        return self

    def predict(self, subject: str, body: str, *, repeat_contacts: int = 0) -> Result:
        """`repeat_contacts`: how many earlier open cases this customer filed about the same thing."""
        return self._predict(make_doc(subject, body), subject, body, repeat_contacts, {})

    def predict_many(self, messages: Sequence[tuple[str, str, int]]) -> list[Result]:
        """`predict` for many (subject, body, repeat_contacts) at once: one vectorisation of the whole batch
        (the TF-IDF and cue features of every message in one sparse matrix), the same results."""
        docs = [make_doc(subject, body) for subject, body, _repeats in messages]
        caches: list[dict[str, Any]] = [{} for _doc in docs]
        if self.features is not None and self.classifiers and docs:
            matrix = self.features.transform(docs)
            for name, classifier in self.classifiers.items():
                for cache, probabilities in zip(caches, classifier.predict_proba(matrix), strict=True):
                    cache[name] = probabilities
        return [
            self._predict(doc, subject, body, repeats, cache)
            for doc, (subject, body, repeats), cache in zip(docs, messages, caches, strict=True)
        ]

    def _predict(self, doc: Doc, subject: str, body: str, repeat_contacts: int, cache: dict[str, Any]) -> Result:
        found = signals(doc)
        if repeat_contacts >= 2:
            found.add("repeat_third")
        urgent = rules.urgent_signals(doc.text, found)
        category = self._category(doc, found, cache)
        priority = Guess("urgent", 0.95) if urgent else self._guess("priority", doc, cache) or _priority_by_rules(found)
        sentiment = self._guess("sentiment", doc, cache) or _sentiment_by_rules(doc)
        language, confidence = rules.language(f"{subject}\n{body}")
        return Result(
            category=category,
            priority=priority,
            sentiment=sentiment,
            language=Guess(language, confidence),
            pii=pii.types_in(f"{subject}\n{body}"),
            signals=sorted(urgent),
        )

    def _guess(self, name: str, doc: Doc, cache: dict[str, Any]) -> Guess | None:
        classifier = self.classifiers.get(name)
        if classifier is None or self.features is None:
            return None
        if name not in cache:  # one message: vectorised once for all fields
            if "row" not in cache:
                cache["row"] = self.features.transform([doc])
            cache[name] = classifier.predict_proba(cache["row"])[0]
        probabilities = cache[name]
        best = int(np.argmax(probabilities))
        return Guess(str(classifier.classes_[best]), float(probabilities[best]))

    def _category(self, doc: Doc, found: set[str], cache: dict[str, Any]) -> Guess:
        if "safety" in found and lexicon.hits(doc.text, cues.SAFETY) >= 1:
            return Guess("product", 0.9)  # precedence 1 of the guide
        return self._guess("category", doc, cache) or _category_by_rules(doc)


def _category_by_rules(doc: Doc) -> Guess:
    """Without a trained model: the topic with the most cue words, cancel/refund first (precedence 3).
    A suggestion for the review list, never confident enough to be applied on its own."""
    scores = {name: lexicon.hits(doc.text, words) for name, words in lexicon.TOPICS.items()}
    if scores["refund_return"] and lexicon.hits(doc.subject or doc.body[:60], lexicon.REFUND):
        return Guess("refund_return", RULES_ONLY_CONFIDENCE)
    best = max(scores, key=lambda name: scores[name])
    if scores[best] == 0:
        return Guess(CATEGORY_FALLBACK, 0.2)
    return Guess(best, min(RULES_ONLY_CONFIDENCE, 0.2 + 0.05 * scores[best]))


def _priority_by_rules(found: set[str]) -> Guess:
    if found & {"money_wrong", "order_failed", "repeat_second"}:
        return Guess("high", RULES_ONLY_CONFIDENCE)
    return Guess("normal", 0.3)


def _sentiment_by_rules(doc: Doc) -> Guess:
    positive = lexicon.hits(doc.text, cues.POSITIVE)
    negative = lexicon.hits(doc.text, cues.NEGATIVE)
    if positive > negative:
        return Guess("positive", 0.5)
    if negative:
        return Guess("negative", 0.5)
    return Guess("neutral", 0.4)
