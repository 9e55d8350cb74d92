"""Which case an inbound e-mail belongs to, in a fixed order (R-CHAN email threading):

1. ``In-Reply-To``, then ``References`` newest first, matched against Message-IDs we received or sent;
2. the case reference in the subject, e.g. ``[C-2026-000123]``;
3. otherwise a new case.

A match counts only when the sender is a participant of that case (the customer or a recorded Cc).
Anyone else gets a new case marked as possibly related: quoting a thread or a case number must never
put a stranger's words on, or show them anything of, someone else's case (SPEC 4.1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from soridam.cases.models import Case
from soridam.channels.email.parse import ParsedEmail
from soridam.channels.models import CaseParticipant, ChannelMessage
from soridam.customers.models import Customer
from soridam.lib.rows import Lookup
from soridam.notifications.models import OutboundMessage

_REFERENCE = re.compile(r"\[\s*(C-\d{4}-\d{6,})\s*\]", re.IGNORECASE)
_PREFIX = re.compile(r"^\s*((re|fwd?|aw|wg|sv|회신|답장|전달)\s*(\[\d+\])?\s*[:：]\s*)+", re.IGNORECASE)


@dataclass(frozen=True)
class ThreadDecision:
    case: Case | None  # append to this case
    related: Case | None  # a new case, possibly related to this one (stranger quoting it)
    rule: str  # which rule decided: "in-reply-to", "references", "subject", "new", "stranger"


def strip_subject_prefixes(subject: str) -> str:
    """``Re: 회신: Fwd: 배송 문의`` -> ``배송 문의``."""
    return _PREFIX.sub("", subject).strip()


def clean_subject(subject: str) -> str:
    """A new case's subject: no reply prefixes and no other case's reference (a stranger may quote one)."""
    return " ".join(_REFERENCE.sub(" ", strip_subject_prefixes(subject)).split())


def subject_reference(subject: str) -> str:
    match = _REFERENCE.search(subject)
    return match.group(1).upper() if match else ""


def decide(parsed: ParsedEmail) -> ThreadDecision:
    candidates = _candidates(parsed)
    for rule, case in candidates:
        if is_participant(case, parsed.from_address):
            return ThreadDecision(case=case, related=None, rule=rule)
    if candidates:
        return ThreadDecision(case=None, related=candidates[0][1], rule="stranger")
    return ThreadDecision(case=None, related=None, rule="new")


def _candidates(parsed: ParsedEmail) -> list[tuple[str, Case]]:
    found: list[tuple[str, Case]] = []
    ids = parsed.in_reply_to[:1] + list(reversed(parsed.references))
    matched = _case_by_message_ids(ids)
    if matched is not None:
        matched_id, case = matched
        found.append(("in-reply-to" if parsed.in_reply_to[:1] == [matched_id] else "references", case))
    reference = subject_reference(parsed.subject)
    if reference and not (found and found[0][1].reference == reference):
        by_subject = Case.objects.select_related("customer").filter(reference=reference).first()
        if by_subject is not None:
            found.append(("subject", by_subject))
    return found


def _case_by_message_ids(ids: list[str]) -> tuple[str, Case] | None:
    """The first id (in the given order) that we received or sent, with its case."""
    ids = ids[:50]  # a hostile References header must not make a huge IN query
    if not ids:
        return None
    newest = _case_by_newest_id(ids[0])
    if newest is not None:
        return ids[0], newest
    ids = ids[1:]  # the first is neither received nor sent: the rest keep their order
    if not ids:
        return None
    # The case (and its customer, for the participant check) comes in the same query as the id.
    known: dict[str, Case] = {}
    received = ChannelMessage.objects.filter(external_id__in=ids).select_related("case__customer")
    for row in received.defer("full_text", "safe_html", "notes"):
        known.setdefault(row.external_id, row.case)
    if not all(item in known for item in ids[:1]):
        wrapped = [f"<{item}>" for item in ids if item not in known]
        sent = OutboundMessage.objects.filter(channel="email", external_id__in=wrapped).select_related("case__customer")
        for email in sent.defer("body"):
            known.setdefault(email.external_id.strip("<>"), email.case)
    for item in ids:
        if item in known:
            return item, known[item]
    return None


_CASE_RECEIVED = Lookup(Case, "external_id = %s", through=(ChannelMessage, "case"))
_CASE_SENT = Lookup(Case, "external_id = %s AND channel = 'email'", through=(OutboundMessage, "case"))
_CUSTOMER = Lookup(Customer, "id = %s")


def _case_by_newest_id(message_id: str) -> Case | None:
    """Nearly every reply names the message it answers first: two short queries find its case without
    the ORM (bench/email_ingest.py), and the customer comes along for the participant check."""
    case = _CASE_RECEIVED.first(message_id) or _CASE_SENT.first(f"<{message_id}>")
    if case is not None:
        customer = _CUSTOMER.first(case.customer_id)
        if customer is not None:
            case.customer = customer
    return case


def is_participant(case: Case, address: str) -> bool:
    address = address.lower()
    if case.customer.email and case.customer.email.lower() == address:
        return True
    return CaseParticipant.objects.filter(case=case, address=address).exists()
