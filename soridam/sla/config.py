"""The SLA configuration that starting a new case's clocks reads, kept per process for a few seconds.

Starting the clocks needs the active policies, the team's business calendar with its hours and closed
days, and the escalation rules: five or six queries for every new case (intake, e-mail, every channel)
to read rows that change a few times a year, so each process keeps a copy (``lib.process_copy``).
A running case's clocks are read from the database; their policy and calendar come from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from soridam.cases.models import Case
from soridam.lib.process_copy import ProcessCopy
from soridam.sla.business_time import Schedule
from soridam.sla.models import BusinessCalendar, EscalationRule, SlaPolicy, configuration_changes
from soridam.sla.schedules import schedule_of


@dataclass(frozen=True)
class Snapshot:
    policies: tuple[SlaPolicy, ...]  # active only
    calendars: dict[int, BusinessCalendar]
    schedules: dict[int, Schedule]  # by calendar id
    team_calendars: dict[int, int]  # team id -> its own calendar (the lowest id when several)
    default_calendar: int | None
    rules: tuple[EscalationRule, ...]  # active only

    def choose_policy(self, case: Case) -> SlaPolicy | None:
        """As ``clock.choose_policy``: the most specific matching policy; ties go to the lower position."""
        tier = case.customer.tier
        matching = [
            p
            for p in self.policies
            if p.priority in ("", case.priority)
            and (p.category_id is None or p.category_id == case.category_id)
            and p.channel in ("", case.channel)
            and p.tier in ("", tier)
        ]

        def specificity(policy: SlaPolicy) -> tuple[int, int, int]:
            conditions = [policy.priority, policy.category_id, policy.channel, policy.tier]
            return (-sum(1 for c in conditions if c), policy.position, policy.pk)

        return min(matching, key=specificity, default=None)

    def policy(self, policy_id: int) -> SlaPolicy | None:
        return next((p for p in self.policies if p.pk == policy_id), None)

    def calendar_for_team(self, team_id: int | None) -> BusinessCalendar | None:
        own = self.team_calendars.get(team_id) if team_id else None
        chosen = own if own is not None else self.default_calendar
        return self.calendars[chosen] if chosen is not None else None

    def rules_for(self, policy_id: int | None) -> list[EscalationRule]:
        return [rule for rule in self.rules if rule.policy_id is None or rule.policy_id == policy_id]


def current() -> Snapshot:
    return CONFIGURATION.get()


def _load() -> Snapshot:
    calendars = {c.pk: c for c in BusinessCalendar.objects.prefetch_related("hours", "teams").order_by("id")}
    team_calendars: dict[int, int] = {}
    for calendar in calendars.values():  # ascending id, as calendar_for_team orders them
        for team in calendar.teams.all():
            team_calendars.setdefault(team.pk, calendar.pk)
    defaults = [pk for pk, calendar in calendars.items() if calendar.is_default]
    return Snapshot(
        policies=tuple(SlaPolicy.objects.filter(is_active=True)),
        calendars=calendars,
        schedules={pk: schedule_of(calendar) for pk, calendar in calendars.items()},
        team_calendars=team_calendars,
        default_calendar=defaults[0] if defaults else None,
        rules=tuple(EscalationRule.objects.filter(is_active=True)),
    )


CONFIGURATION = ProcessCopy(_load, configuration_changes)
