"""The phone log's forms: a call on the case page, and the "log a call" page that finds the customer by
number and opens a case when none is named. They only check input; ``cases.phone_actions`` records."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.cases.phone_actions import CallDetails
from soridam.channels.phone.models import Direction
from soridam.workspace.forms import MAX_MESSAGE_CHARS, CaseForm

_DURATION = re.compile(r"^\s*(?:(\d{1,3}):([0-5]\d)|(\d{1,3}))\s*$")
MAX_CALL_SECONDS = 24 * 3600


class CallFieldsForm(forms.Form):
    """What every logged call says: which way, which number, when, how long and what about."""

    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, initial=Direction.INBOUND)
    number = forms.CharField(label=_("Phone number"), max_length=32)
    started_at = forms.DateTimeField(
        label=_("Time of the call"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration = forms.CharField(label=_("Duration (m:ss, or minutes)"), max_length=8)
    summary = forms.CharField(
        label=_("Summary"), max_length=MAX_MESSAGE_CHARS, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_duration(self) -> int:
        match = _DURATION.match(self.cleaned_data["duration"])
        if match is None:
            raise forms.ValidationError(_("Write the duration as minutes:seconds (3:20) or minutes (3)."))
        minutes, seconds, whole = match.groups()
        total = int(whole) * 60 if whole is not None else int(minutes) * 60 + int(seconds)
        if total > MAX_CALL_SECONDS:
            raise forms.ValidationError(_("A call lasts less than a day."))
        return total

    def details(self) -> CallDetails:
        return call_details(self.cleaned_data)


def call_details(data: Mapping[str, Any]) -> CallDetails:
    """The call a valid form describes (its cleaned data)."""
    return CallDetails(data["direction"], data["number"], data["started_at"], data["duration"], data["summary"])


class CaseCallForm(CallFieldsForm, CaseForm):
    """A call on the case page. An empty number is the customer's: the page never prints it in full (it is
    personal data, masked for agents who may not reveal it), so it is filled in here, not in the form."""

    id_prefix = "call"

    def __init__(self, data: Any = None, files: Any = None, **kwargs: Any) -> None:
        super().__init__(data, files, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].help_text = _("Empty: the customer's number.")
        self.initial.update(started_at=timezone.localtime().replace(second=0))

    def clean_number(self) -> str:
        number = str(self.cleaned_data.get("number") or "").strip() or self.case.customer.phone
        if not number:
            raise forms.ValidationError(_("The customer has no phone number: write the number of the call."))
        return number


class LogCallForm(CallFieldsForm):
    """The "log a call" page: a name for a new customer, and the case reference when the call is about one."""

    name = forms.CharField(label=_("Customer name (for a new customer)"), max_length=120, required=False)
    case = forms.CharField(label=_("Case reference (empty: open a new case)"), max_length=40, required=False)

    def __init__(self, data: Any = None) -> None:
        super().__init__(data, auto_id="log-call-%s", label_suffix="")
        self.initial["started_at"] = timezone.localtime().replace(second=0)
