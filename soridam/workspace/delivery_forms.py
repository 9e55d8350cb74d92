"""Sending a failed or in-doubt message to the customer again, from its row on the case page. The form only
checks input; the row is queued again by ``cases.delivery_actions``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from soridam.cases.delivery_actions import SENDABLE_AGAIN
from soridam.notifications.models import OutboundMessage
from soridam.workspace.forms import CaseForm


class SendAgainForm(CaseForm):
    id_prefix = "send-again"
    outbound = forms.IntegerField(widget=forms.HiddenInput)

    def clean_outbound(self) -> OutboundMessage:
        """A message of this case that failed or is in doubt (another case's id is refused the same way)."""
        found = OutboundMessage.objects.filter(pk=self.cleaned_data["outbound"], case=self.case).first()
        if found is None or found.state not in SENDABLE_AGAIN:
            raise forms.ValidationError(_("Only a message that failed or is in doubt can be sent again."))
        return found
