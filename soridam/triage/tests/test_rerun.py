"""Triaging a case again: what triage set itself stays triage's to revise, and the review decision is the same.

Before, a second run (a retrain, a batch replay) read the category and priority that the first run had applied
as if a person had chosen them: the category was never revised, the priority was "not open", and *Needs
review* was decided on other fields than the first time.
"""

from __future__ import annotations

from typing import Any

import pytest

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, Category
from soridam.customers.actions import Contact
from soridam.triage import training
from soridam.triage.classifier import TriageModel
from soridam.triage.models import ModelVersion, Prediction
from soridam.triage.tasks import triage_case
from soridam.triage.tests.conftest import SEED
from soridam.triage.triage import triage_many


@pytest.fixture
def active_seed_model(db: None, seed_model: TriageModel) -> ModelVersion:
    return training.store(seed_model, metrics={}, trained_on=len(SEED), source="file", activate=True)


def _triaged(body: str, capture: Any) -> Case:
    new = actions.NewCase(subject="", body=body, contact=Contact(name="김민지", email="kim@example.kr"))
    with capture(execute=True):
        case = actions.open_case(new)
    case.refresh_from_db()
    return case


def _slug(case: Case) -> str:
    return case.category.slug if case.category is not None else ""


@pytest.mark.parametrize("again", ["one", "batch"])
def test_a_second_run_decides_review_as_the_first_did(
    teams: Any, active_seed_model: ModelVersion, django_capture_on_commit_callbacks: Any, again: str, settings: Any
) -> None:
    body = "결제가 두 번 됐어요 하나 취소해 주세요"
    probe = Prediction.objects.get(case=_triaged(body, django_capture_on_commit_callbacks))
    category, priority = probe.category_confidence, probe.priority_confidence
    assert category * priority < min(category, priority)  # both doubtful a little: the product more
    # A threshold each field passes alone but not together: the first run applies both and asks for review.
    settings.SORIDAM_TRIAGE_MIN_CONFIDENCE = round(100 * (category * priority + min(category, priority)) / 2, 2)
    case = _triaged(body, django_capture_on_commit_callbacks)
    first = Prediction.objects.get(case=case)
    assert first.needs_review
    assert case.category is not None
    if again == "one":
        triage_case.call(case.pk)
    else:
        triage_many([case.pk])
    assert Prediction.objects.get(case=case).needs_review


def test_a_second_run_may_revise_what_triage_set_but_never_what_a_person_set(
    teams: Any, alice: User, active_seed_model: ModelVersion, django_capture_on_commit_callbacks: Any
) -> None:
    case = _triaged("결제가 두 번 됐어요 하나 취소해 주세요", django_capture_on_commit_callbacks)
    assert _slug(case) == "payment"
    # As if the first run had guessed wrong: triage's own (system) change, so the next run may correct it.
    account = Category.objects.get(slug="account")
    actions.change_category(case, account, actor=Actor(system="triage"))
    triage_case.call(case.pk)
    case.refresh_from_db()
    assert _slug(case) == "payment"
    # A person's choice stands.
    actions.change_category(case, account, actor=Actor(user=alice))
    triage_case.call(case.pk)
    case.refresh_from_db()
    assert _slug(case) == "account"
