"""Forms of the data-subject request pages (staff and the public tracking page)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from soridam.privacy.models_dsr import RequestKind


class OpenRequestForm(forms.Form):
    customer = forms.IntegerField(label=_("Customer number"), min_value=1)
    kind = forms.ChoiceField(label=_("The person asks for"), choices=RequestKind.choices)
    details = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CorrectionForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False, max_length=120)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=32)


class TrackingRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("What do you ask for?"), choices=RequestKind.choices, widget=forms.RadioSelect)
    details = forms.CharField(
        label=_("Details (for a correction: what is wrong)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CodeForm(forms.Form):
    code = forms.RegexField(label=_("The code we sent you"), regex=r"^\s*\d{6}\s*$", max_length=12)


class GuardianConsentForm(forms.Form):
    how = forms.CharField(
        label=_("How the guardian consented"),
        max_length=200,
        help_text=_("For example: signed form received by e-mail, phone call with the parent."),
    )
