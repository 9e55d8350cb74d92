"""Bearer-token authentication for the REST API, and the teams endpoints."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import P, PathEx, Router, Schema
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from soridam.accounts.access import access_team, teams_visible_to, user_for_token
from soridam.accounts.models import Team, User
from soridam.lib.api_errors import ApiError
from soridam.lib.ratelimit import check_rate, client_ip

MAX_ID = 2**63 - 1
_CACHE_ATTRIBUTE = "_soridam_api_user"


class BearerAuth(HttpBearer):
    """``Authorization: Bearer <token>``; tokens are looked up by their SHA-256 only.

    Each request counts once against the ``api`` rate limit: per user with a valid token, per IP
    without one. The result is kept on the request, because the idempotency guard authenticates
    before the operation does.
    """

    def __call__(self, request: HttpRequest) -> User | None:
        if hasattr(request, _CACHE_ATTRIBUTE):
            cached: User | None = getattr(request, _CACHE_ATTRIBUTE)
            return cached
        user = super().__call__(request)
        check_rate("api", f"token:{user.pk}" if user is not None else f"ip:{client_ip(request)}")
        setattr(request, _CACHE_ATTRIBUTE, user)
        if user is not None:
            request.user = user
        return user

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        token = token.strip()
        if not token or len(token) > 200:
            return None
        return user_for_token(token)


def api_user(request: HttpRequest) -> User:
    """The user the bearer token belongs to (the operation has already authenticated it)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AuthenticationError
    return user


def staff_user(request: HttpRequest) -> User:
    """The calling user, who must be support staff: customers get 403."""
    user = api_user(request)
    if not user.is_support_staff:
        raise ApiError(403, "forbidden", _("This needs a staff account."))
    return user


router = Router(tags=["teams"])


class TeamOut(Schema):
    id: int
    name: str
    slug: str
    email_address: str


class MemberOut(Schema):
    id: int
    username: str
    name: str
    is_lead: bool


class TeamDetailOut(TeamOut):
    members: list[MemberOut]


@router.get("/teams", response=list[TeamOut], url_name="api_teams")
def list_teams(request: HttpRequest) -> Any:
    """The teams the caller may see: their own, or every team for an admin."""
    return list(teams_visible_to(api_user(request)).order_by("name"))


@router.get("/teams/{team_id}", response=TeamDetailOut, url_name="api_team")
def get_team(request: HttpRequest, team_id: PathEx[int, P(ge=1, le=MAX_ID)]) -> dict[str, Any]:
    team = access_team(api_user(request), team_id)
    return {
        "id": team.pk,
        "name": team.name,
        "slug": team.slug,
        "email_address": team.email_address,
        "members": _members_of(team),
    }


def _members_of(team: Team) -> list[dict[str, Any]]:
    memberships = team.membership_set.select_related("user").order_by("user__username")
    return [
        {"id": m.user.pk, "username": m.user.username, "name": m.user.label(), "is_lead": m.is_lead}
        for m in memberships
    ]
