"""Which macros a person may use and edit. Shared macros are the team's: leads and admins manage them."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from soridam.accounts.models import Role, User
from soridam.macros.models import Macro


def may_manage_shared_macros(user: User) -> bool:
    return user.is_support_staff and user.effective_role in (Role.LEAD, Role.ADMIN)


def macros_usable_by(user: User) -> QuerySet[Macro]:
    """The active shared macros and the user's own, for the composer."""
    if not user.is_support_staff:
        return Macro.objects.none()
    return Macro.objects.filter(Q(owner__isnull=True) | Q(owner=user), is_active=True)


def macros_editable_by(user: User) -> QuerySet[Macro]:
    if not user.is_support_staff:
        return Macro.objects.none()
    if may_manage_shared_macros(user):
        return Macro.objects.filter(Q(owner__isnull=True) | Q(owner=user))
    return Macro.objects.filter(owner=user)


def access_macro_for_edit(user: User, macro_id: int) -> Macro:
    """404 for a macro the user may not edit, like one that does not exist."""
    try:
        return macros_editable_by(user).get(pk=macro_id)
    except Macro.DoesNotExist:
        raise Http404 from None
