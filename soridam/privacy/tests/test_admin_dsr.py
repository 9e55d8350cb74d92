"""The admin side: a legal hold and a request recorded by a privacy officer; the restricted store closed to others."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from soridam.privacy.models_dsr import LegalHold, RequestState, SubjectRequest

pytestmark = pytest.mark.django_db


def test_an_officer_places_a_hold_and_records_a_request_in_the_admin(make_case: Any, root: Any) -> None:
    case = make_case()
    client = Client()
    client.force_login(root)
    hold = {"customer": case.customer_id, "case": "", "reason": "소송 대비 보존"}
    assert client.post(reverse("admin:privacy_legalhold_add"), hold).status_code == 302
    assert LegalHold.objects.get().placed_by == root

    asked = {"customer": case.customer_id, "kind": "access", "details": "전화로 요청"}
    assert client.post(reverse("admin:privacy_subjectrequest_add"), asked).status_code == 302
    item = SubjectRequest.objects.get()
    assert item.state == RequestState.OPEN
    assert item.via == "admin"
    assert item.due_at is not None


def test_the_restricted_store_is_closed_to_other_staff(lena: Any) -> None:
    lena.is_staff = True
    lena.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(lena)
    assert client.get(reverse("admin:privacy_retainedrecord_changelist")).status_code == 403
    assert client.get(reverse("admin:privacy_destructionlog_changelist")).status_code == 403
