"""Intake → triage task → prediction and fields; corrections → labels → retraining → new predictions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, Category
from soridam.customers.actions import Contact
from soridam.triage import training
from soridam.triage.classifier import TriageModel
from soridam.triage.models import Label, ModelVersion, Prediction
from soridam.triage.tasks import retrain, triage_case
from soridam.triage.tests.conftest import SEED, seed_examples


@pytest.fixture
def active_seed_model(db: None, seed_model: TriageModel) -> ModelVersion:
    return training.store(seed_model, metrics={}, trained_on=len(SEED), source="file", activate=True)


def _open(subject: str, body: str, capture: Any, *, email: str = "kim@example.kr") -> Case:
    new = actions.NewCase(subject=subject, body=body, contact=Contact(name="김민지", email=email))
    with capture(execute=True):
        case = actions.open_case(new)
    case.refresh_from_db()
    return case


def test_intake_triages_the_case_and_sets_confident_fields(
    teams: Any, active_seed_model: ModelVersion, django_capture_on_commit_callbacks: Any
) -> None:
    case = _open("결제가 두 번 됐어요", "결제가 두 번 됐어요 하나 취소해 주세요", django_capture_on_commit_callbacks)
    prediction = Prediction.objects.get(case=case)
    assert prediction.model_version == active_seed_model
    assert prediction.category == "payment"
    assert case.stage == "intake"  # triage never moves the stage
    if not prediction.needs_review:
        assert case.category is not None
        assert case.category.slug == "payment"
    assert case.events.filter(kind="category_changed", actor="system:triage").exists() == (case.category is not None)


def test_urgent_signal_sets_priority_and_stores_pii_types(
    teams: Any, active_seed_model: ModelVersion, django_capture_on_commit_callbacks: Any
) -> None:
    body = "전기장판에서 타는 냄새가 나고 불꽃이 튀었어요. 연락처 010-2222-3333"
    case = _open("", body, django_capture_on_commit_callbacks)
    prediction = Prediction.objects.get(case=case)
    assert (prediction.category, prediction.priority) == ("product", "urgent")
    assert prediction.pii == ["phone"]
    assert case.priority == "urgent"


def test_low_confidence_goes_to_review_and_changes_nothing(
    teams: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.SORIDAM_TRIAGE_MIN_CONFIDENCE = 99
    case = _open("", "음 그냥 궁금해서요", django_capture_on_commit_callbacks)
    assert Prediction.objects.get(case=case).needs_review
    assert case.category is None
    assert case.priority == "normal"


def test_a_case_a_person_categorised_before_triage_ran_is_not_sent_to_review(
    teams: Any, alice: User, make_case: Callable[..., Case], settings: Any
) -> None:
    settings.SORIDAM_TRIAGE_MIN_CONFIDENCE = 99  # every prediction is doubtful
    case = make_case()
    Prediction.objects.filter(case=case).delete()  # as if the worker had not reached it yet
    actions.change_category(case, Category.objects.get(slug="payment"), actor=Actor(user=alice))
    triage_case.call(case.pk)
    assert not Prediction.objects.get(case=case).needs_review
    other = make_case(email="lee@example.kr")
    assert Prediction.objects.get(case=other).needs_review


def test_rerunning_the_task_keeps_one_prediction(teams: Any, make_case: Callable[..., Case]) -> None:
    case = make_case()
    triage_case.call(case.pk)
    assert Prediction.objects.filter(case=case).count() == 1


def test_agent_correction_in_the_ui_stores_a_label(alice: User, make_case: Callable[..., Case], client: Client) -> None:
    case = make_case(subject="앱에서 결제 버튼이 안 눌려요", body="결제하기를 눌러도 반응이 없어요 010-1111-2222")
    Prediction.objects.filter(case=case).update(needs_review=True)
    client.force_login(alice)
    product = Category.objects.get(slug="product")
    response = client.post(f"/workspace/cases/{case.pk}/category/", {"category": product.pk})
    assert response.status_code in (200, 302)
    label = Label.objects.get(case=case)
    assert (label.category, label.source, label.created_by) == ("product", "agent", alice)
    assert "010-1111-2222" not in label.body  # stored normalised: no PII in training data
    assert not Prediction.objects.get(case=case).needs_review  # a person has looked: off the review list


def test_system_changes_are_not_labels(teams: Any, make_case: Callable[..., Case]) -> None:
    case = make_case()
    actions.change_priority(case, "high", actor=Actor(system="sla"))
    assert not Label.objects.exists()


def test_retraining_on_a_new_pattern_changes_later_predictions(
    teams: Any, alice: User, seed_model: TriageModel, make_case: Callable[..., Case]
) -> None:
    """Agents keep moving 'gift card' cases to payment; after retraining, triage follows them."""
    for example in seed_examples():  # what `train_triage --from` stores, then the model it activates
        Label.objects.create(subject=example.subject, body=example.body, source="file", **example.labels)
    training.store(seed_model, metrics={}, trained_on=len(SEED), source="file", activate=True)
    probe = ("", "모바일 기프티콘 사용처가 궁금합니다")
    before = training.active_model()[0].predict(*probe).category.value
    assert before != "payment"
    payment = Category.objects.get(slug="payment")
    phrasings = [
        "모바일 기프티콘 등록",
        "기프티콘 잔액 확인",
        "기프티콘으로 사도 되나요",
        "받은 기프티콘 사용",
        "기프티콘 유효기간",
    ]
    for index, text in enumerate(phrasings * 2):
        case = make_case(subject="", body=f"{text} {index}번", category="other")
        actions.change_category(case, payment, actor=Actor(user=alice))
    version_id = retrain.call()
    version = ModelVersion.objects.get(pk=version_id)
    assert version.is_active, version.metrics
    assert version.metrics["accepted"]
    assert set(version.metrics["held_back"]) >= {"category_macro_f1", "overall"}
    assert training.active_model()[0].predict(*probe).category.value == "payment"


def test_retrain_keeps_the_old_model_when_the_new_one_scores_worse(teams: Any, active_seed_model: ModelVersion) -> None:
    # Labels that contradict themselves: no model learns them, so the candidate cannot beat the seed model.
    for index in range(15):
        Label.objects.create(body=f"배송 문의 {index}", category=["payment", "account", "other"][index % 3])
    for subject, body, category, priority, sentiment in SEED:
        Label.objects.create(subject=subject, body=body, category=category, priority=priority, sentiment=sentiment)
    version = training.retrain()
    assert version is not None
    active = ModelVersion.objects.get(is_active=True)
    if version.metrics["accepted"]:
        assert active == version
    else:
        assert active == active_seed_model
    assert version.metrics["held_back"]["overall"] >= 0


def test_needs_review_view_lists_only_doubtful_cases(
    alice: User, make_case: Callable[..., Case], client: Client
) -> None:
    doubtful, sure = make_case(subject="첫 번째"), make_case(subject="두 번째")
    Prediction.objects.filter(case=doubtful).update(needs_review=True)
    Prediction.objects.filter(case=sure).update(needs_review=False)
    client.force_login(alice)
    page = client.get("/workspace/?view=needs_review").content.decode()
    assert doubtful.reference in page
    assert sure.reference not in page


def test_third_open_case_about_one_order_is_urgent(teams: Any, make_case: Callable[..., Case]) -> None:
    first = make_case(subject="문의", body="상품 문의드립니다", order_number="HJ2611010001")
    second = make_case(subject="문의", body="상품 문의드립니다", order_number="HJ2611010001")
    other_order = make_case(subject="문의", body="상품 문의드립니다", order_number="HJ2611010002")
    third = make_case(subject="문의", body="상품 문의드립니다", order_number="HJ2611010001")
    priorities = [Prediction.objects.get(case=c).priority for c in (first, second, other_order, third)]
    assert priorities[3] == "urgent"
    assert "urgent" not in priorities[:3]


def test_without_a_model_rules_only_suggest(teams: Any, django_capture_on_commit_callbacks: Any) -> None:
    """A fresh install has no model: cue words fill the prediction, but only urgent rules change the case."""
    case = _open("", "비밀번호를 바꿨는데 로그인이 안 돼요", django_capture_on_commit_callbacks)
    prediction = Prediction.objects.get(case=case)
    assert prediction.model_version is None
    assert prediction.category == "account"
    assert prediction.needs_review
    assert case.category is None
    assert case.priority == "normal"


def test_an_english_message_is_handled_in_english(teams: Any, django_capture_on_commit_callbacks: Any) -> None:
    case = _open("Parcel", "Hi, my parcel has not arrived yet. Where is it?", django_capture_on_commit_callbacks)
    assert case.language == "en"
    assert case.events.filter(kind="language_changed", actor="system:triage").exists()
    korean = _open("", "배송 언제 되나요? tracking number도 알려 주세요", django_capture_on_commit_callbacks)
    assert korean.language == "ko"  # mixed counts as Korean


def test_admin_lists_model_versions_with_scores(root: User, client: Client) -> None:
    metrics = {"held_back": {"overall": 0.8123}, "previous": {"overall": 0.75}, "accepted": True}
    training.store(TriageModel(), metrics=metrics, trained_on=40, source="labels", activate=True)
    client.force_login(root)
    page = client.get("/admin/triage/modelversion/").content.decode()
    assert "0.8123" in page
    assert "0.75" in page
