"""A chat session (one visitor's conversation) and its messages, each with a per-session ``seq``.

The messages are the raw store of the channel: a customer's message is one row, written before it is
acknowledged, unique by ``(session, client_id)`` so a resend after a dropped connection is stored once.
Bot, agent and system messages are rows too, so a resume and the polling fallback read one transcript.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.cases.models import Case


class SessionState(models.TextChoices):
    BOT = "bot", _("With the bot")
    WAITING = "waiting", _("Waiting for a person")
    AGENT = "agent", _("With a person")
    OFFLINE = "offline", _("Answered by e-mail")


class Author(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    BOT = "bot", _("Bot")
    AGENT = "agent", _("Agent")
    SYSTEM = "system", _("System")


class Handover(models.TextChoices):
    """The hand-over frames the widget shows; a system message carries one."""

    WAITING = "waiting", _("Waiting for a person")
    AGENT_JOINED = "agent_joined", _("A person joined")
    OFFLINE = "offline", _("Off hours: answered by e-mail")


class ChatSession(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    language = models.CharField(max_length=8, default="ko")
    origin = models.CharField(max_length=255, blank=True)
    state = models.CharField(max_length=8, choices=SessionState.choices, default=SessionState.BOT)
    bot_state = models.JSONField(default=dict, blank=True, help_text="The bot's opaque state between turns")
    intent = models.CharField(max_length=64, blank=True)
    last_seq = models.PositiveIntegerField(default=0)
    # The visitor's messages in the current rate-limit window (``store.RATE_WINDOW``), counted on this row
    # while the store holds its lock anyway: no cache round trip per message, and each session's window
    # starts at its own first message, so a thousand sessions do not all start a new one in the same second.
    rate_window_start = models.DateTimeField(null=True, blank=True)
    rate_count = models.PositiveIntegerField(default=0)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="chat_sessions")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("chat session")
        verbose_name_plural = _("chat sessions")

    def __str__(self) -> str:
        return str(self.public_id)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class ChatMessage(models.Model):
    # No index of its own: the unique (session, seq) below starts with it, and every message paid a third
    # index entry for nothing.
    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="messages", db_index=False)
    seq = models.PositiveIntegerField()
    client_id = models.UUIDField(null=True, blank=True)
    author = models.CharField(max_length=8, choices=Author.choices)
    name = models.CharField(max_length=120, blank=True)
    text = models.TextField()
    handover = models.CharField(max_length=12, choices=Handover.choices, blank=True)
    # Extra fields of a bot or hand-over frame: the quoted articles, the case reference, the promised time.
    details = models.JSONField(default=dict, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        constraints = [
            models.UniqueConstraint(fields=["session", "seq"], name="chat_message_unique_seq"),
            models.UniqueConstraint(fields=["session", "client_id"], name="chat_message_unique_client_id"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}#{self.seq}"
