"""Forms of the case page's remedy section, the approvals queue and rule comments."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from soridam.cases.remedy_actions import RemedyRequest
from soridam.policy.models import ExceptionReason, RemedyKind


class RemedyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Remedy"), choices=RemedyKind.choices)
    amount = forms.DecimalField(
        label=_("Amount (KRW)"), required=False, min_value=Decimal(0), max_digits=14, decimal_places=0
    )
    reason = forms.CharField(
        label=_("Reason or justification"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    exception_reason = forms.ChoiceField(
        label=_("Exception reason (outside the rules)"),
        required=False,
        choices=[("", _("— within the rules —")), *ExceptionReason.choices],
    )

    def request(self) -> RemedyRequest:
        data = self.cleaned_data
        return RemedyRequest(data["kind"], data["amount"], data["reason"], data["exception_reason"])


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)
    approve = forms.TypedChoiceField(
        choices=[("1", _("Approve")), ("0", _("Reject"))], coerce=lambda value: value == "1"
    )


class RuleCommentForm(forms.Form):
    rule_code = forms.SlugField(label=_("Rule"), max_length=60)
    body = forms.CharField(label=_("Comment on the rule"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
