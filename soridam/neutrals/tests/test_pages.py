"""The roster, the report and the selection pages: who may open them and what they do."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from soridam.cases.models import Case
from soridam.neutrals.access import objection_url
from soridam.neutrals.models import Decision, Draw, DrawState, Objection
from soridam.neutrals.tests.factories import make_dispute, make_neutral, make_shop
from soridam.odr.models import Dispute


@pytest.fixture
def dispute(make_case: Callable[..., Case], settings: Any) -> Dispute:
    settings.SORIDAM_ODR_MARKETPLACE = True
    return make_dispute(make_case(email="claimant@example.kr"), make_shop("merchant"))


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_roster_and_report_are_for_leads_and_admins(alice: Any, lena: Any, root: Any) -> None:
    neutral = make_neutral()
    assert signed_in(alice).get("/workspace/neutrals/").status_code == 403
    assert signed_in(alice).get("/workspace/neutrals/report/").status_code == 403
    page = signed_in(lena).get("/workspace/neutrals/")
    assert neutral.user.username in page.content.decode()
    report = signed_in(root).get("/workspace/neutrals/report/")
    assert report.status_code == 200
    assert neutral.user.username in report.content.decode()


def test_the_whole_flow_through_the_pages(dispute: Dispute, lena: Any, root: Any) -> None:
    neutral = make_neutral()
    assert signed_in(lena).post(f"/workspace/neutrals/disputes/{dispute.pk}/draw/").status_code == 302
    draw = Draw.objects.get(dispute=dispute)
    assert draw.neutral_id == neutral.pk
    assert signed_in(lena).get(f"/neutral/draws/{draw.pk}/disclosure/").status_code == 404  # not the neutral
    filed = signed_in(neutral.user).post(f"/neutral/draws/{draw.pk}/disclosure/", {"statement": "No ties."})
    assert filed.status_code == 200
    draw.refresh_from_db()
    assert draw.state == DrawState.OBJECTION_WINDOW
    link = urlsplit(objection_url(draw)).path
    assert Client().post(link, {"reason": "I doubt them."}).status_code == 200
    objection = Objection.objects.get(draw=draw)
    page = signed_in(root).get(f"/workspace/neutrals/disputes/{dispute.pk}/")
    assert "I doubt them." in page.content.decode()
    assert signed_in(lena).post(f"/workspace/neutrals/objections/{objection.pk}/decide/").status_code == 403
    draw.objection_deadline = timezone.now() - timedelta(minutes=1)
    draw.save(update_fields=["objection_deadline"])
    signed_in(root).post(f"/workspace/neutrals/objections/{objection.pk}/decide/", {"uphold": "0", "note": "ok"})
    objection.refresh_from_db()
    draw.refresh_from_db()
    assert (objection.decision, draw.state) == (Decision.DISMISSED, DrawState.APPOINTED)


def test_a_forged_objection_link_is_404(dispute: Dispute) -> None:
    assert Client().get("/neutral/object/not-a-signed-token/").status_code == 404


def test_staff_who_cannot_see_the_case_get_404(dispute: Dispute, bob: Any) -> None:
    assert signed_in(bob).get(f"/workspace/neutrals/disputes/{dispute.pk}/").status_code == 404
