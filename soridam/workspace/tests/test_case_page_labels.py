"""The case page says each thing once, in people's words (issue 11, item 10)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import translation

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, TimelineEvent
from soridam.cases.stages import bilingual_label
from soridam.workspace.forms import stage_option_label

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_korean_stage_labels_are_not_doubled(alice_client: Client, make_case: Callable[..., Case]) -> None:
    case = make_case()
    page = _text(alice_client.get(f"/workspace/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode())
    assert "접수" in page
    assert "접수 접수" not in page
    assert "분류 (분류)" not in page
    assert "(분류)" not in page


def test_english_stage_labels_keep_the_korean_name_beside_them() -> None:
    with translation.override("en"):
        assert bilingual_label("classification") == "Classification (분류)"
        assert stage_option_label("intake", "classification") == "Classification (분류)"
    with translation.override("ko"):
        assert bilingual_label("classification") == "분류"
        assert stage_option_label("intake", "classification") == "분류"


def test_the_timeline_names_the_assignee_by_display_name(
    alice: User, lena: User, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    alice.display_name, lena.display_name = "김앨리스", "이레나"
    alice.save(update_fields=["display_name"])
    lena.save(update_fields=["display_name"])
    case = make_case()
    actions.assign(case, alice, actor=Actor(user=lena))
    actions.assign(case, lena, actor=Actor(user=lena))

    page = _text(alice_client.get(f"/workspace/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode())
    assert "김앨리스 → 이레나" in page
    assert "alice → lena" not in page
    assert TimelineEvent.objects.filter(case=case, to_value="lena").exists()  # stored as usernames, for the API
