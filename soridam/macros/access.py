"""Which macros a person may use and edit. Shared macros are the team's: leads and admins manage them."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from soridam.accounts.models import Role, User
from soridam.lib.process_copy import ProcessCopy
from soridam.macros.models import Macro, macro_changes


def may_manage_shared_macros(user: User) -> bool:
    return user.is_support_staff and user.effective_role in (Role.LEAD, Role.ADMIN)


def macros_usable_by(user: User) -> QuerySet[Macro]:
    """The active shared macros and the user's own, for the composer."""
    if not user.is_support_staff:
        return Macro.objects.none()
    return Macro.objects.filter(Q(owner__isnull=True) | Q(owner=user), is_active=True)


def _read_active() -> list[Macro]:
    return list(Macro.objects.filter(is_active=True))


# The case page's composer lists the macros on every view; they change when someone edits one. This process
# reads them again after it saves or deletes one, other processes within ``lib.process_copy.TTL_SECONDS``.
ACTIVE = ProcessCopy(_read_active, macro_changes)


def macros_listed_for(user: User) -> list[Macro]:
    """``macros_usable_by(user)`` in its order (name, id), from the per-process copy: for showing only; a macro
    sent with a reply is checked against the database (``workspace.forms.ComposeForm``)."""
    if not user.is_support_staff:
        return []
    return [macro for macro in ACTIVE.get() if macro.owner_id is None or macro.owner_id == user.pk]


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
