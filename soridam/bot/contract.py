"""The one interface between a channel and the bot engine.

A channel (chat, KakaoTalk, LINE, ...) stores the customer's message first, then builds a `Conversation` and calls
`soridam.bot.engine.reply(conversation)`. It sends `BotReply.text` and, when `outcome` is "handover", hands the
conversation to a person. `state` is opaque to the channel: it stores it with the session and passes it back on
the next turn, so the bot can count low-confidence turns without its own table.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Author = Literal["customer", "bot", "agent", "system"]

# answered: from an article; status: a case status; greeting: a greeting or small talk from a template;
# clarify: asks the customer to say more; offer_person: offers a person instead of guessing;
# handover: the conversation goes to a person now.
Outcome = Literal["answered", "status", "greeting", "clarify", "offer_person", "handover"]


@dataclass(frozen=True)
class Turn:
    author: Author
    text: str


@dataclass(frozen=True)
class Conversation:
    text: str  # the customer's newest message, already stored by the channel
    history: tuple[Turn, ...] = ()  # earlier turns, oldest first, without `text`
    customer_id: int | None = None  # set only when the channel has verified who the customer is
    visitor_name: str = ""  # what an anonymous visitor typed; used for nothing that needs trust
    language: str = "ko"
    channel: str = "chat"
    state: Mapping[str, object] = field(default_factory=dict)
    session: str = ""  # the channel's session id: case look-ups are rate limited per session (anonymous: per channel)


@dataclass(frozen=True)
class Source:
    article_id: int
    title: str
    url: str


@dataclass(frozen=True)
class BotReply:
    text: str
    outcome: Outcome
    sources: tuple[Source, ...] = ()
    intent: str = ""  # the detected intent (a category slug or a named intent such as "ask_person")
    confidence: float = 0.0  # calibrated chance that the answer is right; 0 when not an answer
    handover_reason: str = ""  # why a person is offered or taking over: explicit, low_confidence, anger, ...
    state: Mapping[str, object] = field(default_factory=dict)

    @property
    def involves_person(self) -> bool:
        return self.outcome in ("offer_person", "handover")
