"""Which saved views a person sees and may change. Shared views belong to the team: leads and admins manage them."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from soridam.accounts.models import Role, User
from soridam.saved_views.models import SavedView

# The sidebar lists at most this many; each one costs a capped count.
MAX_LISTED = 30


def may_manage_shared_views(user: User) -> bool:
    return user.is_support_staff and user.effective_role in (Role.LEAD, Role.ADMIN)


def saved_views_visible_to(user: User) -> QuerySet[SavedView]:
    """The user's own views and every shared one, shared first."""
    if not user.is_support_staff:
        return SavedView.objects.none()
    return SavedView.objects.filter(Q(owner=user) | Q(is_shared=True)).order_by("-is_shared", "position", "name", "id")


def saved_views_editable_by(user: User) -> QuerySet[SavedView]:
    if not user.is_support_staff:
        return SavedView.objects.none()
    if may_manage_shared_views(user):
        return SavedView.objects.filter(Q(owner=user) | Q(is_shared=True))
    return SavedView.objects.filter(owner=user, is_shared=False)


def access_saved_view(user: User, view_id: int) -> SavedView:
    """404 for a view the user may not see, like one that does not exist."""
    return _get(saved_views_visible_to(user), view_id)


def access_saved_view_for_edit(user: User, view_id: int) -> SavedView:
    return _get(saved_views_editable_by(user), view_id)


def _get(views: QuerySet[SavedView], view_id: int) -> SavedView:
    try:
        return views.get(pk=view_id)
    except SavedView.DoesNotExist:
        raise Http404 from None


def may_edit_saved_view(user: User, view: SavedView) -> bool:
    """The same rule as ``saved_views_editable_by``, for a view already loaded (no query)."""
    if not user.is_support_staff:
        return False
    if view.is_shared:
        return may_manage_shared_views(user)
    return view.owner_id == user.pk
