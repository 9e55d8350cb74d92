"""The cause code asked for when an agent solves or closes a complaint on the case page (R-RCA-2).

The status select and the composer's "Send, solved" carry a cause select; solving or closing a case that has
no cause yet without choosing one is refused with the error beside the select. The API's status change is
not held up by it: integrations close cases in bulk and know no cause.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _

from soridam.cases.models import Case, Status
from soridam.rca.models import CauseCode

NEEDS_CAUSE = (Status.SOLVED, Status.CLOSED)


def cause_field(element_id: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Cause"),
        required=False,
        choices=[("", _("Choose the cause")), *CauseCode.choices],
        help_text=_("Asked when the complaint is solved or closed."),
        widget=forms.Select(attrs={"id": element_id}),
    )


def cause_of(case: Case) -> str:
    """The case's cause code, '' when it has none (no query when the page loaded it with the case)."""
    try:
        return str(case.cause.code)
    except ObjectDoesNotExist:
        return ""


def require_cause(form: forms.Form, case: Case, to_status: str | None) -> None:
    if to_status in NEEDS_CAUSE and not form.cleaned_data.get("cause") and not cause_of(case):
        form.add_error("cause", _("Choose the cause of the complaint before solving or closing it."))
