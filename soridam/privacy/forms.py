"""The reason a person gives before seeing personal data unmasked."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_REASON = 500


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to see it?"),
        max_length=MAX_REASON,
        error_messages={"required": _("Say why you need to see the personal data.")},
    )


class ExportForm(forms.Form):
    """Every export of personal data says why it is made; the access log keeps the reason (R-SEC-5)."""

    reason = forms.CharField(
        label=_("Why do you export it?"),
        max_length=MAX_REASON,
        error_messages={"required": _("Say why you export the data.")},
    )
