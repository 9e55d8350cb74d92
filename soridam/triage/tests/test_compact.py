"""The task workers predict with a compact copy of the model: the same results, without scikit-learn (issue 13)."""

from __future__ import annotations

import io
import math
import pickletools

import joblib
import pytest

from soridam.triage import training
from soridam.triage.classifier import TriageModel
from soridam.triage.compact import CompactLogistic, compact
from soridam.triage.text import make_doc

from .conftest import SEED

UNSEEN = [
    ("", "택배가 아직도 안 왔어요 환불해 주세요"),
    ("결제 오류", "카드 결제가 두 번 됐어요!!"),
    ("", "Hello, my order #A12345678 never arrived. Refund please."),
    ("", "ㅋㅋ 감사합니다"),
    ("", ""),
]
HEAVY = ("sklearn", "numpy", "scipy", "joblib")


def _messages() -> list[tuple[str, str]]:
    return [(subject, body) for subject, body, *_labels in SEED] + UNSEEN


def test_the_compact_copy_gives_scikit_learns_probabilities(seed_model: TriageModel) -> None:
    light = compact(seed_model)
    assert seed_model.features is not None
    assert light.features is not None
    docs = [make_doc(subject, body) for subject, body in _messages()]
    for name, classifier in seed_model.classifiers.items():
        expected = classifier.predict_proba(seed_model.features.transform(docs))
        found = light.classifiers[name].predict_proba(light.features.transform(docs))
        assert [str(value) for value in classifier.classes_] == light.classifiers[name].classes_
        for want, got in zip(expected, found, strict=True):
            assert list(got) == pytest.approx(list(want), abs=1e-9)
    assert light.fits_its_features()


def test_the_scores_are_the_plain_sums_of_products_to_the_last_bit(seed_model: TriageModel) -> None:
    light = compact(seed_model)
    assert light.features is not None
    rows = light.features.transform([make_doc(subject, body) for subject, body in _messages()])
    rows += [{}, dict(list(rows[0].items())[:1])]  # no known term; one term
    for classifier in light.classifiers.values():
        assert isinstance(classifier, CompactLogistic)
        for row, got in zip(rows, classifier.predict_proba(rows), strict=True):
            scores = [
                intercept + sum(value * weights[column] for column, value in row.items())
                for weights, intercept in zip(classifier.weights, classifier.intercepts, strict=True)
            ]
            if len(scores) == 1:  # two classes: the logistic of the one score
                score = scores[0]
                assert got[1] == (1 / (1 + math.exp(-score)) if score >= 0 else math.exp(score) / (1 + math.exp(score)))
                continue
            exponentials = [math.exp(score - max(scores)) for score in scores]
            assert got == [value / sum(exponentials) for value in exponentials]


def test_the_compact_copy_predicts_the_same_results(seed_model: TriageModel) -> None:
    light = compact(seed_model)
    for subject, body in _messages():
        want, got = seed_model.predict(subject, body), light.predict(subject, body)
        for field in ("category", "priority", "sentiment", "language"):
            assert getattr(got, field).value == getattr(want, field).value
            assert getattr(got, field).confidence == pytest.approx(getattr(want, field).confidence, abs=1e-9)
        assert (got.pii, got.signals, got.priority_decided) == (want.pii, want.signals, want.priority_decided)
    batch = [(subject, body, None) for subject, body in _messages()]
    for got, want in zip(light.predict_many(batch), seed_model.predict_many(batch), strict=True):
        assert got.category.value == want.category.value
        assert got.category.confidence == pytest.approx(want.category.confidence, abs=1e-9)


def test_a_stored_blob_loads_for_prediction_without_scikit_learn(seed_model: TriageModel) -> None:
    blob = training.dumps(seed_model)
    assert blob.startswith(training.MAGIC)
    length = int.from_bytes(blob[len(training.MAGIC) : len(training.MAGIC) + 8], "big")
    light_pickle = blob[len(training.MAGIC) + 8 : len(training.MAGIC) + 8 + length]
    modules = {str(arg).split()[0] for op, arg, _ in pickletools.genops(light_pickle) if op.name == "SHORT_BINUNICODE"}
    assert not {module for module in modules if module.split(".")[0] in HEAVY}
    assert any(module.startswith("soridam.triage.compact") for module in modules)
    light = training.loads_compact(blob)
    full = training.loads(blob)
    assert type(full.classifiers["category"]).__module__.startswith("sklearn")
    text = ("", "쿠폰이 적용이 안 돼요")
    assert light.predict(*text).category.value == full.predict(*text).category.value
    assert light.predict(*text).category.confidence == pytest.approx(seed_model.predict(*text).category.confidence)


def test_a_blob_stored_before_the_compact_copy_still_loads(seed_model: TriageModel) -> None:
    buffer = io.BytesIO()
    joblib.dump(seed_model, buffer, compress=3)
    light = training.loads_compact(buffer.getvalue())
    assert type(light.classifiers["category"]).__name__ == "CompactLogistic"
    full = training.loads(buffer.getvalue())
    assert full.predict("", "환불").category.value == light.predict("", "환불").category.value
