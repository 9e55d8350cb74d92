"""The access log (R-SEC-5): views, searches, exports, edits and reveals of personal data, with account, time,
IP, data subject and reason; kept two years; reviewed monthly by the privacy officer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from soridam.accounts.models import User
from soridam.cases.models import Case
from soridam.privacy import access_log, retention
from soridam.privacy.models import AccessAction, AccessLog
from soridam.privacy.tests.data import RRN


def _client(user: User) -> Client:
    client = Client(REMOTE_ADDR="10.0.0.9")
    client.force_login(user)
    return client


def test_the_case_page_logs_one_view_with_its_data_subject(alice: User, pii_case: Case) -> None:
    assert _client(alice).get(f"/workspace/cases/{pii_case.pk}/").status_code == 200
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.case_id, entry.customer_id, entry.ip) == (
        alice,
        AccessAction.VIEW,
        pii_case.pk,
        pii_case.customer_id,
        "10.0.0.9",
    )


def test_the_customer_page_logs_a_view_and_a_note_an_edit(alice: User, pii_case: Case) -> None:
    client = _client(alice)
    assert client.get(f"/workspace/customers/{pii_case.customer_id}/").status_code == 200
    client.post(f"/workspace/customers/{pii_case.customer_id}/notes/", {"body": "VIP 고객"})
    actions = list(AccessLog.objects.order_by("id").values_list("action", "customer_id"))
    assert actions == [(AccessAction.VIEW, pii_case.customer_id), (AccessAction.EDIT, pii_case.customer_id)]


def test_a_search_is_logged_with_its_words_masked(alice: User, pii_case: Case) -> None:
    assert _client(alice).get("/workspace/search/", {"q": f"주민번호 {RRN}"}).status_code == 200
    entry = AccessLog.objects.get(action=AccessAction.SEARCH)
    assert entry.action == AccessAction.SEARCH
    assert entry.case_id is None
    assert RRN not in entry.detail
    assert "900101-1******" in entry.detail
    _client(alice).get("/workspace/search/", {"q": "26102920679"})  # a bare account number: no bank word near
    assert AccessLog.objects.order_by("-id")[0].detail == "*******0679"


def test_an_export_without_a_reason_is_refused_and_with_one_is_logged(root: User) -> None:
    client = _client(root)
    refused = client.post("/workspace/analytics/export.csv?days=7", {"reason": "  "})
    assert refused.status_code == 302
    assert "text/csv" not in refused.get("Content-Type", "")
    assert not AccessLog.objects.exists()
    assert client.get("/workspace/analytics/export.csv?days=7").status_code == 405  # no export by a bare link
    done = client.post("/workspace/analytics/export.csv?days=7", {"reason": "월간 운영 보고"})
    assert done["Content-Type"].startswith("text/csv")
    b"".join(done.streaming_content)  # type: ignore[attr-defined]
    entry = AccessLog.objects.get()
    assert (entry.action, entry.reason) == (AccessAction.EXPORT, "월간 운영 보고")
    assert entry.detail.startswith("soridam-analytics-")


def test_the_monthly_report_lists_a_reveal_an_export_and_a_search_with_their_reasons(
    alice: User, lena: User, root: User, pii_case: Case
) -> None:
    message = pii_case.messages.get()
    lead = _client(lena)
    lead.post(f"/workspace/cases/{pii_case.pk}/messages/{message.pk}/reveal/", {"reason": "카드번호 확인 요청"})
    _client(root).post("/workspace/analytics/export.csv?days=7", {"reason": "월간 운영 보고"})
    _client(alice).get("/workspace/search/", {"q": "환불"})
    month = timezone.localdate().strftime("%Y-%m")
    assert _client(alice).get("/workspace/privacy/access-report/", {"month": month}).status_code == 403
    assert _client(lena).get("/workspace/privacy/access-report/", {"month": month}).status_code == 403
    page = _client(root).get("/workspace/privacy/access-report/", {"month": month})
    assert page.status_code == 200
    html = page.content.decode()
    assert "카드번호 확인 요청" in html
    assert "월간 운영 보고" in html
    rows = {row["user"]: row["counts"] for row in page.context["rows"]}
    columns = [action for action, _label in page.context["actions"]]
    assert rows["alice"][columns.index("search")] == 1
    assert rows["lena"][columns.index("reveal")] == 1
    assert rows["root"][columns.index("export")] == 1
    reasoned = [(e.action, e.reason) for e in page.context["report"].reasoned]
    assert reasoned == [(AccessAction.REVEAL, "카드번호 확인 요청"), (AccessAction.EXPORT, "월간 운영 보고")]
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    earlier = _client(root).get("/workspace/privacy/access-report/", {"month": last_month})
    assert earlier.context["rows"] == []
    assert _client(root).get("/workspace/privacy/access-report/", {"month": "2026-13"}).status_code == 400


def test_an_unusual_volume_is_flagged(alice: User, bob: User, lena: User) -> None:
    AccessLog.objects.bulk_create(
        [AccessLog(user=alice, action=AccessAction.VIEW) for _ in range(200)]
        + [AccessLog(user=bob, action=AccessAction.VIEW) for _ in range(20)]
        + [AccessLog(user=lena, action=AccessAction.SEARCH) for _ in range(30)]
    )
    report = access_log.monthly_report(timezone.localdate().replace(day=1))
    assert report.unusual == ["alice"]


@pytest.mark.django_db
def test_entries_are_kept_two_years_then_purged(alice: User) -> None:
    now = timezone.now()
    old = AccessLog.objects.create(user=alice, action=AccessAction.VIEW, created_at=now - timedelta(days=731))
    kept = AccessLog.objects.create(user=alice, action=AccessAction.VIEW, created_at=now - timedelta(days=729))
    with time_machine.travel(now, tick=False):
        retention.purge()  # the access log's retention class: two years (SORIDAM_RETENTION_MONTHS)
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not AccessLog.objects.filter(pk=old.pk).exists()


def test_the_report_month_defaults_to_the_last_one() -> None:
    with time_machine.travel("2026-03-15 12:00 +0900", tick=False):
        assert access_log.report_month("") == date(2026, 2, 1)
    assert access_log.report_month("2025-12") == date(2025, 12, 1)
    assert access_log.report_month("bad") is None
