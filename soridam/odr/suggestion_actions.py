"""Each side's private input to the suggestions (``odr.suggestions``): Adjusted Winner points and the Nash
disagreement value. When the second side enters its input, the suggestion is computed and recorded in a public
event with its algorithm version and output; the inputs stay in their rows (frozen from then on) and never
go into an event, a notice or a case file. Callers hold the dispute's row lock.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from soridam.audit.actors import Actor
from soridam.odr import actions, suggestions
from soridam.odr.actions import DisputeError
from soridam.odr.algorithms.adjusted_winner import POINTS
from soridam.odr.models import Dispute, Role, SuggestionInput

MAX_KRW = 10**12


def enter_points(dispute: Dispute, role: str, points: dict[str, int], *, actor: Actor) -> None:
    """A side's 100 points over the issues; every issue gets a whole number of points from 0 to 100."""
    keys = [key for key, _label, _divisible in suggestions.ISSUES]
    if sorted(points) != sorted(keys) or any(not 0 <= p <= POINTS for p in points.values()):
        raise DisputeError(_("give each issue between 0 and 100 points"))
    if sum(points.values()) != POINTS:
        raise DisputeError(
            _("spread exactly %(points)d points; these add up to %(sum)d")
            % {"points": POINTS, "sum": sum(points.values())}
        )
    _store(dispute, role, SuggestionInput.POINTS, actor=actor, points=points)


def enter_disagreement(dispute: Dispute, role: str, value: int, *, actor: Actor) -> None:
    """A side's disagreement value in KRW: what it expects to end with if nobody agrees (court, statute)."""
    if not 0 <= value <= MAX_KRW:
        raise DisputeError(_("give an amount in KRW between 0 and 1,000,000,000,000"))
    _store(dispute, role, SuggestionInput.DISAGREEMENT, actor=actor, value=value)


def _store(
    dispute: Dispute,
    role: str,
    kind: str,
    *,
    actor: Actor,
    points: dict[str, int] | None = None,
    value: int | None = None,
) -> None:
    if dispute.state not in suggestions.OPEN_IN or role not in suggestions.PARTIES:
        raise DisputeError(_("suggestions are for the parties during negotiation and mediation"))
    if suggestions.payload(dispute, kind) is not None:
        raise DisputeError(_("both sides have entered theirs; the suggestion is made"))
    SuggestionInput.objects.update_or_create(
        dispute=dispute, role=role, kind=kind, defaults={"points": points or {}, "value": value}
    )
    # Only that an input exists, not what it is: the other side learns nothing more than "entered".
    actions.record(dispute, "suggestion_input", actor=actor, role=role, data={"suggestion": kind}, notify=False)
    record = suggestions.compute(dispute, kind)
    if record is not None:
        # No digest of the inputs either: a few thousand guesses of the other side's points would match it.
        data = {"suggestion": kind, "algorithm": record["algorithm"], "version": record["version"]}
        data["output"] = record["output"]
        actions.record(dispute, "suggestion_made", actor=Actor(system="odr-suggestions"), role=Role.SYSTEM, data=data)
