"""Account lockout (R-SEC-2): after ``SORIDAM_LOCKOUT_FAILURES`` failed passwords or second-factor codes in a
row, the account refuses every sign-in for ``SORIDAM_LOCKOUT_MINUTES``, the right password included.

Kept on the user row, not in the cache: a lockout must survive a cache flush and hold across processes. The
per-minute rate limit per address and account (lib.ratelimit) still applies in front of it.

A name that belongs to no account is counted and "locked" the same way, in the shared cache under a keyed hash of
the name: otherwise the lockout message after five tries would tell who has an account.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
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


def locked_until(user: User | None, name: str = "") -> datetime | None:
    """When the account (or, with no account, the name typed) may try again; None when it may now."""
    until = user.locked_until if user is not None else cache.get(_no_account_key(name, "until"))
    if until is None or until <= timezone.now():
        return None
    return until


def register_failure(user: User | None, name: str = "") -> datetime | None:
    """Count one failed password or code; lock the account when it reaches the limit. The lock's end, or None."""
    if user is None:
        return _register_no_account_failure(name)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        fresh = User.objects.select_for_update().get(pk=user.pk)
        if fresh.failed_logins >= settings.SORIDAM_LOCKOUT_FAILURES:
            fresh.locked_until = timezone.now() + timedelta(minutes=settings.SORIDAM_LOCKOUT_MINUTES)
            fresh.failed_logins = 0
            fresh.save(update_fields=["locked_until", "failed_logins"])
    user.failed_logins, user.locked_until = fresh.failed_logins, fresh.locked_until
    return locked_until(fresh)


def _register_no_account_failure(name: str) -> datetime | None:
    """The same count and lock for a name with no account, so both answer alike."""
    if not name.strip():
        return None
    window = settings.SORIDAM_LOCKOUT_MINUTES * 60
    count_key = _no_account_key(name, "count")
    cache.add(count_key, 0, timeout=window)
    if cache.incr(count_key) < settings.SORIDAM_LOCKOUT_FAILURES:
        return None
    until = timezone.now() + timedelta(minutes=settings.SORIDAM_LOCKOUT_MINUTES)
    cache.set(_no_account_key(name, "until"), until, timeout=window)
    cache.delete(count_key)
    return until


def _no_account_key(name: str, part: str) -> str:
    # Keyed, so the cache never holds the names people typed (some type a password into the name field).
    digest = hmac.new(settings.SECRET_KEY.encode(), name.strip().encode(), hashlib.sha256).hexdigest()[:32]
    return f"lockout:{part}:{digest}"


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
