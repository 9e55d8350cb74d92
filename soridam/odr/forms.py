"""Forms of the dispute pages: they check input; odr.actions makes the change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from soridam.cases.uploads import Upload, UploadRefused, check_upload
from soridam.odr import packs
from soridam.odr.models import Visibility

OUTCOMES = [(key, key) for key in packs.current(packs.DEFAULT)["obligation_days"]]
OUTCOME_LABELS = {
    "refund": _("Refund"),
    "replacement": _("Replacement"),
    "repair": _("Repair"),
    "other": _("Something else"),
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented pattern); each is checked in the form's clean."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(MultipleFileField, self).clean(one, initial) for one in files]


class FilingForm(forms.Form):
    order_number = forms.CharField(label=_("Order number"), max_length=64, required=False)
    issues = forms.CharField(
        label=_("What is disputed (one issue per line)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )
    desired_outcome = forms.ChoiceField(
        label=_("What you want"), choices=[(key, label) for key, label in OUTCOME_LABELS.items()]
    )
    desired_amount = forms.IntegerField(label=_("Amount (KRW)"), min_value=0, required=False)
    evidence = MultipleFileField(label=_("Evidence"), required=False)

    def clean_evidence(self) -> list[Upload]:
        files = self.cleaned_data.get("evidence") or []
        try:
            return [check_upload(f.name or "file", f.read()) for f in files]
        except UploadRefused as refused:
            raise forms.ValidationError(str(refused)) from None

    def issue_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["issues"].splitlines() if line.strip()]


class ItemForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000, required=False
    )
    visibility = forms.ChoiceField(label=_("Who can see it"), choices=Visibility.choices, initial=Visibility.PUBLIC)
    file = forms.FileField(label=_("Evidence file"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload:
            try:
                data["upload"] = check_upload(upload.name or "file", upload.read())
            except UploadRefused as refused:
                raise forms.ValidationError(str(refused)) from None
        if not data.get("body", "").strip() and not upload:
            raise forms.ValidationError(_("Write a message or attach a file."))
        return data


class OfferForm(forms.Form):
    remedy = forms.ChoiceField(label=_("Remedy"), choices=OUTCOMES)
    amount = forms.IntegerField(label=_("Amount (KRW)"), min_value=0)
    perform_by = forms.DateField(label=_("Perform by"), widget=forms.DateInput(attrs={"type": "date"}))


class CommitForm(forms.Form):
    commitment = forms.RegexField(regex=r"^[0-9a-fA-F]{64}$", max_length=64)


class RevealForm(forms.Form):
    amount = forms.IntegerField(label=_("Your amount (KRW)"), min_value=0)
    nonce = forms.RegexField(label=_("Your nonce"), regex=r"^[0-9a-fA-F]{64}$", max_length=64)


class SealedBidForm(forms.Form):
    amount = forms.IntegerField(label=_("Your amount (KRW)"), min_value=0)


class DecisionForm(forms.Form):
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    remedy = forms.ChoiceField(label=_("Remedy"), choices=OUTCOMES)
    amount = forms.IntegerField(label=_("Amount (KRW)"), min_value=0, required=False)


class MetForm(forms.Form):
    obligation = forms.IntegerField()
    evidence = forms.CharField(label=_("How it was met"), max_length=2000)
