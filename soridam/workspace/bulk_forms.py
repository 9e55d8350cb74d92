"""The inbox's bulk form: which cases, which change, and its value. Choices are those the agent may use."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from soridam.accounts.access import agents_assignable_by, teams_visible_to
from soridam.accounts.models import Team, User
from soridam.cases.models import TAG_LENGTH, Priority
from soridam.workspace.forms import SETTABLE_STATUSES, AgentChoiceField, TeamChoiceField

BULK_CHOICES = [
    ("assign", _("Assign to")),
    ("team", _("Move to team")),
    ("status", _("Set status")),
    ("priority", _("Set priority")),
    ("tag", _("Add tag")),
    ("merge", _("Merge into the oldest")),
]
# The field each change reads its value from (merge needs none).
VALUE_FIELDS = {"assign": "assignee", "team": "team", "status": "status", "priority": "priority", "tag": "tag"}


MAX_CASES = 100


class CaseIdsField(forms.Field):
    """The ticked rows' case ids. Any id passes here: scope is checked by ``access_case``, which skips the rest."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        if not isinstance(value, list) or len(value) > MAX_CASES or not all(str(v).isdigit() for v in value):
            raise forms.ValidationError(_("Select up to %(count)d cases from the list.") % {"count": MAX_CASES})
        return [int(v) for v in value]


class BulkForm(forms.Form):
    cases = CaseIdsField(error_messages={"required": _("Select at least one case.")})
    action = forms.ChoiceField(label=_("Bulk action"), choices=BULK_CHOICES)
    assignee = AgentChoiceField(
        queryset=User.objects.none(), required=False, empty_label=_("Unassigned"), label=_("Assignee")
    )
    team = TeamChoiceField(queryset=Team.objects.none(), required=False, empty_label=_("No team"), label=_("Team"))
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *SETTABLE_STATUSES], required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=[("", "—"), *Priority.choices], required=False)
    tag = forms.CharField(label=_("Tag"), max_length=TAG_LENGTH, required=False)
    next = forms.CharField(required=False)

    def __init__(self, data: Any = None, *, user: User) -> None:
        super().__init__(data, auto_id="bulk-%s", label_suffix="")
        cast(AgentChoiceField, self.fields["assignee"]).queryset = agents_assignable_by(user)
        cast(TeamChoiceField, self.fields["team"]).queryset = teams_visible_to(user)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        name = VALUE_FIELDS.get(cleaned.get("action", ""))
        if name in ("status", "priority", "tag") and not cleaned.get(name):
            self.add_error(name, _("Choose the value to set."))
        if cleaned.get("action") == "merge" and len(cleaned.get("cases", [])) < 2:
            self.add_error("cases", _("Select at least two cases to merge."))
        return cleaned
