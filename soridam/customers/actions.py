"""Finding or creating the customer behind a contact."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from soridam.customers.models import Channel, Customer, Identity


@dataclass(frozen=True)
class Contact:
    name: str
    email: str = ""
    phone: str = ""
    language: str = "ko"


def normalise_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    return digits


def find_or_create_customer(contact: Contact) -> Customer:
    """The customer known by this e-mail (or else phone); a new one when nobody is.

    The e-mail or phone identity row is unique, so two concurrent first contacts still end as one customer.
    """
    channel, external_id = _identity_key(contact)
    identity = Identity.objects.select_related("customer").filter(channel=channel, external_id=external_id).first()
    if identity is not None:
        return identity.customer
    try:
        with transaction.atomic():
            customer = Customer.objects.create(
                name=contact.name.strip()[:120],
                email=contact.email.strip().lower(),
                phone=normalise_phone(contact.phone),
                language=contact.language,
            )
            Identity.objects.create(customer=customer, channel=channel, external_id=external_id)
            return customer
    except IntegrityError:
        return Identity.objects.select_related("customer").get(channel=channel, external_id=external_id).customer


def _identity_key(contact: Contact) -> tuple[str, str]:
    if contact.email.strip():
        return Channel.EMAIL, contact.email.strip().lower()
    phone = normalise_phone(contact.phone)
    if not phone:
        raise ValueError("a contact needs an e-mail address or a phone number")
    return Channel.SMS, phone
