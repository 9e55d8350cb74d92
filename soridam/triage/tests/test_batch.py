"""Triage of a batch (the worker's ``triage_cases``): one vectorisation, the same predictions as one by one."""

from __future__ import annotations

from typing import Any

import pytest

from soridam.cases import actions
from soridam.cases.models import Case
from soridam.customers.actions import Contact
from soridam.triage import training
from soridam.triage.classifier import Result, TriageModel
from soridam.triage.models import ModelVersion, Prediction
from soridam.triage.tests.conftest import SEED
from soridam.triage.triage import triage, triage_many

MESSAGES = [
    ("결제가 두 번 됐어요", "결제가 두 번 됐어요 하나 취소해 주세요"),
    ("", "전기장판에서 타는 냄새가 나고 불꽃이 튀었어요. 연락처 010-2222-3333"),
    ("배송 문의", "택배가 일주일째 안 와요 언제 도착하나요"),
    ("Refund", "The mug arrived broken, I want my money back"),
    ("", "비밀번호를 잊어버려서 로그인이 안 돼요"),
]


def _plain(result: Result) -> tuple[Any, ...]:
    guesses = (result.category, result.priority, result.sentiment, result.language)
    return (*((g.value, round(g.confidence, 9)) for g in guesses), tuple(result.pii), tuple(result.signals))


def test_predict_many_vectorises_once_and_equals_predict(seed_model: TriageModel, monkeypatch: Any) -> None:
    features = seed_model.features
    assert features is not None
    calls: list[int] = []
    transform = features.transform
    monkeypatch.setattr(features, "transform", lambda docs: calls.append(len(docs)) or transform(docs))

    batch = seed_model.predict_many([(subject, body, None) for subject, body in MESSAGES])

    assert calls == [len(MESSAGES)]
    assert [_plain(r) for r in batch] == [_plain(seed_model.predict(s, b)) for s, b in MESSAGES]


@pytest.mark.django_db
def test_triage_many_stores_and_applies_what_triage_does_case_by_case(
    teams: Any, seed_model: TriageModel, django_capture_on_commit_callbacks: Any
) -> None:
    training.store(seed_model, metrics={}, trained_on=len(SEED), source="file", activate=True)
    contact = Contact(name="김민지", email="kim@example.kr")
    with django_capture_on_commit_callbacks(execute=False):  # no jobs: triage is what this test runs
        cases = [actions.open_case(actions.NewCase(subject=s, body=b, contact=contact)) for s, b in MESSAGES]
    ids = [case.pk for case in cases]

    assert triage_many([*ids, ids[0], 999_999]) == ids  # a repeated and a missing id are harmless
    batch = _state(ids)
    Prediction.objects.all().delete()
    for case in cases:  # the same cases again, one at a time (triage is idempotent)
        triage(case.pk)

    assert _state(ids) == batch
    assert batch[ids[1]][1] == "urgent"
    assert Case.objects.get(pk=ids[1]).priority == "urgent"
    assert Prediction.objects.filter(model_version=ModelVersion.objects.get(is_active=True)).count() == len(ids)


def _state(ids: list[int]) -> dict[int, tuple[Any, ...]]:
    predictions = {p.case_id: p for p in Prediction.objects.filter(case_id__in=ids)}
    cases = {c.pk: c for c in Case.objects.filter(pk__in=ids)}
    return {
        pk: (
            predictions[pk].category,
            predictions[pk].priority,
            predictions[pk].sentiment,
            predictions[pk].language,
            round(predictions[pk].category_confidence, 4),
            predictions[pk].needs_review,
            cases[pk].category_id,
            cases[pk].priority,
            cases[pk].language,
        )
        for pk in ids
    }
