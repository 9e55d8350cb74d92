"""The phone log: an agent records a call on a case, or a call opens a case (kind ``phone``).

A call becomes a message on the case in one transaction with its timeline event and audit entries: a
staff-only note written in words ("Incoming call, 3:20: ...") beside the call's own row (``PhoneCall``), or,
for a call that opens a case, the case's first message. The number is matched to a customer by its canonical
form (``customers.phones``): the same line typed ``+82 10-…`` or ``010-…`` finds the same person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.errors import InvalidChange
from soridam.cases.models import Case, Message
from soridam.channels.kinds import Channel
from soridam.channels.phone.models import Direction, PhoneCall
from soridam.customers.actions import Contact
from soridam.customers.models import Customer, Identity
from soridam.customers.phones import canonical_phone, looks_like_phone

SUBJECT_CHARS = 80


@dataclass(frozen=True)
class CallDetails:
    direction: str  # Direction
    number: str  # as typed; stored canonical
    started_at: datetime
    duration_seconds: int
    summary: str


def log_call(case: Case, call: CallDetails, *, actor: Actor) -> PhoneCall:
    """Record a call on ``case`` as a staff note with the call's row. The caller holds the case's row lock."""
    number = _checked_number(call.number)
    message = actions.add_note(case, call_text(call), actor=actor)
    return _record(case, message, call, number, actor)


def open_case_from_call(call: CallDetails, *, name: str, actor: Actor) -> PhoneCall:
    """A call about something new: the customer found by the number (or created with it) and a phone case
    opened with the summary as its first message. No acknowledgement: the customer was just on the line."""
    number = _checked_number(call.number)
    with transaction.atomic():
        known = customer_by_phone(number)
        # The known customer's e-mail too: one known only by the phone field (no phone identity) is found by it.
        email = known.email if known else ""
        contact = Contact(name=(known.name if known else name.strip()) or number, email=email, phone=number)
        subject = call.summary.strip().splitlines()[0][:SUBJECT_CHARS] if call.summary.strip() else _("Phone call")
        new = actions.NewCase(subject, call.summary, contact, channel=Channel.PHONE, acknowledge=False)
        case = actions.open_case(new, actor=actor)
        first = Message.objects.filter(case=case).order_by("pk").first()
        assert first is not None  # noqa: S101 - open_case always stores the first message
        return _record(case, first, call, number, actor)


def customer_by_phone(number: str) -> Customer | None:
    """Who this number belongs to: the phone identity (as intake stores it), else a customer's phone field."""
    canonical = canonical_phone(number)
    if not canonical:
        return None
    identity = Identity.objects.select_related("customer").filter(**Identity.match(Channel.SMS, canonical)).first()
    if identity is not None:
        return identity.customer
    return Customer.objects.filter(phone=canonical).order_by("pk").first()


def call_text(call: CallDetails) -> str:
    """The note as agents read it on the timeline (the number is on the call row, shown masked to whom it must be)."""
    label = Direction(call.direction).label
    minutes, seconds = divmod(call.duration_seconds, 60)
    return f"{label} ({minutes}:{seconds:02d}): {call.summary.strip()}"


def _checked_number(number: str) -> str:
    if not looks_like_phone(number):
        raise InvalidChange(_("Enter the phone number of the call (at least 8 digits)."), field="number")
    return canonical_phone(number)


def _record(case: Case, message: Message, call: CallDetails, number: str, actor: Actor) -> PhoneCall:
    matched = case.customer if case.customer.phone == number else customer_by_phone(number)
    phone_call = PhoneCall.objects.create(
        case=case,
        message=message,
        customer=matched,
        agent=actor.user,
        direction=call.direction,
        number=number,
        started_at=call.started_at,
        duration_seconds=call.duration_seconds,
        summary=call.summary.strip(),
    )
    data = {"call": phone_call.pk, "direction": call.direction, "duration": call.duration_seconds}
    audit.record_case(actor, "case.phone_call", target=case, data=data)
    return phone_call
