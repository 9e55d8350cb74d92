"""What Naver TalkTalk tells us about a user before any message: the ``open`` event's under-14 flag."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.channels.models import ChannelAccount


class NaverTalkUser(models.Model):
    """A Naver user of one TalkTalk account. Under-14 users need a guardian's consent before we collect
    personal data (PIPA art. 22-2, R-SEC-12): until ``guardian_consent_at`` is set the bot answers them with
    the consent notice only, and asks for nothing."""

    account = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE, related_name="+")
    user_id = models.CharField(max_length=255)
    under14 = models.BooleanField(default=False)
    guardian_consent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "soridam_channels"
        verbose_name = _("Naver TalkTalk user")
        verbose_name_plural = _("Naver TalkTalk users")
        constraints = [models.UniqueConstraint(fields=["account", "user_id"], name="navertalk_user_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.account_id}"

    @property
    def needs_guardian_consent(self) -> bool:
        return self.under14 and self.guardian_consent_at is None
