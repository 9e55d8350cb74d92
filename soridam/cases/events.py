"""Timeline entries. Only the actions layer calls this (``tests/test_architecture.py`` checks it)."""

from __future__ import annotations

from soridam.audit.actors import Actor
from soridam.cases.models import Case, EventKind, Message, TimelineEvent
from soridam.lib.rows import insert

# Kinds the customer sees on the tracking page; everything else is for staff only.
PUBLIC_KINDS = frozenset(
    {
        EventKind.CREATED,
        EventKind.STAGE_CHANGED,
        EventKind.STATUS_CHANGED,
        EventKind.REPLY,
        EventKind.CUSTOMER_MESSAGE,
        EventKind.REOPENED,
        EventKind.SURVEY_ANSWERED,
    }
)


def record(
    case: Case,
    kind: EventKind,
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
            actor_kind=actor.kind,
            actor_name=actor.display()[:120],
            channel=channel or (message.channel if message is not None else ""),
            from_value=str(before)[:64],
            to_value=str(after)[:64],
            reason=reason,
            is_public=kind in PUBLIC_KINDS,
            message=message,
        )
    )
