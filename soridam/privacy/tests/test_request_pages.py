"""Data-subject requests end to end: the tracking page with a code sent through the outbox, the officer's pages,
the overdue alert, and the limits on optional messages (suspension, under 14 without a guardian's consent)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from soridam.audit.actors import Actor
from soridam.audit.models import AuditEntry
from soridam.cases import actions
from soridam.cases.models import Case
from soridam.followup.models import Survey
from soridam.notifications.models import NotificationKind, OutboundMessage
from soridam.privacy import dsr, guardian
from soridam.privacy.models_dsr import PrivacyProfile, RequestKind, RequestState, SubjectRequest

pytestmark = pytest.mark.django_db


def _ask(client: Client, case: Case, kind: str, capture: Any) -> SubjectRequest:
    with capture(execute=True):
        response = client.post(reverse("web:privacy_request", args=[case.tracking_token]), {"kind": kind})
    assert response.status_code == 302
    return SubjectRequest.objects.get(case=case)


def test_a_customer_asks_from_the_tracking_page_and_confirms_with_the_mailed_code(
    make_case: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = make_case(email="minji@example.kr")
    client = Client()
    pending = _ask(client, case, RequestKind.ACCESS, django_capture_on_commit_callbacks)
    assert pending.state == RequestState.AWAITING_CODE
    assert pending.due_at is None

    sent = OutboundMessage.objects.get(case=case, kind=NotificationKind.PRIVACY_CODE)
    assert sent.recipient == "minji@example.kr"
    assert sent.state == "sent"
    body = smtp_server.messages[-1][1].get_body(("plain",)).get_content()
    code = re.search(r"(?:code is|코드는) (\d{6})", body).group(1)  # type: ignore[union-attr]
    assert code not in json.dumps(list(SubjectRequest.objects.values()), default=str)  # only its hash is stored

    url = reverse("web:privacy_confirm", args=[case.tracking_token, pending.pk])
    assert client.post(url, {"code": "000000" if code != "000000" else "111111"}).status_code == 400
    response = client.post(url, {"code": code})
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.state == RequestState.OPEN
    assert pending.due_at is not None
    assert pending.due_at - pending.received_at >= timedelta(days=12)


def test_five_wrong_codes_void_the_request(make_case: Any, django_capture_on_commit_callbacks: Any) -> None:
    case = make_case()
    client = Client()
    pending = _ask(client, case, RequestKind.ERASURE, django_capture_on_commit_callbacks)
    url = reverse("web:privacy_confirm", args=[case.tracking_token, pending.pk])
    for _attempt in range(6):
        client.post(url, {"code": "999999"})
    pending.refresh_from_db()
    assert pending.state == RequestState.REFUSED


def test_another_cases_link_cannot_confirm_a_request(make_case: Any, django_capture_on_commit_callbacks: Any) -> None:
    mine, other = make_case(), make_case(email="other@example.kr")
    pending = _ask(Client(), mine, RequestKind.ACCESS, django_capture_on_commit_callbacks)
    url = reverse("web:privacy_confirm", args=[other.tracking_token, pending.pk])
    assert Client().get(url).status_code == 404


def test_the_officer_exports_and_erases_from_the_workspace(make_case: Any, root: Any, alice: Any) -> None:
    case = make_case(name="박서준", email="seojun@example.kr")
    item = dsr.open_request(case.customer, RequestKind.ERASURE, actor=Actor(user=root), via="staff")
    agent = Client()
    agent.force_login(alice)
    assert agent.get(reverse("privacy:requests")).status_code == 403
    assert agent.get(reverse("privacy:export", args=[item.pk])).status_code == 403

    officer = Client()
    officer.force_login(root)
    assert "박서준" not in officer.get(reverse("privacy:requests")).content.decode()  # the list shows numbers
    bundle = zipfile.ZipFile(io.BytesIO(officer.get(reverse("privacy:export", args=[item.pk])).content))
    assert "seojun@example.kr" in bundle.read("personal-data.json").decode()
    assert "박서준" in bundle.read("personal-data.html").decode()

    assert officer.post(reverse("privacy:carry_out", args=[item.pk])).status_code == 302
    item.refresh_from_db()
    case.customer.refresh_from_db()
    assert item.state == RequestState.DONE
    assert case.customer.email == ""
    assert "cases.Message" in {kept["model"] for kept in item.outcome["kept"]}
    page = officer.get(reverse("privacy:request", args=[item.pk])).content.decode()
    assert "전자상거래법" in page


def test_the_officer_corrects_a_customers_details(make_case: Any, root: Any) -> None:
    case = make_case(name="김민지")
    item = dsr.open_request(case.customer, RequestKind.CORRECTION, actor=Actor(user=root), via="staff")
    officer = Client()
    officer.force_login(root)
    data = {"name": "김민주", "email": "minju@example.kr", "phone": ""}
    assert officer.post(reverse("privacy:correct", args=[item.pk]), data).status_code == 302
    case.customer.refresh_from_db()
    assert (case.customer.name, case.customer.email) == ("김민주", "minju@example.kr")


def test_overdue_requests_are_mailed_to_the_privacy_officers_once(make_case: Any, root: Any) -> None:
    case = make_case()
    item = dsr.open_request(case.customer, RequestKind.ACCESS, actor=Actor(user=root), via="staff")
    later = item.due_at + timedelta(minutes=1)  # type: ignore[operator]
    assert dsr.alert_overdue(now=item.due_at - timedelta(minutes=1)) == 0  # type: ignore[operator]
    assert dsr.alert_overdue(now=later) == 1
    assert dsr.alert_overdue(now=later) == 0
    alerts = [message for message in mail.outbox if message.to == ["root@shop.test"]]
    assert len(alerts) == 1
    assert f"#{item.pk}" in alerts[0].body


def test_a_suspended_customer_gets_replies_but_no_survey_or_state_messages(
    make_case: Any, alice: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = make_case()
    dsr.suspend(case.customer, actor=Actor(user=alice))
    with django_capture_on_commit_callbacks(execute=True):
        actions.reply(case, "답변드립니다.", actor=Actor(user=alice))
        actions.change_status(case, "solved", actor=Actor(user=alice))
    kinds = set(OutboundMessage.objects.filter(case=case).values_list("kind", flat=True))
    assert NotificationKind.AGENT_REPLY in kinds
    assert not kinds & {NotificationKind.CASE_SOLVED, NotificationKind.SURVEY_REQUEST}
    assert not Survey.objects.filter(case=case).exists()


def test_an_under_14_customer_gets_optional_messages_only_after_the_guardian_consents(
    make_case: Any, alice: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = make_case()
    agent = Client()
    agent.force_login(alice)
    url = reverse("privacy:guardian_consent", args=[first.customer_id])
    agent.post(url, {"under_14": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_status(first, "solved", actor=Actor(user=alice))
    assert not Survey.objects.filter(case=first).exists()

    page = agent.get(reverse("workspace:customer", args=[first.customer_id])).content.decode()
    assert "Record the guardian" in page or "법정대리인 동의 기록" in page
    agent.post(url, {"how": "보호자 동의서 이메일 접수"})
    profile = PrivacyProfile.objects.get(customer=first.customer)
    assert profile.guardian_consent_by == alice
    assert profile.guardian_consent_at is not None
    assert profile.guardian_consent_how == "보호자 동의서 이메일 접수"
    second = make_case()
    assert second.customer_id == first.customer_id
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_status(second, "solved", actor=Actor(user=alice))
    assert Survey.objects.filter(case=second).exists()


def test_marking_under_14_is_audited(make_case: Any, alice: Any) -> None:
    case = make_case()
    guardian.mark_under_14(case.customer, actor=Actor(user=alice))
    assert PrivacyProfile.objects.get(customer=case.customer).needs_guardian_consent
    assert AuditEntry.objects.filter(action="privacy.under_14_marked", stream=f"customers.customer:{case.customer_id}")
