"""Timeline entries. Only the actions layer calls this (``tests/test_architecture.py`` checks it)."""

from __future__ import annotations

from collections.abc import Sequence

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


def record_many(case: Case, changes: Sequence[tuple[EventKind, str, str]], *, actor: Actor) -> list[TimelineEvent]:
    """``record`` for several field changes of one case, ``(kind, before, after)`` each, in one INSERT."""
    return TimelineEvent.objects.bulk_create(
        _event(case, kind, before, after, actor=actor) for kind, before, after in changes
    )


def record_each(changes: Sequence[tuple[Case, EventKind, str, str]], *, actor: Actor) -> list[TimelineEvent]:
    """One event on each of several cases, ``(case, kind, before, after)``, in one INSERT (a routing pass)."""
    return TimelineEvent.objects.bulk_create([_event(*change, actor=actor) for change in changes])


def _event(case: Case, kind: EventKind, before: str, after: str, *, actor: Actor) -> TimelineEvent:
    return TimelineEvent(
        case=case,
        kind=kind,
        actor=actor.label(),
        actor_kind=actor.kind,
        actor_name=actor.display()[:120],
        from_value=str(before)[:64],
        to_value=str(after)[:64],
        is_public=kind in PUBLIC_KINDS,
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
