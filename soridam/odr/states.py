"""The dispute state machine (SPEC §3.2), pure: which moves are allowed, when a state's time runs out and
what happens then. No database access; ``odr.actions`` applies the moves.

filing → answer → negotiation → mediation → recommendation | arbitration → compliance → closed, and
settlement, withdrawal or referral from any non-terminal state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from soridam.odr.models import DisputeState as S
from soridam.sla.business_time import Schedule

TERMINAL = frozenset({S.SETTLED, S.WITHDRAWN, S.REFERRED, S.CLOSED})
# Settlement leads to compliance (the obligations), which ends settled; withdrawal and referral end at once.
_FORWARD: dict[str, frozenset[str]] = {
    S.FILING: frozenset({S.ANSWER}),
    S.ANSWER: frozenset({S.NEGOTIATION, S.MEDIATION}),
    S.NEGOTIATION: frozenset({S.MEDIATION}),
    S.MEDIATION: frozenset({S.RECOMMENDATION, S.ARBITRATION}),
    S.RECOMMENDATION: frozenset(),
    S.ARBITRATION: frozenset({S.COMPLIANCE}),
    S.COMPLIANCE: frozenset({S.SETTLED}),
}
_FROM_ANY = frozenset({S.COMPLIANCE, S.WITHDRAWN, S.REFERRED, S.CLOSED})


def is_terminal(state: str) -> bool:
    return state in TERMINAL


def can_move(before: str, after: str) -> bool:
    if before in TERMINAL:
        return False
    if after == S.COMPLIANCE and before == S.COMPLIANCE:
        return False
    return after in _FORWARD.get(before, frozenset()) or after in _FROM_ANY


# What the scheduler does when a state's deadline passes. Each names the next state, so every path ends.
@dataclass(frozen=True)
class Expiry:
    state: str  # where the dispute goes
    reason: str  # the event's reason code
    escalate: bool = False  # alert the lead (and give one grace period instead of moving)


@dataclass(frozen=True)
class Facts:
    """What the expiry rules look at, read from the dispute by the caller."""

    pledged: bool = False  # the respondent merchant has a pledge (R-ODR-13)
    mediation_asked: bool = False  # either side asked for mediation
    escalated: bool = False  # this state's deadline already passed once (a grace period is running)
    answers: tuple[str, str] = ("", "")  # recommendation answers (claimant, respondent): "", accept, reject


def on_expiry(state: str, facts: Facts) -> Expiry:
    """§3.2's "on expiry" column."""
    if state == S.FILING:
        return Expiry(S.ANSWER, "filing_opened")
    if state == S.ANSWER:
        if facts.pledged:
            return Expiry(S.COMPLIANCE, "deemed_acceptance")
        return Expiry(S.MEDIATION, "no_answer_escalated") if facts.mediation_asked else Expiry(S.CLOSED, "no_answer")
    if state == S.NEGOTIATION:
        return Expiry(S.MEDIATION, "negotiation_ended") if facts.mediation_asked else Expiry(S.CLOSED, "no_agreement")
    if state == S.MEDIATION:
        return Expiry(S.CLOSED, "mediation_ended")
    if state == S.RECOMMENDATION:
        return _recommendation_silence(facts)
    if state in (S.ARBITRATION, S.COMPLIANCE):
        if facts.escalated:
            return Expiry(S.CLOSED, "unresolved_after_escalation")
        return Expiry(state, "escalated", escalate=True)
    raise ValueError(f"{state} has no deadline")


def _recommendation_silence(facts: Facts) -> Expiry:
    """Silence is rejection by the consumer and acceptance by a pledged merchant (consumer-protective)."""
    claimant = facts.answers[0] or "reject"
    respondent = facts.answers[1] or ("accept" if facts.pledged else "reject")
    if claimant == "accept" and respondent == "accept":
        return Expiry(S.COMPLIANCE, "recommendation_accepted")
    return Expiry(S.CLOSED, "recommendation_rejected")


def deadline_days(pack: dict[str, Any], state: str, *, extended: bool = False, grace: bool = False) -> int:
    if grace:
        return int(pack["grace_days"])
    spec = pack["deadlines"][state]
    return int(spec["days"]) + (int(spec.get("extension_days", 0)) if extended else 0)


def max_business_days(pack: dict[str, Any]) -> int:
    """The longest any dispute can run under a pack, in business days: the longest path through the states
    with every extension and grace period used (the bound the state-machine test checks)."""
    d = pack["deadlines"]
    grace = int(pack["grace_days"])
    mediation = d["mediation"]["days"] + d["mediation"].get("extension_days", 0)
    final = max(d["recommendation"]["days"], d["arbitration"]["days"] + grace)
    compliance = max(max(pack["obligation_days"].values()), d["compliance"]["days"]) + grace
    return int(d["filing"]["days"] + d["answer"]["days"] + d["negotiation"]["days"] + mediation + final + compliance)


def add_business_days(schedule: Schedule, start: datetime, days: int) -> datetime:
    """The same clock time ``days`` working days later on the calendar (weekends, holidays and closures skipped).

    The calendar's working days are those with hours and not closed; an always-open calendar counts every day.
    """
    local = start.astimezone(schedule.tz)
    day = local.date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_business_day(schedule, day):
            counted += 1
    return datetime.combine(day, local.timetz().replace(tzinfo=None), schedule.tz)


def is_business_day(schedule: Schedule, day: date) -> bool:
    if schedule.always_open:
        return True
    return bool(schedule.hours.get(day.weekday())) and not schedule.is_closed(day)


def business_days_between(schedule: Schedule, start: datetime, end: datetime) -> int:
    """Working days strictly after ``start``'s day up to and including ``end``'s day."""
    first, last = start.astimezone(schedule.tz).date(), end.astimezone(schedule.tz).date()
    count, day = 0, first
    while day < last:
        day += timedelta(days=1)
        count += is_business_day(schedule, day)
    return count
