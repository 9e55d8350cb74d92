"""The e-mail Transport: the worked example of a channel (see soridam/channels/base.py)."""

from __future__ import annotations

import contextlib
import hashlib
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from soridam.cases import actions
from soridam.cases.models import Case, Message
from soridam.cases.uploads import Upload, UploadRefused, check_upload
from soridam.channels.base import Delivered, Health, Ignored, Rejected, Sender, SendResult, Transport, register
from soridam.channels.email import reader
from soridam.channels.email.parse import AttachedMessage, ParsedAttachment, ParsedEmail, ParseError
from soridam.channels.email.quotes import extract_reply
from soridam.channels.email.sending import send_email, smtp_session
from soridam.channels.email.thread_matching import ThreadDecision, clean_subject, decide
from soridam.channels.models import CaseParticipant, ChannelAccount, ChannelMessage, ParticipantRole, RawPayload
from soridam.customers.actions import Contact
from soridam.lib.rows import insert
from soridam.notifications.models import OutboundMessage
from soridam.notifications.outbox import mark_bounced

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
ACKS_PER_SENDER_PER_HOUR = 5


@dataclass(frozen=True)
class Normalised:
    """An e-mail parsed, threaded and with its reply extracted; nothing stored yet (``ingest_eml --dry-run``)."""

    parsed: ParsedEmail
    reply_text: str
    decision: ThreadDecision


def normalise(raw: bytes) -> Normalised:
    try:
        parsed = reader.read_email(raw)
    except ParseError as exc:
        raise Rejected(str(exc)) from None
    return Normalised(parsed, extract_reply(parsed.text), decide(parsed))


def own_addresses() -> set[str]:
    """Our own addresses: mail from them is a loop or a forgery, and they are never participants."""
    from soridam.accounts.models import Team

    found = {parseaddr(str(settings.DEFAULT_FROM_EMAIL))[1].lower()}
    found |= {a.lower() for a in ChannelAccount.objects.exclude(address="").values_list("address", flat=True)}
    found |= {a.lower() for a in Team.objects.exclude(email_address="").values_list("email_address", flat=True)}
    return found - {""}


class _AddressCache:
    """own_addresses() for a few seconds: a mailbox batch must not re-query it for every message."""

    ttl = 10.0

    def __init__(self) -> None:
        self.value: set[str] = set()
        self.loaded_at = -1e9

    def get(self) -> set[str]:
        now = time.monotonic()
        if now - self.loaded_at > self.ttl:
            self.value, self.loaded_at = own_addresses(), now
        return self.value


_own = _AddressCache()


class EmailTransport(Transport):
    kind = "email"

    def external_id(self, raw: bytes) -> str:
        return reader.external_id(raw)

    def same_content(self, stored: bytes, raw: bytes) -> bool:
        """Trace headers differ per mailbox and relay; the body and the author's headers do not."""
        return reader.content_digest(stored) == reader.content_digest(raw)

    def verify(self, raw: bytes, account: ChannelAccount | None) -> None:
        if len(raw) > reader.max_message_bytes():
            raise Rejected(f"message is {len(raw)} bytes, over the {reader.max_message_bytes()} byte limit")

    def process(self, payload: RawPayload) -> Delivered | Ignored:
        normalised = normalise(bytes(payload.raw))
        parsed, decision = normalised.parsed, normalised.decision
        ours = _own.get()
        if parsed.from_address in ours:
            raise Rejected(f"mail claims to come from our own address {parsed.from_address} (loop or forgery)")
        if parsed.auto_reason:
            return _ignore_automatic(parsed, decision)
        uploads, notes = _uploads(parsed)
        address = parsed.from_address or unanswerable_sender(parsed)
        new = actions.NewCase(
            subject=clean_subject(parsed.subject) or _("(no subject)"),
            body=normalised.reply_text or _("(no text)"),
            contact=Contact(name=parsed.from_name or address, email=address, language=_lang(parsed)),
            channel="email",
            uploads=uploads,
            related_case=decision.related,
            acknowledge=bool(parsed.from_address)
            and not parsed.is_list
            and (decision.case is not None or _may_acknowledge(parsed.from_address)),
        )
        message = actions.receive_channel_message(new, case=decision.case)
        _record_participants(message.case, decision.case, parsed, ours)
        insert(
            ChannelMessage(
                message=message,
                case=message.case,
                payload=payload,
                external_id=parsed.message_id,
                sender=address,
                subject=parsed.subject[:300],
                full_text=full_text(parsed),
                safe_html=parsed.html,
                possibly_related=decision.related is not None,
                notes="\n".join(notes),
                warnings=parsed.warnings,
            )
        )
        return Delivered(case=message.case, message=message)

    def send(self, outbound: OutboundMessage) -> SendResult:
        return send_email(outbound)

    @contextlib.contextmanager
    def session(self, outbounds: Sequence[OutboundMessage]) -> Iterator[Sender]:
        """One SMTP connection for a batch of rows (``sending.smtp_session``)."""
        with smtp_session(outbounds) as send:
            yield send

    def health(self, account: ChannelAccount) -> Health:
        from soridam.channels.email.imap import check_login

        return check_login(account)


def _ignore_automatic(parsed: ParsedEmail, decision: ThreadDecision) -> Ignored:
    """Auto-replies and bounces never open a case and never get an answer (no mail loops)."""
    if parsed.is_bounce:
        failed = mark_bounced(parsed.bounced_ids, parsed.bounce_reason or parsed.subject)
        return Ignored(f"bounce ({parsed.bounce_reason or 'no status'}); {failed} outbound message(s) marked failed")
    return Ignored(f"automatic mail ({parsed.auto_reason})", case=decision.case)


def unanswerable_sender(parsed: ParsedEmail) -> str:
    """A placeholder customer address for mail without any sender: one per message, never deliverable
    (``.invalid``, RFC 2606), so such mail is read by an agent and never pooled under one customer."""
    return f"unknown-sender.{hashlib.sha256(parsed.message_id.encode()).hexdigest()[:16]}@sender.invalid"


def full_text(parsed: ParsedEmail) -> str:
    """The text for the original view: the message's own, then each attached message with its sender and subject."""
    blocks = [parsed.text]
    for attached in parsed.attached_messages:
        if attached.text.strip() and attached.text != parsed.text:
            head = (
                f"---------- {attached.filename} ----------\nFrom: {attached.from_address}\nSubject: {attached.subject}"
            )
            blocks.append(f"{head}\n\n{attached.text}")
    return "\n\n".join(block for block in blocks if block)


def _uploads(parsed: ParsedEmail) -> tuple[list[Upload], list[str]]:
    uploads: list[Upload] = []
    notes: list[str] = []
    files = [*parsed.attachments, *(_as_file(m) for m in parsed.attached_messages if m.raw)]
    for attachment in files:
        if len(uploads) >= settings.SORIDAM_MAX_ATTACHMENTS:
            notes.append(f"{attachment.filename}: over the attachment limit, kept in the original only")
            continue
        try:
            # Never refuse a customer's e-mail over a name: neutralise it (invoice.html -> invoice.html.txt).
            uploads.append(check_upload(attachment.filename, attachment.content, refuse_active_names=False))
        except UploadRefused as exc:
            notes.append(f"{attachment.filename}: {exc} (kept in the original)")
    return uploads, notes


def _as_file(message: AttachedMessage) -> ParsedAttachment:
    """An attached message is stored whole as an .eml, so the agent can open it with its own files."""
    name = message.filename if message.filename.lower().endswith(".eml") else f"{message.filename}.eml"
    return ParsedAttachment(name, "message/rfc822", message.raw)


def _record_participants(case: Case, joined: Case | None, parsed: ParsedEmail, ours: set[str]) -> None:
    """The sender (on a new case) and everyone they copied may write on the case from now on."""
    copied = {a for a in parsed.cc if a not in ours and a != parsed.from_address}
    rows = [CaseParticipant(case=case, address=a[:255], role=ParticipantRole.CC) for a in sorted(copied)]
    if parsed.from_address and (joined is None or joined.pk != case.pk):  # a new case: threading knows the rest
        is_customer = case.customer.email.lower() == parsed.from_address
        role = ParticipantRole.CUSTOMER if is_customer else ParticipantRole.CC
        rows.append(CaseParticipant(case=case, address=parsed.from_address, role=role))
    if rows:
        CaseParticipant.objects.bulk_create(rows, ignore_conflicts=True)


def _may_acknowledge(sender: str) -> bool:
    """At most a few acknowledgements per sender and hour: an autoresponder that sets none of the
    RFC 3834 headers must not ping-pong with ours forever."""
    since = timezone.now() - timedelta(hours=1)
    with connection.cursor() as cursor:  # every new case asks; the ORM took 1.3 ms to build this query
        cursor.execute(_CASES_OPENED_BY_SENDER, [sender, connection.ops.adapt_datetimefield_value(since)])
        (opened,) = cursor.fetchone()
    return int(opened) < ACKS_PER_SENDER_PER_HOUR


_CASES_OPENED_BY_SENDER = (
    f"SELECT COUNT(DISTINCT meta.case_id) FROM {ChannelMessage._meta.db_table} meta "  # noqa: S608
    f"JOIN {Message._meta.db_table} message ON message.id = meta.message_id "
    "WHERE meta.sender = %s AND NOT meta.possibly_related AND message.created_at >= %s"
)


def _lang(parsed: ParsedEmail) -> str:
    return "ko" if _HANGUL.search(parsed.subject + parsed.text[:2000]) or not parsed.text else "en"


register(EmailTransport())
