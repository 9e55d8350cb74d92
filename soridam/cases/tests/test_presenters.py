"""The stage bar that the tracking page and the agent's case page both show, and the category names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from soridam.cases.models import Case
from soridam.cases.models import Category as CaseCategory
from soridam.cases.presenters import stage_steps
from soridam.kb.models import Category as ArticleCategory


def test_without_a_case_every_stage_is_still_to_come() -> None:
    steps = stage_steps()
    assert [step.value for step in steps] == [
        "intake", "classification", "investigation", "resolution", "notification", "follow_up"
    ]  # fmt: skip
    assert {step.state for step in steps} == {"todo"}
    assert {step.entered_at for step in steps} == {None}
    assert steps[0].korean == "접수"


def test_a_case_marks_the_stages_behind_it_done_and_says_when_it_entered_them() -> None:
    entered = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    case = Case(stage="investigation", intake_at=entered, classification_at=entered)
    steps = stage_steps(case)
    assert [step.state for step in steps] == ["done", "done", "current", "todo", "todo", "todo"]
    assert [step.entered_at for step in steps[:2]] == [entered, entered]
    assert steps[3].entered_at is None


@pytest.mark.parametrize("model", [CaseCategory, ArticleCategory])
@pytest.mark.parametrize(
    ("language", "name"), [("ko", "배송"), ("ko-kr", "배송"), ("en", "Delivery"), ("", "Delivery")]
)
def test_a_category_is_named_in_korean_for_any_korean_and_in_english_otherwise(
    model: type[CaseCategory] | type[ArticleCategory], language: str, name: str
) -> None:
    assert model(name_ko="배송", name_en="Delivery").name_for(language) == name
