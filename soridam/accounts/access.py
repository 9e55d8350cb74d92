"""Permission-checking loaders for accounts and teams."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from soridam.accounts.models import ApiToken, Team, User, hash_token


def teams_of(user: User) -> list[Team]:
    """The user's teams by name, read once per request's user object: the access checks need their ids and the
    case page lists them, so one query serves both."""
    cached: list[Team] | None = getattr(user, "_teams", None)
    if cached is None:
        cached = list(user.teams.all())
        user._teams = cached  # type: ignore[attr-defined]
    return list(cached)


def team_ids_of(user: User) -> list[int]:
    return [team.pk for team in teams_of(user)]


def teams_visible_to(user: User) -> QuerySet[Team]:
    if user.is_admin_role:
        return Team.objects.all()
    if user.is_support_staff:
        return Team.objects.filter(id__in=team_ids_of(user))
    return Team.objects.none()


def access_team(user: User, team_id: int) -> Team:
    try:
        return teams_visible_to(user).get(pk=team_id)
    except Team.DoesNotExist:
        raise Http404 from None


def agents_assignable_by(user: User) -> QuerySet[User]:
    """Agents a case can be given to: members of the user's teams (any active staff for admins)."""
    staff = User.objects.filter(is_active=True).exclude(role="customer")
    if user.is_admin_role:
        return staff.order_by("username")
    return staff.filter(teams__id__in=team_ids_of(user)).distinct().order_by("username")


def user_for_token(raw: str) -> User | None:
    """The active user behind a bearer token, or None. Lookup is by SHA-256, never by raw value.

    A token found usable is remembered in this process for ``TOKEN_CHECK_SECONDS``: an API client sends
    the same token with every request, and the lookup was a sixth of an intake's CPU (bench/README.md).
    So a token revoked, or a user deactivated, elsewhere stops working within that time in every process
    (at once in the one that revokes it through the admin); expiry is checked on every request."""
    digest = hash_token(raw)
    user = _checked_tokens.user(digest)
    if user is not None:
        return user
    try:
        token = ApiToken.objects.select_related("user").get(token_hash=digest)
    except ApiToken.DoesNotExist:
        return None
    if not token.is_usable() or not token.user.is_active:
        return None
    if token.last_used_at is None or (timezone.now() - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    _checked_tokens.remember(digest, token)
    return token.user


TOKEN_CHECK_SECONDS = 10.0
_MOST_TOKENS_REMEMBERED = 1000
_USER_COLUMNS = [field.attname for field in User._meta.concrete_fields]


class _CheckedTokens:
    """Token digest -> (when to check again, the token's expiry, the user's columns). A new ``User`` is made
    for each request from the columns, so no request sees what another set on its user object."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # granian may serve with several threads
        self._known: dict[str, tuple[float, datetime | None, list[Any]]] = {}

    def user(self, digest: str) -> User | None:
        with self._lock:
            known = self._known.get(digest)
        if known is None:
            return None
        check_again_at, expires_at, columns = known
        if time.monotonic() >= check_again_at or (expires_at is not None and expires_at <= timezone.now()):
            return None
        return User.from_db(connection.alias, _USER_COLUMNS, columns)

    def remember(self, digest: str, token: ApiToken) -> None:
        columns = [getattr(token.user, name) for name in _USER_COLUMNS]
        with self._lock:
            if len(self._known) >= _MOST_TOKENS_REMEMBERED:
                self._known.clear()
            self._known[digest] = (time.monotonic() + TOKEN_CHECK_SECONDS, token.expires_at, columns)

    def forget(self) -> None:
        with self._lock:
            self._known.clear()


_checked_tokens = _CheckedTokens()


def forget_checked_tokens() -> None:
    """Check every token against the database again (a revocation here; tests that change users)."""
    _checked_tokens.forget()
