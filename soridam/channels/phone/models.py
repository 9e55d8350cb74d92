"""The phone log (kind ``phone``): calls agents record on a case. The phone system is not connected; an agent
types what the call was, and the call lands on the case's timeline as a message (``cases.phone_actions``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.cases.models import Case, Message
from soridam.customers.models import Customer


class Direction(models.TextChoices):
    INBOUND = "in", _("Incoming call")
    OUTBOUND = "out", _("Outgoing call")


class PhoneCall(models.Model):
    """One call: its message on the case (a note, or the first message of a case the call opened) carries
    the summary; this row the facts. ``number`` is canonical (``customers.phones``); ``customer`` is who
    that number belongs to, when we know them."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="phone_calls")
    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="phone_call")
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    number = models.CharField(_("number"), max_length=32, db_index=True)
    started_at = models.DateTimeField(_("time"))
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"))
    summary = models.TextField(_("summary"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("phone call")
        verbose_name_plural = _("phone calls")
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.direction} {self.number} on {self.case_id}"

    def duration_text(self) -> str:
        minutes, seconds = divmod(self.duration_seconds, 60)
        return f"{minutes}:{seconds:02d}"
