"""The repeat-contact flag: ≥ 3 cases in one category within 30 days, both configurable (R-CRM-3, seed 001)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from soridam.cases.models import Case, Status
from soridam.customers.profile import repeat_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_days_ago(make_case: Callable[..., Case]) -> Callable[..., Case]:
    def make(days: float, category: str = "delivery") -> Case:
        case = make_case(f"문의 {days}", category=category)
        Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - timedelta(days=days))
        return case

    return make


def test_two_cases_in_a_category_are_not_a_repeat_contact(case_days_ago: Callable[..., Case]) -> None:
    case = case_days_ago(1)
    case_days_ago(2)
    assert repeat_contact(case.customer_id) is None


def test_the_third_case_in_one_category_within_30_days_flags_the_customer(case_days_ago: Callable[..., Case]) -> None:
    case = case_days_ago(0)
    case_days_ago(10)
    case_days_ago(29.9)
    flag = repeat_contact(case.customer_id)
    assert flag is not None
    assert (flag.category_slug, flag.count, flag.days) == ("delivery", 3, 30)
    assert flag.category_name("ko") == "배송"


def test_a_case_older_than_the_window_does_not_count(case_days_ago: Callable[..., Case]) -> None:
    case = case_days_ago(0)
    case_days_ago(10)
    case_days_ago(30.1)
    assert repeat_contact(case.customer_id) is None


def test_three_cases_in_three_categories_are_not_a_repeat_contact(case_days_ago: Callable[..., Case]) -> None:
    case = case_days_ago(0, "delivery")
    case_days_ago(1, "payment")
    case_days_ago(2, "product")
    assert repeat_contact(case.customer_id) is None


def test_merged_duplicates_do_not_count(case_days_ago: Callable[..., Case]) -> None:
    case = case_days_ago(0)
    case_days_ago(1)
    duplicate = case_days_ago(2)
    Case.objects.filter(pk=duplicate.pk).update(status=Status.MERGED)
    assert repeat_contact(case.customer_id) is None


@override_settings(SORIDAM_REPEAT_CONTACT_CASES=2, SORIDAM_REPEAT_CONTACT_DAYS=7)
def test_the_threshold_and_the_window_are_settings(case_days_ago: Callable[..., Case]) -> None:
    case = case_days_ago(0)
    case_days_ago(6.9)
    flag = repeat_contact(case.customer_id)
    assert flag is not None
    assert (flag.count, flag.days) == (2, 7)
    case_days_ago(8)
    assert repeat_contact(case.customer_id) == flag
