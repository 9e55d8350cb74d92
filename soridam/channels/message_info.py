"""Per-message channel facts on the agent's case page, loaded once per case (no query per message)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from soridam.cases.models import Case, Message
from soridam.channels.kinds import Channel
from soridam.notifications.models import DeliveryState


@dataclass(frozen=True)
class Delivery:
    outbound_id: int
    state: str
    state_label: str
    last_error: str
    channel_label: str


@dataclass
class MessageChannelInfo:
    deliveries: list[Delivery] = field(default_factory=list)
    has_original: bool = False
    possibly_related: bool = False
    notes: str = ""


def channel_info_by_message(case: Case) -> dict[int, MessageChannelInfo]:
    """One query for the whole conversation: deliveries and originals joined onto the case's messages (the
    workspace's case page puts them in its message rows; messages with neither are left out)."""
    labels, channels = dict(DeliveryState.choices), dict(Channel.choices)
    rows = (
        Message.objects.filter(case=case)
        .filter(Q(deliveries__isnull=False) | Q(channel_meta__isnull=False))
        .order_by("pk", "deliveries__id")
        .values_list(
            "pk",
            "deliveries__id",
            "deliveries__state",
            "deliveries__last_error",
            "deliveries__channel",
            "channel_meta__id",
            "channel_meta__possibly_related",
            "channel_meta__notes",
        )
    )
    info: dict[int, MessageChannelInfo] = {}
    for message_id, outbound_id, state, last_error, channel, meta_id, related, notes in rows:
        row = info.setdefault(message_id, MessageChannelInfo())
        if state:
            channel_label = str(channels.get(channel, channel))
            row.deliveries.append(
                Delivery(outbound_id, state, str(labels.get(state, state)), last_error or "", channel_label)
            )
        if meta_id is not None:
            row.has_original, row.possibly_related, row.notes = True, bool(related), notes or ""
    return info
