"""The channel framework's tables: accounts, raw inbound payloads, case participants and per-message
channel metadata. Cases stay channel-agnostic; everything channel-specific hangs off them here."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.accounts.models import Team
from soridam.cases.models import Case, Message
from soridam.channels.crypto import EncryptedTextField
from soridam.privacy.crypto import EncryptedBinaryField


class Security(models.TextChoices):
    TLS = "tls", _("Implicit TLS")
    STARTTLS = "starttls", _("STARTTLS")
    PLAIN_LOCALHOST = "plain_localhost", _("Plain text, localhost only (tests and local relays)")


class ChannelAccount(models.Model):
    """One configured channel endpoint, e.g. a support mailbox. Secrets are encrypted at rest."""

    kind = models.CharField(max_length=16, default="email")
    name = models.CharField(max_length=80, unique=True)
    # The account's part of its webhook URL, /hooks/<kind>/<slug>/. For channels without a signature
    # (KakaoTalk, Naver TalkTalk) make it unguessable: it is then the only proof of who calls.
    slug = models.SlugField(max_length=64, unique=True, null=True, blank=True)
    address = models.CharField(max_length=255, blank=True, help_text="Our address on the channel, e.g. the mailbox")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    host = models.CharField(max_length=255, blank=True)
    port = models.PositiveIntegerField(null=True, blank=True)
    security = models.CharField(max_length=16, choices=Security.choices, default=Security.TLS)
    username = models.CharField(max_length=255, blank=True)
    secret = EncryptedTextField(blank=True)
    # A second credential, e.g. a messenger's access token beside its signing secret.
    token = EncryptedTextField(blank=True)
    options = models.JSONField(default=dict, blank=True, help_text="Channel settings, e.g. a bot id or an API base URL")
    folder = models.CharField(max_length=120, default="INBOX")
    done_folder = models.CharField(max_length=120, blank=True, help_text="Move stored mail here; empty: flag it")
    is_active = models.BooleanField(default=True)
    cursor = models.JSONField(default=dict, blank=True, help_text="Transport state, e.g. IMAP UIDVALIDITY/last UID")
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("channel account")
        verbose_name_plural = _("channel accounts")

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"


class PayloadState(models.TextChoices):
    PENDING = "pending", _("Pending")
    PROCESSED = "processed", _("Processed")
    IGNORED = "ignored", _("Ignored (duplicate, auto-reply or bounce)")
    QUARANTINED = "quarantined", _("Quarantined")


class RawPayload(models.Model):
    """Every inbound payload exactly as received, stored before anything parses it."""

    kind = models.CharField(max_length=16)
    account = models.ForeignKey(ChannelAccount, null=True, blank=True, on_delete=models.SET_NULL)
    external_id = models.CharField(max_length=255)
    source = models.CharField(max_length=255, blank=True)
    raw = EncryptedBinaryField()  # encrypted at rest (R-SEC-3): it holds whatever the customer wrote
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    state = models.CharField(max_length=12, choices=PayloadState.choices, default=PayloadState.PENDING)
    reason = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("raw payload")
        verbose_name_plural = _("raw payloads")
        constraints = [models.UniqueConstraint(fields=["kind", "external_id"], name="payload_unique_external_id")]
        indexes = [models.Index(fields=["state", "received_at"], name="payload_state_received")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.external_id} ({self.state})"


class ParticipantRole(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    CC = "cc", _("Cc")


class CaseParticipant(models.Model):
    """An address that may write on a case: the customer and anyone they copied."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    address = models.CharField(max_length=255)
    role = models.CharField(max_length=8, choices=ParticipantRole.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case participant")
        verbose_name_plural = _("case participants")
        constraints = [models.UniqueConstraint(fields=["case", "address"], name="participant_unique")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.address}"


class ChannelMessage(models.Model):
    """Channel metadata of one inbound message: its external id, the full original and extraction."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="channel_meta")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    payload = models.ForeignKey(RawPayload, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    external_id = models.CharField(max_length=255, db_index=True)
    sender = models.CharField(max_length=255, db_index=True)  # the acknowledgement limit counts by sender
    # The message as received: encrypted at rest (R-SEC-3), shown masked, or as written after a reveal.
    subject = EncryptedTextField(blank=True)
    full_text = EncryptedTextField(blank=True)
    safe_html = EncryptedTextField(blank=True)
    possibly_related = models.BooleanField(default=False)
    notes = models.TextField(blank=True, help_text="What was dropped or refused while storing, for the agent")
    warnings = models.JSONField(
        default=list,
        blank=True,
        help_text="What the reader read leniently (a header not valid RFC 5322, a repaired part)",
    )

    def __str__(self) -> str:
        return self.external_id


class MessengerThread(models.Model):
    """One customer's conversation with one messenger account (a LINE user, a Telegram chat, ...): the case
    it feeds now, whether the bot still answers, the bot's state between turns, and the provider's
    short-lived reply context (a LINE reply token, a Kakao callback URL) with the time it was given."""

    account = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE, related_name="threads")
    user_id = models.CharField(max_length=255, help_text="The customer's id on the channel; replies go to it")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    bot_active = models.BooleanField(default=True)
    bot_state = models.JSONField(default=dict, blank=True)
    reply_context = models.JSONField(default=dict, blank=True)
    last_inbound_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("messenger conversation")
        verbose_name_plural = _("messenger conversations")
        constraints = [models.UniqueConstraint(fields=["account", "user_id"], name="thread_unique_user")]

    def __str__(self) -> str:
        return f"{self.account_id}:{self.user_id}"
