from __future__ import annotations

import pytest
from django.test import Client

from soridam.accounts.models import User
from soridam.sla.models import BusinessCalendar, SlaPolicy

pytestmark = pytest.mark.django_db


def test_admin_cannot_delete_cached_sla_configuration(
    root: User, client: Client, policy: SlaPolicy, office: BusinessCalendar
) -> None:
    """Other processes may still hold these rows for a few seconds; deactivating is the way to retire them."""
    client.force_login(root)
    assert client.get(f"/admin/sla/slapolicy/{policy.pk}/delete/").status_code == 403
    assert client.post(f"/admin/sla/businesscalendar/{office.pk}/delete/", {"post": "yes"}).status_code == 403
    assert SlaPolicy.objects.filter(pk=policy.pk).exists()
    assert BusinessCalendar.objects.filter(pk=office.pk).exists()
    assert client.get(f"/admin/sla/slapolicy/{policy.pk}/change/").status_code == 200
