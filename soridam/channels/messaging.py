"""What every messenger channel (LINE, Telegram, WhatsApp, Messenger, Instagram, KakaoTalk, Naver TalkTalk)
does with a customer's message once its transport has parsed the provider's payload.

``take_in`` runs inside the pipeline's transaction (``Transport.process``). It keeps one ``MessengerThread``
per customer and account, locked while a message is taken in, so two deliveries of one conversation never
race. Then:

1. the same provider event twice (a re-delivery in another body) is ignored: the event id is the channel
   message's ``external_id``;
2. the customer is found or created by their id on the channel (``Contact.handle``), and the message joins
   the conversation's case, or opens one (a finished case reopens, or gets a follow-up, as ``cases.actions``
   decides); agents' replies then go back on this channel (``notifications.outbox.customer_route``);
3. the bot answers first (``SORIDAM_CHAT_RESPONDER``) until it hands over or a person has replied: its answer is
   a reply on the case, sent on the channel, and the case waits for the customer instead of an agent; a
   hand-over writes the bot's note and tag and routes the case. Without a bot the customer gets the usual
   acknowledgement.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from soridam.audit.actors import Actor
from soridam.bot.contract import Author, BotReply, Conversation, Turn
from soridam.bot.handover import hand_over
from soridam.bot.responder import Responder, configured_responder
from soridam.cases import actions
from soridam.cases.bot_actions import record_bot_answer
from soridam.cases.models import Case, Message, MessageKind
from soridam.channels.base import Delivered, Ignored, Rejected
from soridam.channels.kinds import Channel
from soridam.channels.models import ChannelAccount, ChannelMessage, MessengerThread, RawPayload
from soridam.customers.actions import Contact, find_or_create_customer
from soridam.lib.jobs import enqueue_job_on_commit
from soridam.lib.rows import insert

BOT = Actor(system="bot")
HISTORY_TURNS = 20


@dataclass(frozen=True)
class Inbound:
    """One customer message as a transport parsed it from the provider's payload."""

    event_id: str  # the provider's id of this message (webhookEventId, update_id, wamid): re-deliveries share it
    user_id: str  # the customer's id on the channel; replies are addressed to it
    text: str
    name: str = ""
    language: str = "ko"
    phone: str = ""  # a phone number the provider has verified (WhatsApp's sender), else ""
    reply_context: Mapping[str, object] = field(default_factory=dict)  # e.g. a LINE reply token and its time


@dataclass(frozen=True)
class TakenIn:
    outcome: Delivered | Ignored
    thread: MessengerThread | None = None
    bot: BotReply | None = None  # what the bot answered (already on the case), for channels that answer inline


def take_in(
    payload: RawPayload,
    inbound: Inbound,
    *,
    answer_inline: bool = False,
    silent: bool = False,
    responder: Responder | None = None,
) -> TakenIn:
    """The message of ``payload`` onto its conversation's case, and the bot's turn. ``answer_inline``: the
    channel gives the bot's answer to the customer in its HTTP response, so it is recorded but not sent.
    ``silent``: the provider says a person owns the conversation on its side (Naver TalkTalk's ``standby``):
    the message is stored, and neither the bot nor the acknowledgement answers. ``responder``: the bot for
    this message instead of ``SORIDAM_CHAT_RESPONDER`` (a consent notice before any other answer)."""
    account = payload.account
    if account is None:
        raise Rejected("a messenger payload needs the account it came to")
    inbound = _without_nul(inbound)
    if not inbound.user_id or not inbound.text.strip():
        raise Rejected("the message has no sender or no text")
    with transaction.atomic():
        thread = _locked_thread(account, inbound)
        if _seen(account, inbound.event_id):
            return TakenIn(Ignored(f"event {inbound.event_id} is stored already", case=thread.case), thread)
        bot_on = not silent and _bot_answers(account, thread)
        message = _store(payload, thread, inbound, acknowledge=not bot_on and not silent)
        answer = _bot_turn(thread, message, inbound, answer_inline, responder) if bot_on else None
        thread.save()
        return TakenIn(Delivered(case=message.case, message=message), thread, answer)


def _without_nul(inbound: Inbound) -> Inbound:
    """PostgreSQL text refuses NUL; a customer's message (or a crafted id) may hold one. Drop it, as e-mail does."""
    return replace(
        inbound,
        event_id=inbound.event_id.replace("\x00", ""),
        user_id=inbound.user_id.replace("\x00", ""),
        text=inbound.text.replace("\x00", ""),
        name=inbound.name.replace("\x00", ""),
        phone=inbound.phone.replace("\x00", ""),
    )


def _locked_thread(account: ChannelAccount, inbound: Inbound) -> MessengerThread:
    thread = MessengerThread.objects.select_for_update().filter(account=account, user_id=inbound.user_id).first()
    if thread is not None:
        return thread
    customer = find_or_create_customer(_contact(account, inbound))
    thread, _created = MessengerThread.objects.get_or_create(
        account=account, user_id=inbound.user_id, defaults={"customer": customer}
    )
    return MessengerThread.objects.select_for_update().get(pk=thread.pk)


def _contact(account: ChannelAccount, inbound: Inbound) -> Contact:
    name = inbound.name.strip() or _("%(channel)s customer") % {
        "channel": dict(Channel.choices).get(account.kind, account.kind)
    }
    return Contact(
        name=name,
        phone=inbound.phone,
        language=inbound.language,
        handle=(account.kind, inbound.user_id),
        phone_verified=bool(inbound.phone),
    )


def _seen(account: ChannelAccount, event_id: str) -> bool:
    return ChannelMessage.objects.filter(payload__account=account, external_id=event_id).exists()


def _bot_answers(account: ChannelAccount, thread: MessengerThread) -> bool:
    if not account.options.get("bot", True) or not thread.bot_active:
        return False
    # Once a person has answered on the case, the conversation is theirs.
    return thread.case_id is None or not _answered_by_person(thread.case_id)


def _answered_by_person(case_id: int) -> bool:
    return Message.objects.filter(case_id=case_id, kind=MessageKind.REPLY, author_user__isnull=False).exists()


def _store(payload: RawPayload, thread: MessengerThread, inbound: Inbound, *, acknowledge: bool) -> Message:
    case = Case.objects.select_related("customer").filter(pk=thread.case_id).first() if thread.case_id else None
    contact = Contact(name=thread.customer.name, phone=inbound.phone, handle=(payload.kind, inbound.user_id))
    subject = _first_line(inbound.text) or _("Message on %(channel)s") % {"channel": payload.kind}
    new = actions.NewCase(
        subject=subject, body=inbound.text, contact=contact, channel=payload.kind, acknowledge=acknowledge
    )
    message = actions.receive_channel_message(new, case=case)
    if message.case_id != thread.case_id:  # a new case, or a follow-up of a finished one: the bot starts again
        thread.case, thread.bot_active, thread.bot_state = message.case, True, {}
    insert(
        ChannelMessage(
            message=message,
            case=message.case,
            payload=payload,
            external_id=inbound.event_id[:255],
            sender=inbound.user_id[:255],
            full_text=inbound.text,
        )
    )
    thread.last_inbound_at, thread.reply_context = timezone.now(), dict(inbound.reply_context)
    return message


def _first_line(text: str) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line[:80]


def _bot_turn(
    thread: MessengerThread, message: Message, inbound: Inbound, answer_inline: bool, responder: Responder | None
) -> BotReply | None:
    responder = responder or configured_responder()
    if responder is None:
        return None
    case = message.case
    conversation = Conversation(
        text=inbound.text,
        history=_history(case, before=message.pk),
        customer_id=thread.customer_id,  # the messenger has authenticated the sender
        visitor_name=thread.customer.name,
        language=case.language,
        channel=thread.account.kind,
        state=thread.bot_state,
        session=f"{thread.account.kind}:{thread.pk}",
    )
    with translation.override(case.language):
        answer = responder(conversation)
    thread.bot_state = dict(answer.state)
    handing_over = answer.outcome == "handover"
    record_bot_answer(case, answer.text, actor=BOT, send=not answer_inline, wait_for_customer=not handing_over)
    if handing_over:
        thread.bot_active = False
        hand_over(case.pk, conversation, answer)
        enqueue_job_on_commit("soridam.routing.tasks.route_case", case.pk)
    return answer


def bot_answer_ahead(account: ChannelAccount, inbound: Inbound) -> tuple[BotReply | None, str]:
    """The bot's answer to a message that is not on its case yet, and the language to give it in: for a channel
    that must answer within its HTTP deadline before the case work is done (KakaoTalk). A few reads (the
    thread, its case's last turns) and the bot; ``take_in`` later stores the message and records this answer
    with ``replaying(reply)`` as its responder. None: the bot does not answer this conversation."""
    thread = (
        MessengerThread.objects.select_related("customer", "case")
        .filter(account=account, user_id=inbound.user_id)
        .first()
    )
    case = thread.case if thread is not None else None
    language = case.language if case is not None else inbound.language
    on = _bot_answers(account, thread) if thread is not None else bool(account.options.get("bot", True))
    responder = configured_responder() if on else None
    if responder is None:
        return None, language
    conversation = Conversation(
        text=inbound.text,
        history=_history(case, before=None) if case is not None else (),
        customer_id=thread.customer_id if thread is not None else None,
        visitor_name=thread.customer.name if thread is not None else _contact(account, inbound).name,
        language=language,
        channel=account.kind,
        state=thread.bot_state if thread is not None else {},
        session=f"{account.kind}:{thread.pk}" if thread is not None else f"{account.kind}:{inbound.user_id}",
    )
    with translation.override(language):
        return responder(conversation), language


def replaying(reply: BotReply) -> Responder:
    """A responder that gives ``reply`` again: the answer the customer already has is the one recorded."""
    return lambda _conversation: reply


def _history(case: Case, *, before: int | None) -> tuple[Turn, ...]:
    turns = Message.objects.filter(case=case, kind__in=(MessageKind.CUSTOMER, MessageKind.REPLY))
    if before is not None:
        turns = turns.filter(pk__lt=before)
    earlier = turns.order_by("-pk").values_list("kind", "author_user_id", "body")[:HISTORY_TURNS]
    return tuple(Turn(author=_author(kind, user), text=body) for kind, user, body in reversed(earlier))


def _author(kind: str, user_id: int | None) -> Author:
    if kind == MessageKind.CUSTOMER:
        return "customer"
    return "agent" if user_id is not None else "bot"


def window_open(thread: MessengerThread, hours: int) -> bool:
    """Whether the customer wrote within the last ``hours`` (Meta's 24-hour customer-service window)."""
    return timezone.now() - thread.last_inbound_at <= timedelta(hours=hours)


def thread_of(outbound_account_id: int | None, recipient: str) -> MessengerThread | None:
    """The conversation an outbox row goes to (its reply context, its window)."""
    if outbound_account_id is None:
        return None
    return MessengerThread.objects.filter(account_id=outbound_account_id, user_id=recipient).first()
