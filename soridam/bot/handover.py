"""What a channel calls after ``BotReply.outcome == "handover"``: the transcript, the detected intent, the
identity and the order references go onto the case through the actions layer (cases/bot_actions.py).
Routing and telling the customer the wait stay with the channel."""

from __future__ import annotations

from django.db import transaction

from soridam.audit.actors import Actor
from soridam.cases.bot_actions import BotHandover, order_references, record_handover
from soridam.cases.models import Case, Message

from .contract import BotReply, Conversation

BOT_ACTOR = Actor(system="bot")


def handover_for(conversation: Conversation, answer: BotReply) -> BotHandover:
    transcript = tuple((turn.author, turn.text) for turn in conversation.history) + (("customer", conversation.text),)
    written = order_references(text for author, text in transcript if author == "customer")
    orders = tuple(dict.fromkeys([*_shown_orders(answer, conversation), *written]))
    if conversation.customer_id is not None:
        identity = f"verified customer #{conversation.customer_id}"
    else:
        identity = f"unverified visitor: {conversation.visitor_name or '-'}"
    return BotHandover(
        transcript=transcript,
        intent=answer.intent,
        reason=answer.handover_reason,
        identity=identity,
        order_numbers=orders,
    )


def _shown_orders(answer: BotReply, conversation: Conversation) -> list[str]:
    """The orders the bot showed in this conversation: the customer proved they are theirs."""
    shown = answer.state.get("orders", conversation.state.get("orders"))
    return [str(number) for number in shown if number] if isinstance(shown, list) else []


def hand_over(case_id: int, conversation: Conversation, answer: BotReply) -> Message:
    """Write the hand-over onto case `case_id` (created by the channel) in one transaction."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)  # the bot acts for the channel, not a user
        return record_handover(case, handover_for(conversation, answer), actor=BOT_ACTOR)
