"""R-SEC-11: every grant, change and revocation of a permission goes to the audit log, in a stream of its own.

What counts: a user's role, is_staff, is_superuser and is_active (created, changed, deleted); a user's
groups and direct permissions; a group's permissions; team memberships and the team-lead flag (soridam's
roles). They change in the admin (users, groups, teams), in ``createsuperuser`` and ``changepassword``-style
commands, in the demo seed and in the shell; django.contrib.auth offers no hook for its many-to-many
changes other than ``m2m_changed``. These receivers are therefore signals, and they are for the AUDIT
only: the house rule against signals is about domain logic, which stays in actions; a receiver here only
appends an entry, in the saving transaction. Who did it is the request's user
(``audit.middleware.AuditActorMiddleware``), else the system.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import ForeignKey, Model, signals

from soridam.accounts.models import Membership, User
from soridam.audit.actors import SYSTEM, Actor
from soridam.audit.audit import PERMISSION_STREAM_PREFIX, record_in_stream

WATCHED_USER_FIELDS = ("role", "is_staff", "is_superuser", "is_active")
request_user: ContextVar[Any] = ContextVar("audit_request_user", default=None)


def current_actor() -> Actor:
    user = request_user.get()
    if hasattr(user, "resolve"):  # the middleware's lazy holder of request.user
        user = user.resolve()
    if isinstance(user, User) and user.is_authenticated:
        return Actor(user=user)
    return SYSTEM


def user_stream(user_id: int) -> str:
    return f"{PERMISSION_STREAM_PREFIX}user:{user_id}"


def group_stream(group_id: int) -> str:
    return f"{PERMISSION_STREAM_PREFIX}group:{group_id}"


def _flags(user: User) -> dict[str, Any]:
    return {field: getattr(user, field) for field in WATCHED_USER_FIELDS}


def _user_before_save(sender: type[Model], instance: User, raw: bool, update_fields: Any, **_: Any) -> None:
    if raw or instance.pk is None or (update_fields is not None and not set(update_fields) & set(WATCHED_USER_FIELDS)):
        instance._audit_before = None  # type: ignore[attr-defined]
        return
    before = User.objects.filter(pk=instance.pk).values(*WATCHED_USER_FIELDS).first()
    instance._audit_before = before  # type: ignore[attr-defined]


def _user_saved(sender: type[Model], instance: User, created: bool, raw: bool, **_: Any) -> None:
    if raw:
        return
    if created:
        record_in_stream(current_actor(), "user.created", stream=user_stream(instance.pk), data=_flags(instance))
        return
    before = getattr(instance, "_audit_before", None)
    if not before:
        return
    changes = {field: [before[field], value] for field, value in _flags(instance).items() if before[field] != value}
    if changes:
        record_in_stream(current_actor(), "user.privileges_changed", stream=user_stream(instance.pk), data=changes)


def _user_deleted(sender: type[Model], instance: User, **_: Any) -> None:
    record_in_stream(current_actor(), "user.deleted", stream=user_stream(instance.pk), data=_flags(instance))


def _names(model: type[Model], pks: set[int]) -> list[str]:
    if model is Permission:
        rows = Permission.objects.filter(pk__in=pks).select_related("content_type")
        return sorted(f"{row.content_type.app_label}.{row.codename}" for row in rows)
    if model is Group:
        return sorted(Group.objects.filter(pk__in=pks).values_list("name", flat=True))
    return sorted(str(pk) for pk in pks)


def _m2m_changed(
    sender: type[Model], instance: Model, action: str, reverse: bool, model: type[Model], pk_set: Any, **_: Any
) -> None:
    """Groups of a user, permissions of a user or group, from either side; a clear is read before it runs."""
    if action == "pre_clear":
        instance._audit_cleared = set(_related(sender, instance, reverse))  # type: ignore[attr-defined]
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    pks = set(pk_set or ()) if action != "post_clear" else getattr(instance, "_audit_cleared", set())
    if not pks:
        return
    verb = "granted" if action == "post_add" else "revoked"
    kind = "groups" if Group in (model, type(instance)) and User in (model, type(instance)) else "permissions"
    for holder, others in _holders(instance, model, pks):
        stream = user_stream(holder.pk) if isinstance(holder, User) else group_stream(holder.pk)
        record_in_stream(current_actor(), f"{kind}.{verb}", stream=stream, data={kind: _names(others[0], others[1])})


def _related(sender: type[Model], instance: Model, reverse: bool) -> list[int]:
    """The pks on the other side of ``instance`` in the through table ``sender``."""
    own, other = _through_columns(sender, type(instance))
    return list(sender.objects.filter(**{own: instance.pk}).values_list(other, flat=True))  # type: ignore[attr-defined]


def _through_columns(sender: type[Model], holder: type[Model]) -> tuple[str, str]:
    fields = [field for field in sender._meta.fields if isinstance(field, ForeignKey)]
    own = next(field for field in fields if field.related_model is holder)
    other = next(field for field in fields if field is not own)
    return own.attname, other.attname


def _holders(instance: Model, model: type[Model], pks: set[int]) -> list[tuple[Model, tuple[type[Model], set[int]]]]:
    """Whose stream records the change: a user's (their groups or permissions), else the group's. From the
    reverse side (``group.user_set.add``) each user named gets the entry with the group's name."""
    if isinstance(instance, User) or isinstance(instance, Group) and model is Permission:
        return [(instance, (model, pks))]
    if isinstance(instance, Group) and model is User:
        return [(user, (Group, {instance.pk})) for user in User.objects.filter(pk__in=pks)]
    # A permission's users or groups (permission.user_set.add): each holder gets the entry.
    return [(holder, (Permission, {instance.pk})) for holder in model.objects.filter(pk__in=pks)]  # type: ignore[attr-defined]


def _membership_before_save(sender: type[Model], instance: Membership, raw: bool, **_: Any) -> None:
    before = None if raw or instance.pk is None else Membership.objects.filter(pk=instance.pk).values("is_lead").first()
    instance._audit_before = before  # type: ignore[attr-defined]


def _membership_saved(sender: type[Model], instance: Membership, created: bool, raw: bool, **_: Any) -> None:
    if raw:
        return
    data = {"team": instance.team_id, "is_lead": instance.is_lead}
    before = getattr(instance, "_audit_before", None)
    if created:
        record_in_stream(current_actor(), "team.joined", stream=user_stream(instance.user_id), data=data)
    elif before is not None and before["is_lead"] != instance.is_lead:
        record_in_stream(current_actor(), "team.lead_changed", stream=user_stream(instance.user_id), data=data)


def _membership_deleted(sender: type[Model], instance: Membership, **_: Any) -> None:
    data = {"team": instance.team_id, "is_lead": instance.is_lead}
    record_in_stream(current_actor(), "team.left", stream=user_stream(instance.user_id), data=data)


def _group_deleted(sender: type[Model], instance: Group, **_: Any) -> None:
    record_in_stream(current_actor(), "group.deleted", stream=group_stream(instance.pk), data={"name": instance.name})


def connect() -> None:
    """Called once from ``AuditConfig.ready``; ``dispatch_uid`` keeps a second call harmless."""
    uid = "soridam.audit.permissions"
    signals.pre_save.connect(_user_before_save, sender=User, dispatch_uid=f"{uid}.user_pre")
    signals.post_save.connect(_user_saved, sender=User, dispatch_uid=f"{uid}.user_post")
    signals.post_delete.connect(_user_deleted, sender=User, dispatch_uid=f"{uid}.user_delete")
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        signals.m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"{uid}.{through.__name__}")
    signals.pre_save.connect(_membership_before_save, sender=Membership, dispatch_uid=f"{uid}.member_pre")
    signals.post_save.connect(_membership_saved, sender=Membership, dispatch_uid=f"{uid}.member_post")
    signals.post_delete.connect(_membership_deleted, sender=Membership, dispatch_uid=f"{uid}.member_delete")
    signals.post_delete.connect(_group_deleted, sender=Group, dispatch_uid=f"{uid}.group_delete")
