"""Shops we read orders from, and their orders in one normalised shape beside the provider's raw payload (R-CRM-4).

The shape is what ``providers.NormalisedOrder`` carries; a connector (``orders/cafe24``, ``orders/naver``,
``orders/shopify``) turns its vendor's payload into it, and ``orders.sync`` stores it here. An order is
linked to the customer who placed it and, through ``CaseOrder``, to the cases that mention it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.cases.models import Case
from soridam.channels.crypto import EncryptedTextField
from soridam.customers.models import Customer


class Provider(models.TextChoices):
    CAFE24 = "cafe24", "Cafe24"
    NAVER = "naver", _("Naver Commerce")
    SHOPIFY = "shopify", "Shopify"


class Shop(models.Model):
    """One shop on one commerce platform, with the credentials its connector uses (encrypted at rest).

    ``unavailable_since`` and ``last_error`` are set when the provider cannot be reached; the 360 panel then
    shows "unavailable, last synced at …" from ``last_synced_at`` and the stored orders, and the case works on.
    """

    provider = models.CharField(max_length=16, choices=Provider.choices)
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=64, unique=True)
    # The API's base URL: the vendor's (``https://{mall_id}.cafe24api.com``) or, in tests, a local fake server.
    base_url = models.URLField(max_length=300)
    client_id = models.CharField(max_length=200, blank=True)
    client_secret = EncryptedTextField(blank=True)
    access_token = EncryptedTextField(blank=True)
    refresh_token = EncryptedTextField(blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    # Provider-specific settings: Cafe24's mall_id and redirect URI, Shopify's API version, scopes.
    options = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    # Where the next change poll starts (Naver Commerce is polled in windows of at most 24 hours).
    sync_cursor = models.DateTimeField(null=True, blank=True)
    unavailable_since = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_provider_display()})"

    @property
    def available(self) -> bool:
        return self.unavailable_since is None


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
    PAID = "paid", _("Paid")
    PREPARING = "preparing", _("Preparing")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    RETURN_REQUESTED = "return_requested", _("Return requested")
    RETURNED = "returned", _("Returned")
    EXCHANGE_REQUESTED = "exchange_requested", _("Exchange requested")
    EXCHANGED = "exchanged", _("Exchanged")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    REFUNDED = "refunded", _("Refunded")


class Order(models.Model):
    """One order as the shop last told us. ``items``, ``shipments`` and ``claims`` are lists of the
    ``providers`` dataclasses as dicts (``providers.order_fields``); ``raw`` is the vendor's own payload."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="orders")
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders")
    external_id = models.CharField(max_length=100)
    # The number the customer sees and writes in a message (Cafe24 ``20261201-0000012``, Shopify ``#1001``).
    number = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=24, choices=OrderStatus.choices)
    currency = models.CharField(max_length=3, default="KRW")
    total = models.DecimalField(max_digits=14, decimal_places=2)
    paid_total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    refunded_total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    payment_method = models.CharField(max_length=60, blank=True)
    buyer_name = models.CharField(max_length=120, blank=True)
    buyer_email = models.EmailField(blank=True)
    buyer_phone = models.CharField(max_length=32, blank=True)  # canonical (customers.phones)
    shop_customer_id = models.CharField(max_length=100, blank=True)
    placed_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    items = models.JSONField(default=list)
    shipments = models.JSONField(default=list)
    claims = models.JSONField(default=list)
    raw = models.JSONField(default=dict)
    synced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["shop", "external_id"], name="order_unique_per_shop")]
        indexes = [models.Index(fields=["customer", "-placed_at"], name="order_customer_recent")]

    def __str__(self) -> str:
        return self.number


class CaseOrder(models.Model):
    """A case is about this order: found in the case's text (R-TRIAGE order numbers) or linked by an agent."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="order_links")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="case_links")
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "order"], name="case_order_unique")]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.order_id}"


class ClaimRequest(models.Model):
    """A refund or exchange we asked a shop for, under the caller's idempotency key.

    The row is written (and committed) before the call, and the vendor's claim id once it answers: a retry
    with the same key returns the stored answer, and a retry after a lost answer first looks on the shop
    for the claim the lost call made, so the same key never refunds twice.
    """

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="claim_requests")
    order_external_id = models.CharField(max_length=100)
    idempotency_key = models.CharField(max_length=120)
    kind = models.CharField(max_length=16)  # "refund" | "exchange"
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    external_id = models.CharField(max_length=100, blank=True)  # the vendor's claim id, once it answered
    status = models.CharField(max_length=40, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    attempted_at = models.DateTimeField(null=True, blank=True)  # the latest call's start: a lease on the key
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "idempotency_key"], name="claim_request_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.order_external_id} ({self.idempotency_key})"
