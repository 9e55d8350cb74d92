"""Forms of the neutral's selection pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from soridam.neutrals.models import Party, TieKind
from soridam.neutrals.selection import DeclaredTie

_TIE_CHOICES = [("", _("No tie with this party")), *TieKind.choices]


class DisclosureForm(forms.Form):
    statement = forms.CharField(
        label=_("Disclosure statement"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text=_("Anything that could make a party doubt your neutrality."),
    )
    claimant_tie = forms.ChoiceField(label=_("Tie with the claimant"), choices=_TIE_CHOICES, required=False)
    respondent_tie = forms.ChoiceField(label=_("Tie with the respondent"), choices=_TIE_CHOICES, required=False)
    tie_note = forms.CharField(label=_("About the tie"), max_length=300, required=False)

    def ties(self) -> list[DeclaredTie]:
        note = self.cleaned_data["tie_note"]
        found = []
        for field, party in (("claimant_tie", Party.CLAIMANT), ("respondent_tie", Party.RESPONDENT)):
            if self.cleaned_data[field]:
                found.append(DeclaredTie(TieKind(self.cleaned_data[field]), party, note))
        return found


class ObjectionForm(forms.Form):
    reason = forms.CharField(label=_("Why you object"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class DecisionForm(forms.Form):
    uphold = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Uphold: replace the neutral")), ("0", _("Dismiss: appoint the neutral"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
