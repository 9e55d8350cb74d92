"""Cost to serve per channel (SPEC R-ANALYTICS-5), relative to a phone contact = 100.

Seed 004 gives phone 100, live chat 56, FAQ and online forum 12, community forum 9. The messengers
(KakaoTalk, LINE, …) are chats; the seed names no figure for e-mail, the web form and the API, so they
default to the chat figure (written and handled by a person). Admins change any of them (``ChannelCost``).

Savings: a deflected complaint (a suggested FAQ article that solved it or was not followed by the form,
``kb.Deflection``) and a case the bot solved without a person (``CaseFact.bot_contained``) each cost the
FAQ figure instead of the average assisted contact of the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from soridam.analytics.models import ChannelCost
from soridam.channels.kinds import Channel
from soridam.kb.models import Deflection

PHONE, CHAT, FAQ, COMMUNITY = 100, 56, 12, 9
DEFAULT_COSTS: dict[str, int] = {channel: CHAT for channel in Channel.values} | {Channel.PHONE: PHONE}


def unit_costs() -> dict[str, int]:
    return DEFAULT_COSTS | dict(ChannelCost.objects.values_list("channel", "relative_cost"))


@dataclass(frozen=True)
class ChannelLine:
    channel: str
    contacts: int
    unit: int
    total: int


@dataclass(frozen=True)
class CostToServe:
    lines: list[ChannelLine]
    total: int
    deflected: int
    bot_contained: int
    savings: int
    average_assisted: float


def cost_to_serve(contacts_by_channel: dict[str, int], *, deflected: int, bot_contained: int) -> CostToServe:
    costs = unit_costs()
    lines = [
        ChannelLine(channel, count, costs.get(channel, CHAT), count * costs.get(channel, CHAT))
        for channel, count in sorted(contacts_by_channel.items(), key=lambda item: -item[1])
        if count
    ]
    total = sum(line.total for line in lines)
    contacts = sum(line.contacts for line in lines)
    average = total / contacts if contacts else float(CHAT)
    savings = round((deflected + bot_contained) * max(average - FAQ, 0))
    return CostToServe(lines, total, deflected, bot_contained, savings, average)


def deflections_between(start: date, end: date) -> int:
    """Suggested articles opened in the period that deflected a complaint (R-KB-6's definition)."""
    tz = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tz)
    until = datetime.combine(end + timedelta(days=1), time.min, tz)
    opened = Deflection.objects.filter(opened_at__gte=since, opened_at__lt=until)
    return opened.filter(Q(solved=True) | Q(submitted=False)).count()
