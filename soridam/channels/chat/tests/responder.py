"""A stand-in for the bot engine (soridam.bot.engine, built elsewhere) that keeps to its contract:
it hands over when asked for a person and otherwise answers from one fixed article."""

from __future__ import annotations

from soridam.bot.contract import BotReply, Conversation, Source

ARTICLE = Source(article_id=1, title="배송 조회 방법", url="/help/articles/1/")


def reply(conversation: Conversation) -> BotReply:
    turns = int(str(conversation.state.get("turns", 0))) + 1
    if any(word in conversation.text for word in ("상담원", "person")):
        return BotReply(
            text="상담원에게 연결해 드릴게요.",
            outcome="handover",
            intent="ask_person",
            handover_reason="explicit",
            state={"turns": turns},
        )
    return BotReply(
        text="자동 응답입니다. 배송 조회는 주문 상세에서 할 수 있어요.",
        outcome="answered",
        sources=(ARTICLE,),
        intent="delivery",
        confidence=0.9,
        state={"turns": turns},
    )
