"""Finding or creating the customer behind a contact."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from soridam.channels.kinds import Channel
from soridam.customers.models import Customer, Identity
from soridam.customers.phones import canonical_phone
from soridam.lib.rows import Lookup, insert


@dataclass(frozen=True)
class Contact:
    name: str
    email: str = ""
    phone: str = ""
    language: str = "ko"
    # (channel, id) of a messenger user (a LINE user id, a Telegram chat id): who wrote, when the
    # channel gives no e-mail address or phone number. The channel has authenticated it.
    handle: tuple[str, str] | None = None
    # The channel has verified ``phone`` (WhatsApp's sender number): the same number already known links the
    # handle to that customer instead of a new one (R-CRM-1: only a verified identical identifier merges).
    phone_verified: bool = False


def normalise_phone(phone: str) -> str:
    """The canonical form stored on the customer and its identity (see ``customers.phones``)."""
    return canonical_phone(phone)


def find_or_create_customer(contact: Contact) -> Customer:
    """The customer known by this messenger handle, else e-mail, else phone; a new one when nobody is.

    The e-mail or phone identity row is unique, so two concurrent first contacts still end as one customer.
    """
    channel, external_id = _identity_key(contact)
    known = _KNOWN_CUSTOMER.first(channel, external_id)  # every channel message asks: see lib/rows.py
    if known is not None:
        return known
    linked = _by_verified_phone(contact, channel, external_id)
    if linked is not None:
        return linked
    with transaction.atomic(savepoint=False):
        customer = insert(
            Customer(
                name=contact.name.strip()[:120],
                email=contact.email.strip().lower(),
                phone=normalise_phone(contact.phone),
                language=contact.language,
            )
        )
        if _claim_identity(customer, channel, external_id):
            if contact.handle is not None and contact.phone_verified and customer.phone:
                _claim_identity(customer, Channel.SMS, customer.phone)  # later calls and texts find them
            return customer
        customer.delete()  # a concurrent first contact won the identity: use its customer
    return Identity.objects.select_related("customer").get(channel=channel, external_id=external_id).customer


def _by_verified_phone(contact: Contact, channel: str, external_id: str) -> Customer | None:
    """The customer who already has this verified number, now also known by the messenger handle."""
    phone = normalise_phone(contact.phone)
    if contact.handle is None or not contact.phone_verified or not phone:
        return None
    customer = _KNOWN_CUSTOMER.first(Channel.SMS, phone)
    if customer is None or not _claim_identity(customer, channel, external_id):
        return None
    return customer


_KNOWN_CUSTOMER = Lookup(Customer, "channel = %s AND external_id = %s", through=(Identity, "customer"))


def _claim_identity(customer: Customer, channel: str, external_id: str) -> bool:
    """Insert the identity unless it exists: ``ON CONFLICT DO NOTHING`` instead of a savepoint and an
    IntegrityError saves two round trips per new customer (PostgreSQL and SQLite both speak it)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in ("customer_id", "channel", "external_id", "created_at"))
    sql = (
        f"INSERT INTO {quote(Identity._meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s) "  # noqa: S608
        f"ON CONFLICT ({quote('channel')}, {quote('external_id')}) DO NOTHING RETURNING {quote('id')}"
    )
    created_at = Identity._meta.get_field("created_at").get_db_prep_value(timezone.now(), connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [customer.pk, channel, external_id, created_at])
        return cursor.fetchone() is not None


def _identity_key(contact: Contact) -> tuple[str, str]:
    if contact.handle is not None:
        return contact.handle
    if contact.email.strip():
        return Channel.EMAIL, contact.email.strip().lower()
    phone = normalise_phone(contact.phone)
    if not phone:
        raise ValueError("a contact needs an e-mail address or a phone number")
    return Channel.SMS, phone
