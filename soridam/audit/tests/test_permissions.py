"""R-SEC-11: grants, changes and revocations of permissions land in the audit log, in their own streams."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from soridam.accounts.models import Membership, Role, Team, User
from soridam.audit.models import AuditEntry
from soridam.audit.permissions import group_stream, user_stream
from soridam.audit.verify import verify_all

pytestmark = pytest.mark.django_db


def _entries(stream: str) -> list[tuple[str, str, Any]]:
    rows = AuditEntry.objects.filter(stream=stream).order_by("seq")
    return [(row.action, row.actor, row.data) for row in rows]


def test_a_new_user_and_changes_of_role_and_flags_are_recorded(teams: dict[str, Team]) -> None:
    user = User.objects.create_user(username="mina", password="pw", role=Role.AGENT)
    user.role, user.is_staff = Role.LEAD, True
    user.save()
    user.last_name = "Kim"
    user.save()  # no privilege changed: no entry
    user.is_active = False
    user.save(update_fields=["is_active"])
    flags = {"role": "agent", "is_staff": False, "is_superuser": False, "is_active": True}
    assert _entries(user_stream(user.pk)) == [
        ("user.created", "system:system", flags),
        ("user.privileges_changed", "system:system", {"role": ["agent", "lead"], "is_staff": [False, True]}),
        ("user.privileges_changed", "system:system", {"is_active": [True, False]}),
    ]


def test_groups_and_permissions_granted_and_revoked_from_either_side(alice: User, bob: User) -> None:
    group = Group.objects.create(name="auditors")
    view = Permission.objects.get(codename="view_auditentry")
    alice.groups.add(group)
    group.permissions.add(view)
    alice.user_permissions.add(view)
    alice.user_permissions.remove(view)
    group.user_set.add(bob)
    group.user_set.clear()
    assert [entry[::2] for entry in _entries(user_stream(alice.pk))][-4:] == [
        ("groups.granted", {"groups": ["auditors"]}),
        ("permissions.granted", {"permissions": ["audit.view_auditentry"]}),
        ("permissions.revoked", {"permissions": ["audit.view_auditentry"]}),
        ("groups.revoked", {"groups": ["auditors"]}),
    ]
    assert [entry[::2] for entry in _entries(user_stream(bob.pk))][-2:] == [
        ("groups.granted", {"groups": ["auditors"]}),
        ("groups.revoked", {"groups": ["auditors"]}),
    ]
    assert [entry[::2] for entry in _entries(group_stream(group.pk))] == [
        ("permissions.granted", {"permissions": ["audit.view_auditentry"]})
    ]
    assert verify_all() == []


def test_team_lead_changes_are_recorded(alice: User, teams: dict[str, Team]) -> None:
    membership = Membership.objects.get(user=alice)
    membership.is_lead = True
    membership.save()
    membership.delete()
    team = teams["delivery"].pk
    assert [entry[::2] for entry in _entries(user_stream(alice.pk))][-3:] == [
        ("team.joined", {"team": team, "is_lead": False}),
        ("team.lead_changed", {"team": team, "is_lead": True}),
        ("team.left", {"team": team, "is_lead": True}),
    ]


def test_a_grant_made_in_the_admin_names_the_admin(root: User) -> None:
    client = Client()
    client.force_login(root)
    view = Permission.objects.get(codename="view_auditentry")
    response = client.post("/admin/auth/group/add/", {"name": "reviewers", "permissions": [view.pk]})
    assert response.status_code == 302
    group = Group.objects.get(name="reviewers")
    assert _entries(group_stream(group.pk)) == [
        ("permissions.granted", f"user:{root.pk}", {"permissions": ["audit.view_auditentry"]})
    ]
