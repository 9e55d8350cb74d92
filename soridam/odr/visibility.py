"""Who may see what (R-ODR-7): the ONE rule every page, export, e-mail and notification of a dispute uses.

Caucus content never reaches the other side: a claimant's caucus is for the claimant and the neutral, a
respondent's for the respondent and the neutral, neutral-only content for the neutral alone.
"""

from __future__ import annotations

from typing import Protocol

from django.utils.translation import gettext_lazy as _

from soridam.odr.models import Role, Visibility

_AUDIENCE: dict[str, frozenset[str]] = {
    Visibility.PUBLIC: frozenset({Role.CLAIMANT, Role.RESPONDENT, Role.NEUTRAL}),
    Visibility.CAUCUS_CLAIMANT: frozenset({Role.CLAIMANT, Role.NEUTRAL}),
    Visibility.CAUCUS_RESPONDENT: frozenset({Role.RESPONDENT, Role.NEUTRAL}),
    Visibility.NEUTRAL_ONLY: frozenset({Role.NEUTRAL}),
}
# What each item says about its audience, in the reader's language.
AUDIENCE_LABEL = {
    Visibility.PUBLIC: _("Seen by: both parties and the neutral"),
    Visibility.CAUCUS_CLAIMANT: _("Seen by: the claimant and the neutral"),
    Visibility.CAUCUS_RESPONDENT: _("Seen by: the respondent and the neutral"),
    Visibility.NEUTRAL_ONLY: _("Seen by: the neutral only"),
}


class Visible(Protocol):
    visibility: str


def visible_to(item: Visible, viewer_role: str) -> bool:
    """Whether someone in ``viewer_role`` may see ``item`` (an item, an event, a notice's event)."""
    return viewer_role in _AUDIENCE.get(item.visibility, frozenset())


def audience(visibility: str) -> frozenset[str]:
    """The roles that see content of this class (who gets notified of it)."""
    return _AUDIENCE[visibility]


def caucus_of(role: str) -> str:
    """The caucus class a party writes to the neutral in."""
    if role == Role.CLAIMANT:
        return Visibility.CAUCUS_CLAIMANT
    if role == Role.RESPONDENT:
        return Visibility.CAUCUS_RESPONDENT
    raise ValueError(f"{role} has no caucus")
