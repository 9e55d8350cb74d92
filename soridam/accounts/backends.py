"""Django's model backend, with a user's permissions read in one query instead of two.

``ModelBackend.get_all_permissions`` reads the user's own permissions and their groups' in two queries; every
staff page that checks a permission (the case page's "Open a dispute" button, bench/case_page.py) paid both.
The answer and its per-request cache (``_perm_cache`` on the user) are Django's. The statement is written
once: building and compiling the ORM's ``UNION`` of two joined querysets cost more CPU than PostgreSQL took
to answer it, on every case page of an agent (bench/case_page.py).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from soridam.accounts.models import User


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
    with connection.cursor() as cursor:
        cursor.execute(_own_and_group_permissions(), [user.pk, user.pk])
        return cursor.fetchall()


@cache
def _own_and_group_permissions() -> str:
    """The ORM's union of the user's own and their groups' permissions, table names from the models."""
    permission, content_type = Permission._meta.db_table, ContentType._meta.db_table
    user_permissions = User.user_permissions.through._meta.db_table
    user_groups = User.groups.through._meta.db_table
    group_permissions = Group.permissions.through._meta.db_table
    # Only the models' own table names go into the text; the user's id is a parameter.
    return f"""
        SELECT ct.app_label, p.codename FROM {permission} p
          JOIN {content_type} ct ON ct.id = p.content_type_id
          JOIN {user_permissions} up ON up.permission_id = p.id
         WHERE up.user_id = %s
        UNION
        SELECT ct.app_label, p.codename FROM {permission} p
          JOIN {content_type} ct ON ct.id = p.content_type_id
          JOIN {group_permissions} gp ON gp.permission_id = p.id
          JOIN {user_groups} ug ON ug.group_id = gp.group_id
         WHERE ug.user_id = %s"""  # noqa: S608
