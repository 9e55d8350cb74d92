"""Account lockout (R-SEC-2): after ``SORIDAM_LOCKOUT_FAILURES`` failed passwords or second-factor codes in a
row, the account refuses every sign-in for ``SORIDAM_LOCKOUT_MINUTES``, the right password included.

Kept on the user row, not in the cache: a lockout must survive a cache flush and hold across processes. The
per-minute rate limit per address and account (lib.ratelimit) still applies in front of it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from soridam.accounts.models import User


def account_named(username: str) -> User | None:
    """The account a sign-in form names, matched as Django's ModelBackend matches it."""
    name = str(username or "").strip()
    if not name:
        return None
    return User.objects.filter(**{User.USERNAME_FIELD: name}).first()


def locked_until(user: User | None) -> datetime | None:
    if user is None or user.locked_until is None or user.locked_until <= timezone.now():
        return None
    return user.locked_until


def register_failure(user: User | None) -> datetime | None:
    """Count one failed password or code; lock the account when it reaches the limit. The lock's end, or None."""
    if user is None:
        return None
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        fresh = User.objects.select_for_update().get(pk=user.pk)
        if fresh.failed_logins >= settings.SORIDAM_LOCKOUT_FAILURES:
            fresh.locked_until = timezone.now() + timedelta(minutes=settings.SORIDAM_LOCKOUT_MINUTES)
            fresh.failed_logins = 0
            fresh.save(update_fields=["locked_until", "failed_logins"])
    user.failed_logins, user.locked_until = fresh.failed_logins, fresh.locked_until
    return locked_until(fresh)


def clear_failures(user: User) -> None:
    """A full sign-in (password, and the code when one is needed) starts the count again."""
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        user.failed_logins, user.locked_until = 0, None


def locked_message(until: datetime) -> str:
    minutes = max(1, round((until - timezone.now()).total_seconds() / 60))
    return _(
        "This account is locked after too many failed attempts. Try again in %(minutes)d minutes, or ask an admin."
    ) % {"minutes": minutes}
