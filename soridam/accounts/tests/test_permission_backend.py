"""A user's own and their groups' permissions are read in one query (``accounts.backends``), with Django's
answers: granted directly or through a group, none for an inactive user, all for a superuser."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission

from soridam.accounts.models import User


def test_own_and_group_permissions_in_one_query(alice: User, django_assert_num_queries: Any) -> None:
    alice.user_permissions.add(Permission.objects.get(codename="open_dispute"))
    group = Group.objects.create(name="dispute staff")
    group.permissions.add(Permission.objects.get(codename="respond_dispute"))
    alice.groups.add(group)
    user = User.objects.get(pk=alice.pk)
    with django_assert_num_queries(1):
        assert user.get_all_permissions() == {"odr.open_dispute", "odr.respond_dispute"}
        assert user.has_perm("odr.open_dispute")
        assert user.has_perm("odr.respond_dispute")
        assert not user.has_perm("odr.add_dispute")
    assert user.get_user_permissions() == {"odr.open_dispute"}
    assert user.get_group_permissions() == {"odr.respond_dispute"}


def test_no_permissions_for_an_inactive_user(alice: User, django_assert_num_queries: Any) -> None:
    alice.user_permissions.add(Permission.objects.get(codename="open_dispute"))
    alice.is_active = False
    with django_assert_num_queries(0):
        assert not alice.has_perm("odr.open_dispute")


def test_a_superuser_has_every_permission(root: User) -> None:
    assert root.get_all_permissions() == {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
