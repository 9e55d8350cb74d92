"""The WhatsApp template registry: the message templates Meta has approved for the business, which are the
only messages WhatsApp lets a business send once the customer's 24-hour window has closed (channels.md §5).
Meta approves them; we keep their name, language and text here so agents can pick and fill one."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from soridam.channels.kinds import Channel

# {{1}}, {{2}} ...: Meta's positional variables in a template's body.
VARIABLE = re.compile(r"\{\{\s*(\d+)\s*\}\}")


class TemplateChannel(models.TextChoices):
    WHATSAPP = Channel.WHATSAPP.value, Channel.WHATSAPP.label


class MessageTemplate(models.Model):
    kind = models.CharField(
        _("channel"), max_length=16, choices=TemplateChannel.choices, default=TemplateChannel.WHATSAPP
    )
    name = models.CharField(
        _("name at Meta"),
        max_length=512,
        validators=[RegexValidator(r"^[a-z0-9_]+$", _("Lower-case letters, digits and _ only, as Meta names it."))],
    )
    language = models.CharField(_("language code"), max_length=16, default="ko", help_text=_("e.g. ko, en_US"))
    body = models.TextField(_("approved text"), help_text=_("The text Meta approved, with {{1}}, {{2}} for variables"))
    is_active = models.BooleanField(_("offered to agents"), default=True)

    class Meta:
        ordering = ["name", "language"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(fields=["kind", "name", "language"], name="meta_template_unique_name_language")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"

    def variable_count(self) -> int:
        return max((int(number) for number in VARIABLE.findall(self.body)), default=0)

    def variable_numbers(self) -> list[int]:
        return list(range(1, self.variable_count() + 1))

    def clean(self) -> None:
        numbers = {int(number) for number in VARIABLE.findall(self.body)}
        if numbers != set(range(1, len(numbers) + 1)):
            raise ValidationError({"body": _("Number the variables {{1}}, {{2}} ... without gaps, as Meta does.")})

    def fill(self, values: Sequence[str]) -> str:
        """The text the customer reads: the body with each {{n}} replaced by the n-th value."""
        return VARIABLE.sub(lambda match: values[int(match.group(1)) - 1], self.body)


class TemplateSend(models.Model):
    """An outbox row that goes out as a template (its text on the case is the filled body): the transport
    sends the template's name, language and these parameters instead of free text."""

    outbound = models.OneToOneField("notifications.OutboundMessage", on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(MessageTemplate, on_delete=models.PROTECT, related_name="+")
    parameters = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("template message")
        verbose_name_plural = _("template messages")

    def __str__(self) -> str:
        return f"{self.template} for {self.outbound_id}"
