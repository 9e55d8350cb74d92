"""Customers and their identities on every channel."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.channels.kinds import Channel
from soridam.privacy.crypto import BlindIndexField, EncryptedTextField, blind_index


class Tier(models.TextChoices):
    STANDARD = "standard", _("Standard")
    VIP = "vip", _("VIP")


# An identity's ``channel`` is one of the channels, or a shop's own customer id (``external_id`` is then
# ``"<shop slug>:<shop customer id>"``, unique per shop; see ``customers.actions.link_shop_identity``).
SHOP = "shop"
IDENTITY_KINDS = [*Channel.choices, (SHOP, _("Shop customer id"))]


class Customer(models.Model):
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True, db_index=True)
    phone = models.CharField(max_length=32, blank=True, db_index=True)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="ko")
    tier = models.CharField(max_length=16, choices=Tier.choices, default=Tier.STANDARD)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="customer"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set while this customer is merged into another (``customers.merges``); cleared by an undo.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name


class Identity(models.Model):
    """How a customer is known on one channel (an address, a phone, a messenger user id)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    channel = models.CharField(max_length=16, choices=IDENTITY_KINDS)
    # Encrypted at rest (R-SEC-3); lookups go through ``external_index`` with ``Identity.match``.
    external_id = EncryptedTextField()
    external_index = BlindIndexField(source="external_id", kind_field="channel")
    # The channel authenticated this id (a messenger user id, WhatsApp's sender number, a login e-mail):
    # only an identical verified identifier links a contact to a known customer by itself (R-CRM-2).
    verified = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("identity")
        verbose_name_plural = _("identities")
        constraints = [models.UniqueConstraint(fields=["channel", "external_index"], name="identity_unique")]

    def __str__(self) -> str:
        return f"{self.channel}:{self.external_id}"

    @staticmethod
    def match(channel: str, external_id: str) -> dict[str, str]:
        """The filter that finds the identity ``external_id`` on ``channel``: the one way to look one up,
        as ``Identity.objects.filter(**Identity.match(channel, value))`` (the column itself is ciphertext)."""
        return {"channel": channel, "external_index": blind_index(channel, external_id)}


class CustomerNote(models.Model):
    """What an agent wants the next agent to know about this customer (the 360 panel shows the latest)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("customer note")
        verbose_name_plural = _("customer notes")
        indexes = [models.Index(fields=["customer", "-created_at"], name="customernote_recent")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.body[:40]}"


class CustomerMerge(models.Model):
    """One merge of ``source`` into ``target`` and exactly what it moved, so that an undo puts it all back.

    ``moved`` holds lists of primary keys: ``identities``, ``cases``, ``orders``, ``notes``, ``threads``
    (messenger threads) and ``calls`` (logged phone calls); keys, not foreign keys, because this app's models
    do not import the apps that depend on them (``customers.merges`` lists the models).
    """

    source = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(max_length=1000)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    moved = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("customer merge")
        verbose_name_plural = _("customer merges")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"
