"""The staff and their teams, kept per process for a few seconds (``lib.process_copy``).

The case page lists the agents a case can be given to and the teams, names the people of its assignment
events and shows the assignee: four statements of every page view for rows that change when someone joins,
leaves or is renamed. This process reads again after it saves or deletes a user, a team or a membership
(``accounts.models.staff_changes``); other processes within ``TTL_SECONDS``. A membership added with
``team.members.add`` (no ``save``) waits for the ttl too, as a queryset ``update`` does.

Only what is shown comes from here. Who may see a case (``accounts.access.teams_of``, read per request) and
whether a posted assignee or team is allowed (the forms' querysets) are still asked of the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from soridam.accounts.access import team_ids_of, teams_of
from soridam.accounts.models import Membership, Role, Team, User, staff_changes
from soridam.lib.process_copy import ProcessCopy

K = TypeVar("K", int, str)


@dataclass(frozen=True)
class Directory:
    staff: list[User]  # every user who is not a customer, active or not, in the database's username order
    by_pk: dict[int, User]
    by_username: dict[str, User]
    team_ids: dict[int, frozenset[int]]  # user id -> their teams
    teams: list[Team]  # by name


def _read() -> Directory:
    staff = list(User.objects.exclude(role=Role.CUSTOMER).order_by("username"))
    team_ids: dict[int, set[int]] = {}
    for user_id, team_id in Membership.objects.values_list("user_id", "team_id"):
        team_ids.setdefault(user_id, set()).add(team_id)
    return Directory(
        staff=staff,
        by_pk={user.pk: user for user in staff},
        by_username={user.username: user for user in staff},
        team_ids={user_id: frozenset(ids) for user_id, ids in team_ids.items()},
        teams=list(Team.objects.order_by("name")),
    )


DIRECTORY = ProcessCopy(_read, staff_changes)


def assignable_listed(user: User, current_id: int | None) -> list[User]:
    """``accounts.access.agents_assignable_by(user)`` as a list by username, with the user ``current_id``
    (a case's assignee who may have left the team) in its place. The user's own teams are those read for this
    request (``team_ids_of``); their colleagues' come from the copy."""
    directory = DIRECTORY.get()
    everyone, none = user.is_admin_role, frozenset[int]()
    mine = none if everyone else frozenset(team_ids_of(user))
    listed = [
        agent
        for agent in directory.staff
        if agent.pk == current_id or (agent.is_active and (everyone or directory.team_ids.get(agent.pk, none) & mine))
    ]
    if current_id is not None and current_id not in directory.by_pk:
        # Not staff (or newer than this copy): read it, as the database's list would have held it.
        current = User.objects.filter(pk=current_id).first()
        if current is not None:
            listed = sorted([*listed, current], key=lambda agent: agent.username)
    return listed


def staff_member(pk: int) -> User | None:
    """The staff user with this id, or None (a customer, or one newer than this copy)."""
    return DIRECTORY.get().by_pk.get(pk)


def labels_by_username(usernames: set[str]) -> dict[str, str]:
    """The names people read for these usernames; those not in the copy are asked of the database."""
    return _labels(usernames, DIRECTORY.get().by_username, "username")


def labels_by_pk(ids: set[int]) -> dict[int, str]:
    """The names people read for these user ids; those not in the copy are asked of the database."""
    return _labels(ids, DIRECTORY.get().by_pk, "pk")


def _labels(keys: set[K], held: dict[K, User], field: str) -> dict[K, str]:
    labels = {key: held[key].label() for key in keys if key in held}
    if missing := keys - labels.keys():
        labels |= {getattr(found, field): found.label() for found in User.objects.filter(**{f"{field}__in": missing})}
    return labels


def team_by_pk(pk: int) -> Team | None:
    return next((team for team in DIRECTORY.get().teams if team.pk == pk), None)


def teams_listed_for(user: User) -> list[Team]:
    """``accounts.access.teams_visible_to(user)`` as a list by name: an agent's own teams (read for this
    request anyway), every team for an admin."""
    if user.is_support_staff and not user.is_admin_role:
        return teams_of(user)
    if user.is_admin_role:
        return list(DIRECTORY.get().teams)
    return []
