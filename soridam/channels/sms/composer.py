"""The composer's SMS rule, checked in the action path: a reply that would go by text message and cannot
(too long, an emoji, a CP949-only syllable, an attachment) is refused with the reason before it is stored,
so the agent can rewrite it instead of learning later that delivery failed."""

from __future__ import annotations

from collections.abc import Sized

from django.utils.translation import gettext as _

from soridam.cases.errors import InvalidChange
from soridam.cases.models import Case
from soridam.channels.kinds import Channel
from soridam.channels.sms.text import Measured, TextRefused, measure
from soridam.notifications.outbox import sms_route

_MAY_BE_TEXTED = (Channel.SMS, Channel.PHONE)


def replies_by_sms(case: Case) -> bool:
    """Whether a reply on this case goes out by text message (no query for the other channels)."""
    return case.channel in _MAY_BE_TEXTED and sms_route(case) is not None


def check_reply(case: Case, body: str, uploads: Sized = ()) -> Measured | None:
    """Raise InvalidChange (on the ``body`` field) when the reply cannot go by SMS/LMS; its size when it can."""
    if not replies_by_sms(case):
        return None
    if len(uploads):
        raise InvalidChange(_("Attachments cannot be sent by text message."), field="body")
    try:
        return measure(body)
    except TextRefused as refused:
        raise InvalidChange(str(refused), field="body") from None
