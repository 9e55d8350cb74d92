"""Users, roles, teams and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.lib.process_copy import ChangeCount, CountedChanges


class Role(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")
    LEAD = "lead", _("Team lead")
    ADMIN = "admin", _("Admin")
    MEDIATOR = "mediator", _("Mediator")
    AUDITOR = "auditor", _("Auditor")


STAFF_ROLES = frozenset({Role.AGENT, Role.LEAD, Role.ADMIN})
# Roles that see or decide over much personal data: they sign in with a second factor (R-SEC-2).
TWO_FACTOR_ROLES = frozenset({Role.ADMIN, Role.LEAD, Role.MEDIATOR, Role.AUDITOR})


# Saves and deletes of users, teams and memberships: the per-process staff directory (``accounts.directory``)
# reads again after any of them in this process.
staff_changes = ChangeCount()


class User(AbstractUser, CountedChanges):
    changes = staff_changes

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.AGENT)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="ko")
    display_name = models.CharField(max_length=120, blank=True)
    # Lockout (R-SEC-2): failed passwords and second-factor codes since the last full sign-in.
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    @property
    def effective_role(self) -> str:
        """A Django superuser always acts as an admin."""
        return Role.ADMIN if self.is_superuser else self.role

    @property
    def is_support_staff(self) -> bool:
        return self.is_active and self.effective_role in STAFF_ROLES

    @property
    def is_admin_role(self) -> bool:
        return self.effective_role == Role.ADMIN

    def label(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Team(CountedChanges):
    changes = staff_changes

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    email_address = models.EmailField(blank=True, help_text=_("Replies to this team's cases go from this address."))
    members: models.ManyToManyField[User, Membership] = models.ManyToManyField(
        User, through="Membership", related_name="teams"
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(CountedChanges):
    changes = staff_changes

    user = models.ForeignKey(User, on_delete=models.CASCADE)
    team = models.ForeignKey(Team, on_delete=models.CASCADE)
    is_lead = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the raw value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=120, blank=True)
    prefix = models.CharField(max_length=12, help_text=_("Shown to tell tokens apart; not secret."))
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @classmethod
    def issue(cls, user: User, *, name: str = "") -> tuple[ApiToken, str]:
        raw = f"sd_{secrets.token_urlsafe(32)}"
        token = cls.objects.create(user=user, name=name, prefix=raw[:10], token_hash=hash_token(raw))
        return token, raw

    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class ProcessorKind(models.TextChoices):
    """Outside processors (R-SEC-13) among the channel kinds: a SaaS messenger or SMS provider whose servers,
    often abroad, carry our customers' messages. The values are the channel account kinds. (The cloud LLM has
    its own acceptance per endpoint: bot.models.LlmTransferAcceptance.)"""

    KAKAO = "kakao", _("KakaoTalk")
    LINE = "line", _("LINE")
    NAVERTALK = "navertalk", _("Naver TalkTalk")
    TELEGRAM = "telegram", _("Telegram")
    WHATSAPP = "whatsapp", _("WhatsApp")
    MESSENGER = "messenger", _("Facebook Messenger")
    INSTAGRAM = "instagram", _("Instagram")
    SMS = "sms", _("SMS")
    KAKAO_ALIMTALK = "alimtalk", _("KakaoTalk AlimTalk (NHN Cloud)")


class ProcessorAcceptance(models.Model):
    """An admin's acceptance of the outsourcing and cross-border transfer notice for one kind of processor.
    Rows are only added: the newest one for a kind whose notice hash matches today's notice counts."""

    kind = models.CharField(max_length=24, choices=ProcessorKind.choices)
    accepted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(default=timezone.now)
    notice_hash = models.CharField(max_length=64, help_text=_("SHA-256 of the notice text that was accepted."))

    class Meta:
        verbose_name = _("processor acceptance")
        verbose_name_plural = _("processor acceptances")
        ordering = ["-accepted_at"]

    def __str__(self) -> str:
        return f"{self.kind} ({self.accepted_at:%Y-%m-%d})"
