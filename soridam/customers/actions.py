"""Finding or creating the customer behind a contact."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from soridam.channels.kinds import Channel
from soridam.customers.models import SHOP, Customer, CustomerNote, Identity
from soridam.customers.phones import canonical_phone
from soridam.lib.rows import Lookup, insert
from soridam.privacy.crypto import blind_index


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
    # The e-mail address is a login the customer proved they own (a signed-in account, not a typed address).
    email_verified: bool = False


def normalise_phone(phone: str) -> str:
    """The canonical form stored on the customer and its identity (see ``customers.phones``)."""
    return canonical_phone(phone)


def find_or_create_customer(contact: Contact) -> Customer:
    """The customer known by this messenger handle, else e-mail, else phone; a new one when nobody is.

    A contact whose channel verified its phone or e-mail joins the customer who already holds that identical
    identifier (R-CRM-2); anything less certain is only suggested to agents (``customers.suggestions``).
    The e-mail or phone identity row is unique, so two concurrent first contacts still end as one customer.
    """
    channel, external_id = _identity_key(contact)
    known = _known_customer(channel, external_id)  # every channel message asks: see lib/rows.py
    if known is not None:
        return known
    linked = _by_verified_identifier(contact, channel, external_id)
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
        if _claim_identity(customer, channel, external_id, verified=_key_is_verified(contact, channel)):
            for other_channel, other_id in _verified_extras(contact, channel):
                _claim_identity(customer, other_channel, other_id, verified=True)  # later contacts find them
            return customer
        customer.delete()  # a concurrent first contact won the identity: use its customer
    return Identity.objects.select_related("customer").get(**Identity.match(channel, external_id)).customer


def _verified_identifiers(contact: Contact) -> list[tuple[str, str]]:
    """The (channel, id) pairs of this contact that its channel has authenticated, besides a handle."""
    pairs = []
    phone = normalise_phone(contact.phone)
    if contact.phone_verified and phone:
        pairs.append((str(Channel.SMS), phone))
    email = contact.email.strip().lower()
    if contact.email_verified and email:
        pairs.append((str(Channel.EMAIL), email))
    return pairs


def _key_is_verified(contact: Contact, channel: str) -> bool:
    """A messenger handle is authenticated by its channel; an address or number only when the contact says so."""
    return contact.handle is not None or any(pair[0] == channel for pair in _verified_identifiers(contact))


def _verified_extras(contact: Contact, channel: str) -> list[tuple[str, str]]:
    return [pair for pair in _verified_identifiers(contact) if pair[0] != channel]


def _by_verified_identifier(contact: Contact, channel: str, external_id: str) -> Customer | None:
    """The customer who already has this verified phone or e-mail, now also known by the contact's own key."""
    for known_channel, known_id in _verified_extras(contact, channel):
        customer = _known_customer(known_channel, known_id)
        if customer is not None and _claim_identity(
            customer, channel, external_id, verified=_key_is_verified(contact, channel)
        ):
            Identity.objects.filter(**Identity.match(known_channel, known_id), customer=customer).update(verified=True)
            return customer
    return None


def link_shop_identity(customer: Customer, shop_slug: str, shop_customer_id: str) -> bool:
    """Record that ``shop_slug``'s customer ``shop_customer_id`` is this customer (the orders sync calls it
    when it has matched an order's buyer). The shop authenticated its own member, so the identity is
    verified. An id another customer already holds stays with them (linking two customers is a person's
    decision: a merge). True when the identity is this customer's now."""
    if not shop_slug or not shop_customer_id:
        return False
    external_id = shop_identity_id(shop_slug, shop_customer_id)
    _claim_identity(customer, SHOP, external_id, verified=True)
    return Identity.objects.filter(**Identity.match(SHOP, external_id), customer=customer).exists()


def shop_identity_id(shop_slug: str, shop_customer_id: str) -> str:
    """The identity's ``external_id`` for a shop's customer id: unique per shop."""
    return f"{shop_slug}:{shop_customer_id}"[:255]


def add_note(customer: Customer, body: str, *, author_id: int | None) -> CustomerNote:
    """An agent's note on the customer (shown on the 360 panel). Empty notes are refused."""
    text = body.strip()
    if not text:
        raise ValueError("a note needs text")
    return CustomerNote.objects.create(customer=customer, author_id=author_id, body=text[:2000])


_KNOWN_CUSTOMER = Lookup(Customer, "channel = %s AND external_index = %s", through=(Identity, "customer"))


def _known_customer(channel: str, external_id: str) -> Customer | None:
    """The customer known by this identity, found by its blind index (the identity itself is encrypted)."""
    return _KNOWN_CUSTOMER.first(channel, blind_index(channel, external_id))


def _claim_identity(customer: Customer, channel: str, external_id: str, *, verified: bool = False) -> bool:
    """Insert the identity unless it exists: ``ON CONFLICT DO NOTHING`` instead of a savepoint and an
    IntegrityError saves two round trips per new customer (PostgreSQL and SQLite both speak it)."""
    quote = connection.ops.quote_name
    names = ("customer_id", "channel", "external_id", "external_index", "verified", "created_at")
    columns = ", ".join(quote(c) for c in names)
    sql = (
        f"INSERT INTO {quote(Identity._meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s, %s, %s) "  # noqa: S608
        f"ON CONFLICT ({quote('channel')}, {quote('external_index')}) DO NOTHING RETURNING {quote('id')}"
    )
    created_at = Identity._meta.get_field("created_at").get_db_prep_value(timezone.now(), connection)
    sealed = Identity._meta.get_field("external_id").get_db_prep_value(external_id, connection)
    index = blind_index(channel, external_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, [customer.pk, channel, sealed, index, verified, created_at])
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
