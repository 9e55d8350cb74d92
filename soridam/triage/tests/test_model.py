from __future__ import annotations

import pickle

import pytest

from soridam.triage import features, rules, training
from soridam.triage.classifier import TriageModel
from soridam.triage.models import ModelVersion
from soridam.triage.priority import Context
from soridam.triage.tests.conftest import seed_examples


def test_learns_categories_from_examples(seed_model: TriageModel) -> None:
    result = seed_model.predict("", "택배가 아직 안 왔어요 송장 조회도 안 되고요")
    assert result.category.value == "delivery"
    assert 0 < result.category.confidence <= 1
    assert seed_model.predict("", "로그인이 안 되고 비밀번호 재설정 메일도 안 와요").category.value == "account"


def test_safety_outranks_every_other_topic(seed_model: TriageModel) -> None:
    """LABELING.md precedence 1: a safety incident is a product case and urgent, even when it asks for a refund."""
    result = seed_model.predict("환불해 주세요", "충전하다가 배터리가 부풀어 오르고 타는 냄새가 났어요 환불해 주세요")
    assert (result.category.value, result.priority.value) == ("product", "urgent")
    assert result.signals == ["safety"]


def test_legal_threat_and_third_contact_are_urgent(seed_model: TriageModel) -> None:
    assert seed_model.predict("", "답이 없으면 소비자원에 신고하겠습니다").priority.value == "urgent"
    assert seed_model.predict("세 번째 문의", "아직도 교환이 안 됐어요").priority.value == "urgent"
    # The same customer's third open case about the same problem counts as a repeat complaint.
    third = seed_model.predict("", "언제 보내 주세요?", context=Context(same_problem_contacts=2))
    assert third.priority.value == "urgent"


def test_fraud_cue_needs_harm_to_be_urgent(seed_model: TriageModel) -> None:
    assert seed_model.predict("", "제가 안 한 결제가 세 건 찍혔어요").priority.value == "urgent"
    assert seed_model.predict("", "결제 실패인데 승인 문자는 왔어요").priority.value != "urgent"


def test_language_rules() -> None:
    assert rules.language("배송이 언제 되나요?")[0] == "ko"
    assert rules.language("Where is my parcel? I ordered last week.")[0] == "en"
    assert rules.language("tracking number를 못 받았어요")[0] == "mixed"
    # Acronyms, e-mail addresses, order numbers and handles keep a Korean message Korean.
    assert rules.language("PC방에서 A/S 문의요 HJ26102576966 ab@naver.com @haru")[0] == "ko"


def test_pii_types_are_reported(seed_model: TriageModel) -> None:
    result = seed_model.predict("", "제 번호는 010-1234-5678이고 메일은 ab@naver.com이에요")
    assert result.pii == ["phone", "email"]


def test_unfitted_model_runs_on_rules_with_low_confidence() -> None:
    result = TriageModel().predict("", "회원가입 인증 메일이 안 와요 로그인도 안 돼요")
    assert result.category.value == "account"
    assert result.category.confidence < 1
    assert result.low_confidence(0.95) == ["category", "priority", "sentiment"]


def test_a_fitted_model_pickles(seed_model: TriageModel) -> None:
    copy = pickle.loads(pickle.dumps(seed_model))  # noqa: S301 - our own object, round-tripped
    text = ("", "쿠폰이 적용이 안 돼요")
    assert copy.predict(*text).category == seed_model.predict(*text).category


def test_a_model_fitted_before_a_cue_group_was_added_still_predicts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Columns follow the cue groups of the fit, so growing the lexicon never breaks a trained model."""
    fewer = dict(list(features.CUE_GROUPS.items())[:-3])
    monkeypatch.setattr(features, "CUE_GROUPS", fewer)
    model = TriageModel().fit(seed_examples())
    monkeypatch.undo()
    assert model.fits_its_features()
    assert model.predict("배송이 너무 늦어요", "택배가 안 와요").category.value == "delivery"


@pytest.mark.django_db
def test_an_active_model_that_no_longer_fits_the_features_leaves_triage_to_the_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A model pickled by an older release (no recorded cue groups, fewer columns) would fail every case."""
    fewer = dict(list(features.CUE_GROUPS.items())[:-3])
    monkeypatch.setattr(features, "CUE_GROUPS", fewer)
    old = TriageModel().fit(seed_examples())
    assert old.features is not None
    del old.features.cue_groups_  # what a model fitted before this release looks like
    monkeypatch.undo()
    ModelVersion.objects.create(blob=training.dumps(old), is_active=True)
    model, version = training.active_model()
    assert version is None
    assert not model.classifiers
    assert model.predict("환불해 주세요", "결제가 두 번 됐어요").category.value  # the rules answer
