"""The admin lists cases, read-only and masked, and names every model in Korean (issue 11, item 10)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib import admin
from django.test import Client
from django.utils import translation

from soridam.accounts.models import User
from soridam.cases.models import Case

pytestmark = pytest.mark.django_db

OUR_APPS = {"accounts", "audit", "customers", "cases", "notifications", "followup", "routing", "sla", "triage", "kb"}
OUR_APPS |= {"privacy", "search", "soridam_channels", "django_tasks_database"}


@pytest.fixture
def root_client(root: User) -> Client:
    client = Client()
    client.force_login(root)
    return client


def test_the_admin_lists_cases_with_masked_subjects_and_filters(
    root_client: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case(subject="010-1234-5678로 연락 주세요")
    make_case(subject="다른 문의", email="lee@example.kr")

    page = root_client.get("/admin/cases/case/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert case.reference in page
    assert "010-1234-5678" not in page
    assert f"/workspace/cases/{case.pk}/" in page
    assert "상태" in page  # the status filter, in Korean
    found = root_client.get("/admin/cases/case/", {"q": case.reference}).content.decode()
    assert case.reference in found
    assert "다른 문의" not in found
    assert root_client.get("/admin/cases/case/", {"status__exact": "open"}).status_code == 200


def test_cases_cannot_be_added_changed_or_deleted_in_the_admin(
    root_client: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    assert root_client.get("/admin/cases/case/add/").status_code == 403
    assert root_client.post(f"/admin/cases/case/{case.pk}/delete/", {"post": "yes"}).status_code == 403
    detail = root_client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert case.subject not in detail  # customer text stays out of the form
    assert Case.objects.filter(pk=case.pk).exists()


def test_every_model_of_ours_has_a_korean_name_in_the_admin() -> None:
    english = []
    with translation.override("ko"):
        for model in admin.site._registry:
            meta = model._meta
            if meta.app_label in OUR_APPS and not re.search("[가-힣]", str(meta.verbose_name_plural)):
                english.append(f"{meta.app_label}.{model.__name__}: {meta.verbose_name_plural}")
    assert english == []
