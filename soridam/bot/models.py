"""The stored acceptance of the notice that turns on an outside LLM (R-SEC-13)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TRANSFER_NOTICE = _(
    "Customer questions and help-centre passages will be sent to the LLM service at this address, which may "
    "process them outside Korea. Personal data is masked before sending. Accepting records your name and the time."
)


class LlmTransferAcceptance(models.Model):
    """An admin accepted that questions and passages go to the LLM at ``endpoint``. The bot uses an LLM only
    at an address someone accepted: a new address needs a new acceptance."""

    endpoint = models.URLField(_("LLM address"), max_length=300)
    notice = models.TextField(_("notice accepted"), blank=True)  # the text as the admin saw it
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("accepted by")
    )
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)

    class Meta:
        ordering = ["-accepted_at"]
        verbose_name = _("LLM transfer acceptance")
        verbose_name_plural = _("LLM transfer acceptances")

    def __str__(self) -> str:
        return f"{self.endpoint} ({self.accepted_at:%Y-%m-%d})"
