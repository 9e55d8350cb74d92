"""Telling the leads that a dispute is overdue (an unmet obligation, an award not given): soridam/alerts rows."""

from __future__ import annotations

from django.db.models import Q

from soridam.accounts.models import Role as StaffRole
from soridam.accounts.models import User
from soridam.alerts import fanout
from soridam.alerts.models import AlertKind
from soridam.audit.actors import Actor
from soridam.odr.models import Dispute


def leads_of(dispute: Dispute) -> list[User]:
    """The case team's leads; without a team, every lead and administrator."""
    team = dispute.case.team_id
    wanted = (
        Q(membership__team_id=team, membership__is_lead=True) if team else Q(role__in=[StaffRole.LEAD, StaffRole.ADMIN])
    )
    return list(User.objects.filter(wanted, is_active=True).distinct())


def alert_leads(dispute: Dispute, actor: Actor) -> None:
    fanout.for_people(
        dispute.case, AlertKind.DISPUTE_OVERDUE, leads_of(dispute), actor=actor, detail=f"dispute:{dispute.pk}"
    )
