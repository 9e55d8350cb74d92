"""Django's model backend, with a user's permissions read in one query instead of two.

``ModelBackend.get_all_permissions`` reads the user's own permissions and their groups' in two queries; every
staff page that checks a permission (the case page's "Open a dispute" button, bench/case_page.py) paid both.
The answer and its per-request cache (``_perm_cache`` on the user) are Django's.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class PermissionsInOneQuery(ModelBackend):
    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in _permission_rows(user_obj)}
        cached: set[str] = user_obj._perm_cache
        return cached


def _permission_rows(user: Any) -> Any:
    if user.is_superuser:
        return Permission.objects.values_list("content_type__app_label", "codename").order_by()
    own = Permission.objects.filter(user=user).values_list("content_type__app_label", "codename").order_by()
    of_groups = Permission.objects.filter(group__user=user).values_list("content_type__app_label", "codename")
    return own.union(of_groups.order_by())
