"""Spike alerts end to end: daily counts from the cases, one spike per key and day, the leads' alert and mail,
and the one-click problem with the spike's cases linked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core import mail
from django.test import Client
from django.utils import timezone

from soridam.accounts.models import User
from soridam.alerts.models import Alert, AlertKind
from soridam.cases.models import Case
from soridam.rca.detection import detect_spikes
from soridam.rca.models import Spike


def _filed(case: Case, days_ago: int) -> None:
    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - timedelta(days=days_ago))


def test_a_category_spike_alerts_its_leads_and_becomes_a_problem_in_one_click(
    alice: User, lena: User, bob: User, make_case: Callable[..., Case], django_capture_on_commit_callbacks: Any
) -> None:
    for days_ago in range(1, 29):
        _filed(make_case(f"배송 문의 {days_ago}", category="delivery"), days_ago)
    today = [make_case(f"택배 박스 파손 {n}", category="delivery") for n in range(8)]
    mail.outbox.clear()  # the customers' acknowledgements
    with django_capture_on_commit_callbacks(execute=True):
        found = detect_spikes()
    assert [(spike.dimension, spike.key, spike.count) for spike in found] == [("category", "delivery", 8)]
    spike = found[0]
    assert spike.baseline == 1.0
    assert set(spike.case_ids) == {case.pk for case in today}
    alert = Alert.objects.get(kind=AlertKind.SPIKE)
    assert (alert.recipient, alert.detail) == (lena, str(spike.pk))
    assert [message.to for message in mail.outbox] == [["lena@shop.test"]]
    assert "/workspace/alerts/" in mail.outbox[0].body
    assert detect_spikes() == []  # once per key and day
    assert Spike.objects.count() == 1

    lead = Client()
    lead.force_login(lena)
    assert lead.get(f"/workspace/alerts/{alert.pk}/").url == f"/workspace/spikes/{spike.pk}/"
    page = lead.get(f"/workspace/spikes/{spike.pk}/")
    assert page.status_code == 200
    assert today[-1].reference in page.content.decode()
    created = lead.post(f"/workspace/spikes/{spike.pk}/")
    spike.refresh_from_db()
    assert spike.problem is not None
    assert created.url == f"/workspace/problems/{spike.problem.pk}/"
    assert set(spike.problem.cases.values_list("pk", flat=True)) == {case.pk for case in today}

    outsider = Client()
    outsider.force_login(bob)
    assert outsider.get(f"/workspace/spikes/{spike.pk}/").status_code == 404
