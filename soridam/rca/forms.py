from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from soridam.accounts.models import STAFF_ROLES, User
from soridam.rca.actions import ProblemDetails
from soridam.rca.models import Problem, ProblemStatus


class OwnerChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.label()


def _text(label: Any, rows: int = 3) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}))


class ProblemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    skus = forms.CharField(label=_("SKUs"), required=False, help_text=_("Separated by commas."))
    hypothesis = _text(_("Hypothesis"))
    root_cause = _text(_("Root cause"))
    corrective_action = _text(_("Corrective action"))
    match_terms = forms.CharField(
        label=_("Words of a similar case"),
        required=False,
        max_length=200,
        help_text=_("New cases containing all these words are suggested for linking. Empty: no suggestions."),
    )
    owner = OwnerChoiceField(
        label=_("Owner"),
        required=False,
        queryset=User.objects.filter(is_active=True, role__in=sorted(STAFF_ROLES)).order_by("username"),
    )

    @classmethod
    def for_problem(cls, problem: Problem) -> ProblemForm:
        initial = {name: getattr(problem, name) for name in ("title", "hypothesis", "root_cause", "corrective_action")}
        initial |= {"skus": ", ".join(problem.skus), "match_terms": problem.match_terms, "owner": problem.owner_id}
        return cls(initial=initial)

    def details(self) -> ProblemDetails:
        data = self.cleaned_data
        return ProblemDetails(
            title=data["title"],
            hypothesis=data["hypothesis"],
            root_cause=data["root_cause"],
            corrective_action=data["corrective_action"],
            skus=[sku for sku in data["skus"].split(",") if sku.strip()],
            match_terms=data["match_terms"],
            owner=data["owner"],
        )


class MoveForm(forms.Form):
    to = forms.ChoiceField(label=_("Move to"), choices=ProblemStatus.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)

    def __init__(self, data: Any = None, *, allowed: tuple[str, ...] | None = None) -> None:
        super().__init__(data)
        if allowed is not None:  # the page offers only the allowed moves; a posted one is checked by the action
            field = cast(forms.ChoiceField, self.fields["to"])
            field.choices = [(to, label) for to, label in ProblemStatus.choices if to in allowed]


class LinkForm(forms.Form):
    reference = forms.CharField(label=_("Case reference"), max_length=24)
