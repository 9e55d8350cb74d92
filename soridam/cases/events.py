"""Timeline entries. Only the actions layer calls this."""

from __future__ import annotations

from soridam.audit.actors import Actor
from soridam.cases.models import Case, Message, TimelineEvent
from soridam.lib.rows import insert

# Kinds the customer sees on the tracking page; everything else is for staff only.
PUBLIC_KINDS = frozenset(
    {"created", "stage_changed", "status_changed", "reply", "customer_message", "reopened", "survey_answered"}
)


def record(
    case: Case,
    kind: str,
    *,
    actor: Actor,
    before: str = "",
    after: str = "",
    reason: str = "",
    message: Message | None = None,
    channel: str = "",
) -> TimelineEvent:
    return insert(
        TimelineEvent(
            case=case,
            kind=kind,
            actor=actor.label(),
            actor_name=actor.display()[:120],
            channel=channel or (message.channel if message is not None else ""),
            from_value=str(before)[:64],
            to_value=str(after)[:64],
            reason=reason,
            is_public=kind in PUBLIC_KINDS,
            message=message,
        )
    )
