"""Turn a text for a phone number into a checked ``SmsMessage``: the size and characters (``text``), a
registered sender (발신번호 사전등록제) and the provider's national number format. Every check runs before
any request, and a refusal is permanent: the same text to the same number will never go."""

from __future__ import annotations

from django.utils.translation import gettext as _

from soridam.accounts import processors
from soridam.channels.base import TransportError
from soridam.channels.kinds import Channel
from soridam.channels.models import ChannelAccount
from soridam.channels.sms.providers import SmsMessage, provider_for
from soridam.channels.sms.text import SUBJECT_MAX_BYTES, TextRefused, byte_size, measure
from soridam.customers.phones import canonical_phone


def registered_senders(account: ChannelAccount) -> list[str]:
    """The account's registered sender numbers (option ``senders``: a list, or text split on commas)."""
    raw = account.options.get("senders") or []
    numbers = raw if isinstance(raw, list) else str(raw).split(",")
    return [digits for number in numbers if (digits := canonical_phone(str(number)))]


def registered_sender(account: ChannelAccount, wanted: str = "") -> str:
    """``wanted`` (else the option ``sender``, else the first registered number) if it is registered."""
    senders = registered_senders(account)
    sender = canonical_phone(wanted or str(account.options.get("sender") or "")) or (senders[0] if senders else "")
    if not sender or sender not in senders:
        raise TransportError(
            _("The sender number %(number)s is not registered for this SMS account (발신번호 사전등록제).")
            % {"number": sender or "-"},
            permanent=True,
        )
    return sender


def national_number(recipient: str) -> str:
    """``+82 10-1234-5678`` or ``010-1234-5678`` as the provider wants it: ``01012345678``."""
    number = canonical_phone(recipient)
    if not number or number.startswith("+"):
        raise TransportError(_("Text messages go to Korean phone numbers only."), permanent=True)
    return number


def prepare(
    account: ChannelAccount, recipient: str, content: str, *, subject: str = "", sender: str = ""
) -> SmsMessage:
    try:
        measured = measure(content, subject)
    except TextRefused as refused:
        raise TransportError(str(refused), permanent=True) from None
    return SmsMessage(
        to=national_number(recipient),
        sender=registered_sender(account, sender),
        content=content,
        measured=measured,
        subject=subject,
    )


def send_text(account: ChannelAccount, recipient: str, content: str, *, subject: str = "", sender: str = "") -> str:
    """Check and send one text; the provider's request id."""
    if not processors.is_accepted(Channel.SMS):  # R-SEC-13: the SMS provider is an outside processor
        raise TransportError(_("An admin has not accepted the SMS provider's outsourcing notice."), permanent=True)
    message = prepare(account, recipient, content, subject=subject, sender=sender)
    return provider_for(account).send(account, message)


def fitting_subject(subject: str) -> str:
    """A notice's subject goes along when it fits an LMS subject; else the text goes without one (the
    subject is optional, and cutting it would change what it says)."""
    try:
        return subject if byte_size(subject) <= SUBJECT_MAX_BYTES else ""
    except TextRefused:
        return ""
