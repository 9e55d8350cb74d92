"""The triage model: category, priority and sentiment classifiers, with the guide's rules on top.

Each field is a logistic regression over `TriageFeatures`. Category and priority confidences are its
probability calibrated on out-of-fold predictions (``calibration``); the priority is decided by the evidence
rules of ``priority``, the model choosing only among the levels the evidence allows. A field with fewer than
two labels in the training data falls back to rules and cue words (a fresh install before agents have
corrected anything).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from soridam.privacy import pii
from soridam.triage import calibration, cues, lexicon, precedence, rules
from soridam.triage import priority as priority_rules
from soridam.triage.text import Doc, make_doc, signals

if TYPE_CHECKING:  # fitting needs scikit-learn; predicting with a compact model (``triage.compact``) does not
    from sklearn.linear_model import LogisticRegression

    from soridam.triage.features import TriageFeatures

FIELDS = ("category", "priority", "sentiment")
CALIBRATED = ("category", "priority")
CATEGORY_FALLBACK = "other"
RULES_ONLY_CONFIDENCE = 0.45  # below the default threshold (55 %): cue words alone only suggest


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
    priority_decided: bool = True

    def low_confidence(self, threshold: float) -> list[str]:
        return [name for name in FIELDS if getattr(self, name).confidence < threshold]

    def confidence_in_case(self, *, category_missing: bool = True, priority_open: bool = True) -> float:
        """The chance that every field triage decides for the case is right: the calibrated confidences of
        the category (when the case has none) and of the priority (while triage may set it) multiplied.
        A priority nobody decided (no model, no rule fired: intake's default stays) does not count, and
        neither does sentiment, which is never applied."""
        confidence = 1.0
        if category_missing:
            confidence *= self.category.confidence
        if priority_open and self.priority_decided:
            confidence *= self.priority.confidence
        return confidence


class TriageModel:
    """Fit on examples; predict a `Result` for one message. Pickled into a `ModelVersion` row."""

    def __init__(self, *, cue_weight: float = 1.0, c: float = 3.0) -> None:
        self.cue_weight = cue_weight
        self.c = c
        self.features: TriageFeatures | None = None
        self.classifiers: dict[str, LogisticRegression] = {}
        self.calibrators: dict[str, calibration.Calibrator] = {}

    def fit(self, examples: Sequence[Example]) -> TriageModel:
        """One feature space for all fields (the message is vectorised once per prediction), one
        classifier per field that has at least two distinct labels."""
        from soridam.triage.features import TriageFeatures

        docs = [make_doc(e.subject, e.body) for e in examples]
        self.features = TriageFeatures(self.cue_weight).fit(docs)
        matrix = self.features.transform(docs)
        for name in FIELDS:
            rows = [i for i, e in enumerate(examples) if e.labels.get(name)]
            labels = [examples[i].labels[name] for i in rows]
            if len(set(labels)) < 2:
                continue
            self.classifiers[name] = self._new_classifier().fit(matrix[rows], labels)
            if name in CALIBRATED:
                self._calibrate(name, matrix[rows], labels, [docs[i] for i in rows])
        return self

    def fits_its_features(self) -> bool:
        """Whether every classifier still takes the columns the features make (a model fitted by an older
        release, before its cue groups were recorded, may not)."""
        if self.features is None:
            return True
        width = self.features.width()
        return all(getattr(model, "n_features_in_", width) == width for model in self.classifiers.values())

    def _new_classifier(self) -> LogisticRegression:
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=self.c, max_iter=3000, class_weight="balanced")

    def _calibrate(self, name: str, matrix: Any, labels: list[str], docs: list[Doc]) -> None:
        """Fit P(right) on the decisions a model that never saw the example would have made."""
        held_back = calibration.out_of_fold(matrix, labels, self._new_classifier)
        if held_back is None:
            return
        pairs = []
        for probabilities, label, doc in zip(held_back, labels, docs, strict=True):
            if name == "category":
                best = max(probabilities, key=lambda value: probabilities[value])
                pairs.append((probabilities[best], best == label))
                continue
            evidence = priority_rules.evidence_for(doc.text, signals(doc), priority_rules.Context())
            if not priority_rules.fired(evidence):  # the rules' own confidence is not the model's to calibrate
                level, probability = priority_rules.model_choice(probabilities, evidence)
                pairs.append((probability, level == label))
        calibrator = calibration.Calibrator().fit([p for p, _ in pairs], [right for _, right in pairs])
        self.calibrators[name] = calibrator

    def predict(self, subject: str, body: str, *, context: priority_rules.Context | None = None) -> Result:
        """`context`: what is known about the case besides its text (earlier contacts, tier, SLA)."""
        return self._predict(make_doc(subject, body), subject, body, context, {})

    def predict_many(self, messages: Sequence[tuple[str, str, priority_rules.Context | None]]) -> list[Result]:
        """`predict` for many (subject, body, context) at once: one vectorisation of the whole batch
        (the TF-IDF and cue features of every message in one sparse matrix), the same results."""
        docs = [make_doc(subject, body) for subject, body, _context in messages]
        caches: list[dict[str, Any]] = [{} for _doc in docs]
        if self.features is not None and self.classifiers and docs:
            matrix = self.features.transform(docs)
            for name, classifier in self.classifiers.items():
                for cache, probabilities in zip(caches, classifier.predict_proba(matrix), strict=True):
                    cache[name] = probabilities
        return [
            self._predict(doc, subject, body, context, cache)
            for doc, (subject, body, context), cache in zip(docs, messages, caches, strict=True)
        ]

    def _predict(
        self, doc: Doc, subject: str, body: str, context: priority_rules.Context | None, cache: dict[str, Any]
    ) -> Result:
        found = signals(doc)
        evidence = priority_rules.evidence_for(doc.text, found, context or priority_rules.Context())
        category = self._category(doc, evidence, cache)
        probabilities = self._probabilities("priority", doc, cache)
        decision = priority_rules.decide(probabilities, evidence, self._calibrator("priority"))
        sentiment = self._guess("sentiment", doc, cache) or _sentiment_by_rules(doc)
        language, confidence = rules.language(f"{subject}\n{body}")
        return Result(
            category=category,
            priority=Guess(decision.level, decision.confidence),
            sentiment=sentiment,
            language=Guess(language, confidence),
            pii=pii.types_in(f"{subject}\n{body}"),
            signals=list(decision.reasons),
            priority_decided=decision.decided,
        )

    def _calibrator(self, name: str) -> Callable[[float], float]:
        # Models pickled before calibration existed have no `calibrators`: their probabilities stay as they were.
        return getattr(self, "calibrators", {}).get(name) or float

    def _probabilities(self, name: str, doc: Doc, cache: dict[str, Any]) -> dict[str, float] | None:
        classifier = self.classifiers.get(name)
        if classifier is None or self.features is None:
            return None
        if name not in cache:  # one message: vectorised once for all fields
            if "row" not in cache:
                cache["row"] = self.features.transform([doc])
            cache[name] = classifier.predict_proba(cache["row"])[0]
        probabilities = cache[name]
        return {str(c): float(p) for c, p in zip(classifier.classes_, probabilities, strict=True)}

    def _guess(self, name: str, doc: Doc, cache: dict[str, Any]) -> Guess | None:
        probabilities = self._probabilities(name, doc, cache)
        if probabilities is None:
            return None
        best = max(probabilities, key=lambda value: probabilities[value])
        return Guess(best, self._calibrator(name)(probabilities[best]))

    def _category(self, doc: Doc, evidence: priority_rules.Evidence, cache: dict[str, Any]) -> Guess:
        fired = {rule.name for rule in priority_rules.fired(evidence)}
        by_precedence = precedence.category_by_precedence(evidence, fired)
        if by_precedence is not None:  # safety, then fraud by whom it hurts (the guide's precedence 1–2)
            return Guess(by_precedence, precedence.RULE_CONFIDENCE)
        model = self._guess("category", doc, cache)
        by_main_point = precedence.category_by_main_point(evidence, fired)
        if by_main_point is None:
            return model or _category_by_rules(doc)
        if model is None or model.value == by_main_point:
            return Guess(by_main_point, max(precedence.MAIN_POINT_CONFIDENCE, model.confidence if model else 0.0))
        # The guide's main point against the model's topic words: the rule is right more often (bench/README),
        # but two readings disagree, so the category is suggested for review rather than applied.
        return Guess(by_main_point, RULES_ONLY_CONFIDENCE)


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


def _sentiment_by_rules(doc: Doc) -> Guess:
    positive = lexicon.hits(doc.text, cues.POSITIVE)
    negative = lexicon.hits(doc.text, cues.NEGATIVE)
    if positive > negative:
        return Guess("positive", 0.5)
    if negative:
        return Guess("negative", 0.5)
    return Guess("neutral", 0.4)
