"""One row per KakaoTalk skill call the bot has answered: the answer, and how it reached the customer. The
bot answers before the call becomes a case message (``skill``); the processing then records ``reply`` on the
case as it was given. Kakao waits 5 s for the HTTP answer; an answer that comes later goes to the call's
one-time ``callbackUrl`` (valid for a minute) or, without one, through the 상담톡 dealer. ``delivery`` is set
once: inline when the row is written in time, else claimed with one conditional UPDATE, so the answer is given
exactly once whichever of the request, the late-answer task or the processing's safety net gets there first."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.cases.models import Message
from soridam.channels.models import RawPayload


class Delivery(models.TextChoices):
    PENDING = "pending", _("Not given yet")
    INLINE = "inline", _("In the skill's HTTP answer")
    CALLBACK = "callback", _("Posted to the callback URL")
    OUTBOX = "outbox", _("Sent through the 상담톡 dealer")


class SkillCall(models.Model):
    payload = models.OneToOneField(RawPayload, on_delete=models.CASCADE, related_name="+")
    answer = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user_id = models.CharField(max_length=255, blank=True, db_index=True, help_text="The caller's botUserKey")
    reply = models.JSONField(default=dict, blank=True, help_text="The bot's reply as given; empty: no bot answered")
    response = models.JSONField(default=dict, help_text="The SkillResponse (version 2.0) with the bot's answer")
    callback_url = models.TextField(blank=True)
    delivery = models.CharField(max_length=8, choices=Delivery.choices, default=Delivery.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("KakaoTalk skill call")
        verbose_name_plural = _("KakaoTalk skill calls")

    def __str__(self) -> str:
        return f"skill call {self.payload_id} ({self.delivery})"
