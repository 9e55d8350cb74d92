"""The bot's hand-over written onto a case: part of the actions layer (R-CASE-5), beside ``cases.actions`` and
built from its helpers.

The agent who takes the conversation sees, in one internal note, what the bot detected (the intent and why it
handed over), who the customer is (verified or only typed), the order references and the whole transcript;
the case carries a ``bot:<reason>`` tag for the inbox. The note and the tag write their timeline events and
audit entries; the caller holds the case's row lock inside one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from soridam.audit.actors import Actor
from soridam.cases.actions import add_note, add_tag, change_status, reply
from soridam.cases.models import TAG_LENGTH, Case, Message, Status

ORDER_REFERENCE = re.compile(r"\b[A-Z]{2}\d{8,}\b")


def order_references(texts: Iterable[str]) -> tuple[str, ...]:
    """The order numbers a customer wrote, first mention first, each once."""
    return tuple(dict.fromkeys(ref for text in texts for ref in ORDER_REFERENCE.findall(text)))


@dataclass(frozen=True)
class BotHandover:
    transcript: tuple[tuple[str, str], ...]  # (author, text), oldest first; empty when the case body holds it
    intent: str
    reason: str
    identity: str  # "verified customer" or what a visitor typed, for the agent to check
    order_numbers: tuple[str, ...] = ()


def record_handover(case: Case, handover: BotHandover, *, actor: Actor) -> Message:
    lines = [
        _("The bot handed this conversation over."),
        _("Intent: %(intent)s · reason: %(reason)s") % {"intent": handover.intent, "reason": handover.reason},
        _("Identity: %(identity)s") % {"identity": handover.identity},
    ]
    if handover.order_numbers:
        lines.append(_("Orders: %(orders)s") % {"orders": ", ".join(handover.order_numbers)})
    if handover.transcript:
        lines.append("")
        lines.extend(f"[{author}] {text}" for author, text in handover.transcript)
    note = add_note(case, "\n".join(lines), actor=actor)
    add_tag(case, f"bot:{handover.reason}"[:TAG_LENGTH], actor=actor)
    return note


def record_bot_answer(case: Case, text: str, *, actor: Actor, send: bool = True, wait_for_customer: bool) -> Message:
    """The bot's answer on a messenger case, sent on the customer's channel (``send=False``: the channel
    answered in its response already). ``wait_for_customer``: the bot answered, so the case waits for the
    customer instead of going to an agent's queue (routing takes open cases only); their next message
    reopens it and the bot answers again, or hands over."""
    message = reply(case, text, actor=actor, send=send)
    if wait_for_customer and case.status == Status.OPEN:
        change_status(case, Status.WAITING, actor=actor)  # waiting tells the customer nothing
    return message
