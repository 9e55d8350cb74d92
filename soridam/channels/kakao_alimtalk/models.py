"""알림톡 (AlimTalk, channels.md §2.3): the templates Kakao reviewed, and each notice sent with one.

A template is registered and reviewed at Kakao through the agency; this registry holds our copy (its code,
body with ``#{변수}`` variables and buttons) and whether it is approved. Only approved templates are sent,
and the text sent must equal the body with the variables filled in (``templates.render``).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.cases.models import Case

ALIMTALK_ACCOUNT = "alimtalk"  # the ChannelAccount kind of the AlimTalk agency's account (sender.py)


class TemplateStatus(models.TextChoices):
    APPROVED = "approved", _("Approved")
    PENDING = "pending", _("Pending review")


class AlimTalkTemplate(models.Model):
    code = models.CharField(_("template code"), max_length=20, unique=True)  # NHN: at most 20 characters
    name = models.CharField(_("name"), max_length=120)
    body = models.TextField(_("body"), help_text=_("Variables are written #{name}."))
    buttons = models.JSONField(
        _("buttons"), default=list, blank=True, help_text=_('As registered, e.g. [{"type": "WL", "name": "배송 조회"}]')
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TemplateStatus.choices, default=TemplateStatus.PENDING
    )
    # A notification kind (notifications.models.NotificationKind; not imported: models are independent).
    notice = models.CharField(
        _("customer notice"),
        max_length=32,
        blank=True,
        db_index=True,
        help_text=_("The customer notice sent with this template, by AlimTalk, to customers with a phone number."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("AlimTalk template")
        verbose_name_plural = _("AlimTalk templates")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SendState(models.TextChoices):
    SENT = "sent", _("Sent by AlimTalk")
    FALLBACK_SENT = "fallback_sent", _("Sent by text message after AlimTalk failed")
    FAILED = "failed", _("Failed")


class AlimTalkSend(models.Model):
    """One notice: what was sent with which template and values, the agency's id, and the fallback's."""

    template = models.ForeignKey(AlimTalkTemplate, on_delete=models.PROTECT, related_name="sends")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recipient = models.CharField(max_length=32)
    variables = models.JSONField(default=dict)
    text = models.TextField()
    idempotency_key = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=16, choices=SendState.choices)
    request_id = models.CharField(max_length=100, blank=True)
    alimtalk_error = models.TextField(blank=True)
    fallback_request_id = models.CharField(max_length=100, blank=True)
    fallback_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("AlimTalk notice")
        verbose_name_plural = _("AlimTalk notices")

    def __str__(self) -> str:
        return f"{self.template_id} ({self.state})"
