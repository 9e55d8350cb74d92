"""The bot that answers first on chat and on every messenger: ``SORIDAM_CHAT_RESPONDER``, a dotted path to a
function ``Conversation -> BotReply`` (contract.py); empty, or not importable, means no bot."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string

from .contract import BotReply, Conversation

logger = logging.getLogger(__name__)
Responder = Callable[[Conversation], BotReply]


def configured_responder() -> Responder | None:
    path = settings.SORIDAM_CHAT_RESPONDER
    if not path:
        return None
    try:
        responder: Responder = import_string(path)
    except ImportError:
        # A missing bot must not strand the customer: they go to a person, and the operator sees why.
        logger.error("the bot cannot be imported; conversations go to a person", extra={"responder": path})
        return None
    return responder
