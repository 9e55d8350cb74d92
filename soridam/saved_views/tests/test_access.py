"""Who sees and who may change a saved view: the owner, a teammate, a lead, an admin, a customer."""

from __future__ import annotations

import pytest
from django.http import Http404

from soridam.accounts.models import Role, User
from soridam.saved_views.access import (
    access_saved_view,
    access_saved_view_for_edit,
    may_edit_saved_view,
    saved_views_editable_by,
    saved_views_visible_to,
)
from soridam.saved_views.models import SavedView

pytestmark = pytest.mark.django_db


@pytest.fixture
def views(alice: User, lena: User) -> dict[str, SavedView]:
    return {
        "alice": SavedView.objects.create(owner=alice, name="alice", priority="urgent", position=2),
        "lena": SavedView.objects.create(owner=lena, name="lena"),
        "shared": SavedView.objects.create(owner=lena, name="shared", is_shared=True, position=5),
    }


def test_each_person_sees_their_own_and_the_shared_views(
    alice: User, lena: User, bob: User, root: User, views: dict[str, SavedView]
) -> None:
    assert list(saved_views_visible_to(alice)) == [views["shared"], views["alice"]]  # shared first
    assert set(saved_views_visible_to(bob)) == {views["shared"]}
    assert set(saved_views_visible_to(lena)) == {views["lena"], views["shared"]}
    assert set(saved_views_visible_to(root)) == {views["shared"]}  # even admins don't read others' personal views
    customer = User.objects.create_user("kim", password="pw", role=Role.CUSTOMER)
    assert not saved_views_visible_to(customer).exists()
    with pytest.raises(Http404):
        access_saved_view(bob, views["alice"].pk)


def test_only_the_owner_edits_a_personal_view_and_only_leads_and_admins_a_shared_one(
    alice: User, lena: User, bob: User, root: User, views: dict[str, SavedView]
) -> None:
    expected = {
        alice: {views["alice"]},
        bob: set(),
        lena: {views["lena"], views["shared"]},
        root: {views["shared"]},
    }
    for user, editable in expected.items():
        assert set(saved_views_editable_by(user)) == editable, user
        for view in views.values():  # the no-query check agrees with the queryset
            assert may_edit_saved_view(user, view) == (view in editable), (user, view)
    with pytest.raises(Http404):
        access_saved_view_for_edit(alice, views["shared"].pk)
    assert access_saved_view_for_edit(root, views["shared"].pk) == views["shared"]


def test_an_agent_cannot_edit_a_shared_view_even_her_own(alice: User) -> None:
    view = SavedView.objects.create(owner=alice, name="from when she was a lead", is_shared=True)
    assert not may_edit_saved_view(alice, view)
    assert not saved_views_editable_by(alice).exists()


def test_params_are_only_the_filters_that_are_set() -> None:
    view = SavedView(name="x", view="mine", priority="high", sort="created_asc")
    assert view.params() == {"view": "mine", "priority": "high", "sort": "created_asc"}


def test_admin_lists_saved_views_under_their_korean_name(root: User, views: dict[str, SavedView]) -> None:
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(root)
    response = client.get("/admin/saved_views/savedview/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "저장된 문의함 보기" in html
    assert "shared" in html
    assert "alice" in html
