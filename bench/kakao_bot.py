"""The bot the KakaoTalk bench serves (``SORIDAM_CHAT_RESPONDER=kakao_bot.reply``, with bench/ on PYTHONPATH).

The utterance picks the path, so one server compares them in one run: "[echo] ..." is answered at once with
the words (the baseline: everything but the bot), "[slow] ..." sleeps ``KAKAO_BENCH_SLOW_SECONDS`` first (a
slow LLM), anything else goes to Soridam's own bot engine (``soridam.bot.engine.reply``).
"""

from __future__ import annotations

import os
import time

from soridam.bot import engine
from soridam.bot.contract import BotReply, Conversation


def reply(conversation: Conversation) -> BotReply:
    if conversation.text.startswith("[echo]"):
        return BotReply(text=conversation.text, outcome="answered", confidence=1.0)
    if conversation.text.startswith("[slow]"):
        time.sleep(float(os.environ.get("KAKAO_BENCH_SLOW_SECONDS", "5")))
        return BotReply(text="[slow] " + conversation.text, outcome="answered", confidence=1.0)
    return engine.reply(conversation)
