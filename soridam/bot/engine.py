"""The bot engine: one function for every channel, ``reply(conversation) -> BotReply`` (contract.py).

It decides in this order (README.md): a reason to hand over (safety, legal threat, an explicit request,
abuse, anger at the help, a staff-only action, beyond policy, an answer missed twice), a case-status
question, an order-status question (or the proof the bot asked for), a greeting or a closing, and otherwise
an answer from the knowledge base when the retrieval is confident, or an offer of a person when it is not;
the second unsure turn in a row hands over. Everything it says is a template (texts.py) or a passage of an
article.
"""

from __future__ import annotations

from soridam.customers.models import Customer

from . import intents, llm, order_status, status, texts
from .answers import LIVE, Article, Library, find, passage
from .contract import BotReply, Conversation, Outcome, Source, Turn

ORDER_TURNS = 3  # the customer's earlier turns an order's number and proof are looked for in, once asked
SHORT_ANSWER_CHARS = 30  # once asked, a message this short without a question mark is taken as the answer
LOW_CONFIDENCE_TURNS = 2  # the second unsure answer in a row goes to a person (R-BOT-6)
HANGUL_SHARE_FOR_KOREAN = 0.2


def reply(conversation: Conversation) -> BotReply:
    return respond(conversation, LIVE)


def respond(conversation: Conversation, library: Library) -> BotReply:
    language = detect_language(conversation.text, conversation.language)
    name = _customer_name(conversation.customer_id)
    speaker = _Speaker(language, name, first=_first_turn(conversation))
    state = dict(conversation.state)
    reason = handover_reason(conversation)
    if reason:
        return speaker.handover(reason, state)
    if intents.asks_case_status(conversation.text):
        return speaker.status(
            status.look_up(conversation.text, conversation.customer_id, _session(conversation)), state
        )
    if intents.asks_order_status(conversation.text) or _order_pending(conversation):
        return _order(conversation, library, speaker, state)
    state.pop("order", None)
    if intents.is_greeting_only(conversation.text):
        return speaker.say("greeting", "greeting", state)
    if intents.is_thanks(conversation.text) and _customer_turns(conversation.history):
        return speaker.closing(_topic(conversation, library), state)
    return _answer(conversation, library, speaker, state)


def handover_reason(conversation: Conversation) -> str:
    """Why the newest message needs a person now, or "" (the triggers of R-BOT-6, most serious first)."""
    text = conversation.text
    answered_before = any(turn.author in ("bot", "agent") for turn in conversation.history)
    missed_before = int(str(conversation.state.get("missed", 0)) or 0)
    checks = (
        ("safety", intents.is_safety_incident(text)),
        ("legal", intents.is_legal_threat(text)),
        ("explicit", intents.asks_for_person(text)),
        ("abuse", intents.is_abusive(text)),
        ("anger", answered_before and intents.is_angry_at_help(text)),
        ("staff_action", intents.asks_staff_action(text)),
        ("stuck", intents.is_stuck_for_days(text)),
        ("beyond_policy", intents.is_beyond_policy(text)),
        (
            "missed_twice",
            intents.says_answer_missed(text) and (intents.says_repeated(text) or missed_before >= 1),
        ),
    )
    return next((name for name, fired in checks if fired), "")


def _answer(conversation: Conversation, library: Library, speaker: _Speaker, state: dict[str, object]) -> BotReply:
    question = _context(conversation.history, conversation.text)
    answered = conversation.state.get("article")
    if isinstance(answered, int) and answered in (last := library.articles([answered])):
        question = f"{question} {last[answered].title}"
    found = find(question, library)
    missed = intents.says_answer_missed(conversation.text)
    state["missed"] = int(str(state.get("missed", 0)) or 0) + 1 if missed else 0
    repeated = found.article is not None and missed and state.get("article") == found.article.key
    if found.article is not None and not repeated:
        state["unsure"] = 0
        state["article"] = found.article.key
        written = llm.write(conversation.text, [llm.Passage(found.article.key, found.article.body)], speaker.language)
        if written is not None:
            return speaker.written(written, found.article, found.confidence, state)
        return speaker.answer(found.article, conversation.text, found.confidence, state)
    state["unsure"] = int(str(state.get("unsure", 0)) or 0) + 1
    if int(str(state["unsure"])) >= LOW_CONFIDENCE_TURNS:
        return speaker.handover("low_confidence", state)
    return speaker.offer_person(found.best, state)


def _order_pending(conversation: Conversation) -> bool:
    """The bot asked for an order's number and proof, and this message may bring them: a number, an e-mail
    address, or a few words that are not a question (a name)."""
    if conversation.state.get("order") != "asked":
        return False
    text = conversation.text.strip()
    short_answer = len(text) <= SHORT_ANSWER_CHARS and "?" not in text
    short_answer = short_answer and not intents.is_thanks(text) and not intents.is_greeting_only(text)
    return bool(intents.order_number_candidates(text)) or "@" in text or short_answer


def _order(conversation: Conversation, library: Library, speaker: _Speaker, state: dict[str, object]) -> BotReply:
    asked = conversation.state.get("order") == "asked"
    earlier = _customer_turns(conversation.history)[::-1][:ORDER_TURNS] if asked else []
    lookup = order_status.look_up(
        [conversation.text, *earlier],
        conversation.customer_id,
        _session(conversation),
        failures=int(str(state.get("order_failures", 0)) or 0),
        asked=asked,
    )
    state["order_failures"] = lookup.failures
    state["order"] = "shown" if lookup.state == "found" else "asked"
    if lookup.state == "handover":
        return speaker.handover("order_unverified", state)
    if lookup.state == "found":
        # R-BOT-5 hooks in here: an offer of the remedies policy auto-approves for these orders (not built yet).
        state["orders"] = [view.number for view in lookup.orders]
        return speaker.orders(lookup.orders, state)
    if lookup.state != "ask":
        return speaker.say("status_limited" if lookup.state == "limited" else "order_none", "status", state)
    found = find(_context(conversation.history, conversation.text), library)
    if found.article is None or asked:
        return speaker.say("order_ask", "clarify", state)
    state["article"], state["unsure"] = found.article.key, 0
    return speaker.answer(found.article, conversation.text, found.confidence, state, also="order_ask")


def _topic(conversation: Conversation, library: Library) -> Article | None:
    """What the conversation was about: the article the bot last answered from, else the best match of the
    earlier turns."""
    answered = conversation.state.get("article")
    if isinstance(answered, int):
        found = library.articles([answered]).get(answered)
        if found is not None:
            return found
    return find(_context(conversation.history, ""), library).best


def _customer_turns(history: tuple[Turn, ...]) -> list[str]:
    return [turn.text for turn in history if turn.author == "customer"]


def _context(history: tuple[Turn, ...], text: str) -> str:
    """The newest message first, then the customer's earlier turns, newest first, then the last answer they
    got: a short follow-up ("그럼 오늘의특가 상품엔 쿠폰 돼요?") is read with what it follows, and a long
    history is cut at its oldest end (the search reads the first QUESTION_CHARS)."""
    return " ".join([text, *reversed(_customer_turns(history)), *_last_answer(history)]).strip()


def _last_answer(history: tuple[Turn, ...]) -> list[str]:
    """The last reply a person (or another bot) gave to a question, not to a hello, as zero or one text. The
    engine's own replies are templates around a passage: what they were about is ``state["article"]``."""
    asked = ""
    answer: list[str] = []
    for turn in history:
        if turn.author == "customer":
            asked = turn.text
        elif turn.author == "agent" and asked and not intents.is_greeting_only(asked):
            answer = [turn.text]
    return answer


def detect_language(text: str, declared: str) -> str:
    """The conversation's language, unless the text clearly is the other one (Korean with English words is Korean)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return declared if declared in ("ko", "en") else "ko"
    hangul = sum(1 for ch in letters if "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e")
    return "ko" if hangul / len(letters) >= HANGUL_SHARE_FOR_KOREAN else "en"


def _customer_name(customer_id: int | None) -> str:
    if customer_id is None:
        return ""
    return Customer.objects.filter(pk=customer_id).values_list("name", flat=True).first() or ""


def _first_turn(conversation: Conversation) -> bool:
    return not any(turn.author == "bot" for turn in conversation.history) and not conversation.state.get("introduced")


def _session(conversation: Conversation) -> str:
    if conversation.session:
        return f"{conversation.channel}:{conversation.session}"
    if conversation.customer_id is not None:
        return f"customer:{conversation.customer_id}"
    return conversation.channel


class _Speaker:
    """Builds the reply's text from templates: the salutation, the automated notice on the first turn, the
    passage and its link, and the way to a person."""

    def __init__(self, language: str, name: str, *, first: bool) -> None:
        self.language = language
        self.name = name
        self.first = first

    def _text(self, *parts: str) -> str:
        opening = texts.salutation(self.name, self.language)
        lines = [opening + parts[0], *parts[1:]]
        if self.first:
            lines.append(texts.in_language(self.language, "automated"))
        return "\n\n".join(line for line in lines if line)

    def _t(self, key: str) -> str:
        return texts.in_language(self.language, key)

    def _done(self, state: dict[str, object]) -> dict[str, object]:
        state["introduced"] = True
        return state

    def say(self, key: str, outcome: Outcome, state: dict[str, object]) -> BotReply:
        return BotReply(text=self._text(self._t(key)), outcome=outcome, intent=key, state=self._done(state))

    def answer(
        self, article: Article, question: str, confidence: float, state: dict[str, object], *, also: str = ""
    ) -> BotReply:
        quoted = f"“{passage(article, question)}”"
        link = f"{article.title} — {article.url}"
        more = self._t(also) if also else ""
        return BotReply(
            text=self._text(self._t("answer_intro"), quoted, link, more, self._t("footer")),
            outcome="answered",
            sources=(Source(article.key, article.title, article.url),),
            intent=f"article:{article.key}",
            confidence=confidence,
            state=self._done(state),
        )

    def written(self, written: llm.Written, article: Article, confidence: float, state: dict[str, object]) -> BotReply:
        """The LLM's answer; it cited only the article it was given, which is linked as in a quoted answer."""
        link = f"{article.title} — {article.url}"
        return BotReply(
            text=self._text(written.text, link, self._t("footer")),
            outcome="answered",
            sources=(Source(article.key, article.title, article.url),),
            intent=f"article:{article.key}",
            confidence=confidence,
            state=self._done(state),
        )

    def offer_person(self, topic: Article | None, state: dict[str, object]) -> BotReply:
        return BotReply(
            text=self._text(self._t("offer_person")),
            outcome="offer_person",
            intent=f"article:{topic.key}" if topic else "unknown",
            handover_reason="low_confidence",
            state=self._done(state),
        )

    def handover(self, reason: str, state: dict[str, object]) -> BotReply:
        key = {"safety": "handover_safety", "order_unverified": "order_handover"}.get(reason, "handover")
        return BotReply(
            text=self._text(self._t(key)),
            outcome="handover",
            intent="ask_person" if reason == "explicit" else reason,
            handover_reason=reason,
            state=self._done(state),
        )

    def closing(self, topic: Article | None, state: dict[str, object]) -> BotReply:
        sources = (Source(topic.key, topic.title, topic.url),) if topic else ()
        return BotReply(
            text=self._text(self._t("closing")), outcome="greeting", sources=sources, intent="thanks", state=state
        )

    def status(self, lookup: status.Lookup, state: dict[str, object]) -> BotReply:
        if lookup.state == "found":
            lines = [f"{case.reference} · {case.subject} · {case.stage}" for case in lookup.cases]
            body = self._text(self._t("status_intro"), "\n".join(lines))
        else:
            key = {"none": "status_none", "ask": "status_ask", "limited": "status_limited"}[lookup.state]
            body = self._text(self._t(key))
        return BotReply(text=body, outcome="status", intent="case_status", state=self._done(state))

    def orders(self, orders: tuple[order_status.OrderView, ...], state: dict[str, object]) -> BotReply:
        blocks = ["\n".join(texts.order_lines(self.language, view)) for view in orders]
        intro = self._t("order_intro") if len(orders) > 1 else blocks.pop(0)
        body = self._text(intro, *blocks, self._t("footer"))
        return BotReply(text=body, outcome="status", intent="order_status", state=self._done(state))
