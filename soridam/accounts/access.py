"""Permission-checking loaders for accounts and teams."""

from __future__ import annotations

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


def teams_listed_for(user: User) -> list[Team]:
    """``teams_visible_to`` as a list by name, without a second query for an agent's own teams."""
    if user.is_support_staff and not user.is_admin_role:
        return teams_of(user)
    return list(teams_visible_to(user))


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
    """The active user behind a bearer token, or None. Lookup is by SHA-256, never by raw value."""
    try:
        token = ApiToken.objects.select_related("user").get(token_hash=hash_token(raw))
    except ApiToken.DoesNotExist:
        return None
    if not token.is_usable() or not token.user.is_active:
        return None
    if token.last_used_at is None or (timezone.now() - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
