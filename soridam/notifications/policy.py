"""The customer notification policy: whether the customer hears of an event, and how long the message waits.

``notify_customer`` (``outbox``) asks ``decide`` before it writes anything; nothing else decides whether a
customer is told. The rules are rows an admin edits (``NotificationRule``); each process keeps a copy of them
(``lib.process_copy``: every message to a customer would otherwise read them) and falls back to ``DEFAULTS``
for an event without a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from soridam.cases.models import Case
from soridam.lib.process_copy import ProcessCopy
from soridam.notifications.models import CustomerEvent, NotificationKind, NotificationRule, rule_changes
from soridam.privacy.models_dsr import processing_limited


@dataclass(frozen=True)
class Rule:
    send: bool
    coalesce_minutes: int = 0


# The default policy (the data migration writes the same rows): the acknowledgement and replies always
# go; of the stage changes only "resolution proposed" is mailed (the tracking page shows them all); the
# solved message carries the survey; state messages wait 10 minutes for the case's next changes.
DEFAULTS: dict[str, Rule] = {
    CustomerEvent.CASE_OPENED: Rule(send=True),
    CustomerEvent.AGENT_REPLY: Rule(send=True),
    CustomerEvent.STAGE_INTAKE: Rule(send=False, coalesce_minutes=10),
    CustomerEvent.STAGE_CLASSIFICATION: Rule(send=False, coalesce_minutes=10),
    CustomerEvent.STAGE_INVESTIGATION: Rule(send=False, coalesce_minutes=10),
    CustomerEvent.STAGE_RESOLUTION: Rule(send=False, coalesce_minutes=10),
    CustomerEvent.STAGE_NOTIFICATION: Rule(send=True, coalesce_minutes=10),
    CustomerEvent.STAGE_FOLLOW_UP: Rule(send=False, coalesce_minutes=10),
    CustomerEvent.CASE_SOLVED: Rule(send=True, coalesce_minutes=10),
    CustomerEvent.SURVEY_REQUEST: Rule(send=True),
    CustomerEvent.REMEDY_EXECUTED: Rule(send=True),
    CustomerEvent.FIX_SHIPPED: Rule(send=True),
    CustomerEvent.CHECK_IN: Rule(send=True),
    CustomerEvent.NPS_REQUEST: Rule(send=True),
}

# Messages about the case's state, which may wait and be combined into one; the higher rank names the
# combined message (a solved message says more than a stage message). The acknowledgement and replies
# carry their own content and always go at once, each on its own.
STATE_RANK: dict[str, int] = {
    NotificationKind.STAGE_CHANGED: 1,
    NotificationKind.SURVEY_REQUEST: 2,
    NotificationKind.CASE_SOLVED: 3,
}


# What a customer whose processing is limited still gets: the acknowledgement, the answers themselves, and
# the news that their refund or exchange was carried out (it is the answer to their complaint).
NEEDED_FOR_A_REPLY = frozenset(
    {NotificationKind.CASE_OPENED, NotificationKind.AGENT_REPLY, NotificationKind.REMEDY_EXECUTED}
)


@dataclass(frozen=True)
class Decision:
    send: bool
    hold: timedelta = timedelta(0)  # how long the message waits for the case's next changes


def decide(case: Case, kind: NotificationKind) -> Decision:
    """Whether the customer is told about ``kind`` now (a stage change: the stage the case is at)."""
    if kind not in NEEDED_FOR_A_REPLY and processing_limited(case.customer_id):
        return Decision(send=False)  # suspended, or under 14 without a guardian's consent (R-SEC-8, R-SEC-12)
    rule = rule_for(event_of(case, kind))
    if not rule.send:
        return Decision(send=False)
    if kind not in STATE_RANK:
        return Decision(send=True)
    return Decision(send=True, hold=timedelta(minutes=rule.coalesce_minutes))


def sends(event: CustomerEvent) -> bool:
    return rule_for(event).send


def combined_kind(held: str, new: str) -> str:
    return held if STATE_RANK.get(held, 0) > STATE_RANK.get(new, 0) else new


def event_of(case: Case, kind: NotificationKind) -> CustomerEvent:
    if kind == NotificationKind.STAGE_CHANGED:
        return CustomerEvent(f"stage_{case.stage}")
    return CustomerEvent(kind.value)


def rule_for(event: str) -> Rule:
    return RULES.get().get(event) or DEFAULTS[event]


def _read() -> dict[str, Rule]:
    return {
        row.event: Rule(send=row.send, coalesce_minutes=row.coalesce_minutes) for row in NotificationRule.objects.all()
    }


RULES = ProcessCopy(_read, rule_changes)
