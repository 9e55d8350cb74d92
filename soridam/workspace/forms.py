"""Forms of the workspace. They only check input; the changes themselves go through ``cases.actions``.

Every case form takes the locked case and the acting user, so choices reflect the case as it is now.
Field names match ``CaseError.field`` so an action's error lands beside the field it is about.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from soridam.accounts.access import agents_assignable_by
from soridam.accounts.models import User
from soridam.cases import stages
from soridam.cases.models import Case, Category, Priority, Status
from soridam.cases.stages import Stage

if TYPE_CHECKING:
    from django.forms import BoundField
    from django_stubs_ext import StrOrPromise

MAX_MESSAGE_CHARS = 20_000
SETTABLE_STATUSES = [(value, label) for value, label in Status.choices if value != Status.MERGED]


class StaffAuthenticationForm(AuthenticationForm):
    """Customers have accounts too, but the workspace is for support staff only."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not user.is_support_staff:
            raise forms.ValidationError(_("This account cannot use the agent workspace."), code="not_staff")


class LanguageForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["language"]
        labels = {"language": _("Language of the workspace")}
        widgets = {"language": forms.RadioSelect}


class CaseForm(forms.Form):
    # The case page holds all these forms at once: each gets its own prefix for element ids.
    id_prefix = "case"

    def __init__(self, data: Any = None, *, case: Case, user: User) -> None:
        super().__init__(data, auto_id=f"{self.id_prefix}-%s", label_suffix="")
        self.case = case
        self.user = user


def _message_field(label: StrOrPromise, required_message: StrOrPromise, element_id: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_MESSAGE_CHARS,
        error_messages={"required": required_message},
        widget=forms.Textarea(attrs={"id": element_id, "rows": 4}),
    )


class ReplyForm(CaseForm):
    id_prefix = "reply"
    body = _message_field(_("Reply to the customer"), _("Write a reply before sending."), "reply-body")


class NoteForm(CaseForm):
    id_prefix = "note"
    body = _message_field(_("Internal note"), _("Write the note before saving."), "note-body")


class AgentChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.label()


def _assignable(user: User, case: Case) -> QuerySet[User]:
    # The current assignee stays listed even if they left the team, so the select shows the truth.
    assignable = agents_assignable_by(user).values("pk")
    return User.objects.filter(Q(pk__in=assignable) | Q(pk=case.assignee_id)).order_by("username")


class AssignForm(CaseForm):
    id_prefix = "assign"
    assignee = AgentChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Unassigned"),
        label=_("Assignee"),
        widget=forms.Select(attrs={"id": "assign-to"}),
    )

    def __init__(self, data: Any = None, *, case: Case, user: User) -> None:
        super().__init__(data, case=case, user=user)
        field = cast(AgentChoiceField, self.fields["assignee"])
        field.queryset = _assignable(user, case)
        self.initial["assignee"] = case.assignee_id


def stage_option_label(case_stage: str, target: str) -> str:
    label = stages.bilingual_label(target)
    if stages.needs_reason(case_stage, target):
        return str(_("%(stage)s — back, needs a reason") % {"stage": label})
    return label


def _next_stage(stage: str) -> str:
    index = stages.index_of(stage)
    return str(stages.STAGE_ORDER[index + 1]) if index + 1 < len(stages.STAGE_ORDER) else ""


class StageForm(CaseForm):
    id_prefix = "stage"
    # Any stage passes the form; the transition table in cases.actions decides, so its error is the one shown.
    to = forms.ChoiceField(
        label=_("Move to stage"), choices=Stage.choices, widget=forms.Select(attrs={"id": "stage-to"})
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        help_text=_("Needed when moving a case back."),
        widget=forms.TextInput(attrs={"id": "stage-reason"}),
    )

    def __init__(self, data: Any = None, *, case: Case, user: User) -> None:
        super().__init__(data, case=case, user=user)
        targets = stages.allowed_targets(case.stage)
        self.fields["to"].widget.choices = [(target, stage_option_label(case.stage, target)) for target in targets]
        self.initial["to"] = _next_stage(case.stage)


class StatusForm(CaseForm):
    id_prefix = "status"
    status = forms.ChoiceField(
        label=_("Status"), choices=SETTABLE_STATUSES, widget=forms.Select(attrs={"id": "status-to"})
    )

    def __init__(self, data: Any = None, *, case: Case, user: User) -> None:
        super().__init__(data, case=case, user=user)
        self.initial["status"] = case.status


class PriorityForm(CaseForm):
    id_prefix = "priority"
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, widget=forms.Select(attrs={"id": "priority-to"})
    )

    def __init__(self, data: Any = None, *, case: Case, user: User) -> None:
        super().__init__(data, case=case, user=user)
        self.initial["priority"] = case.priority


class CategoryChoiceField(forms.ModelChoiceField[Category]):
    def label_from_instance(self, obj: Category) -> str:
        return obj.name_for(get_language() or "ko")


class CategoryForm(CaseForm):
    id_prefix = "category"
    category = CategoryChoiceField(
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("No category"),
        label=_("Category"),
        widget=forms.Select(attrs={"id": "category-to"}),
    )

    def __init__(self, data: Any = None, *, case: Case, user: User) -> None:
        super().__init__(data, case=case, user=user)
        field = cast(CategoryChoiceField, self.fields["category"])
        field.queryset = Category.objects.filter(Q(is_active=True) | Q(pk=case.category_id))
        self.initial["category"] = case.category_id


class Option(NamedTuple):
    value: str
    label: str
    selected: bool


def _choice_pairs(field: forms.Field) -> list[tuple[Any, Any]]:
    if isinstance(field, forms.ModelChoiceField):
        # One plain query: iterating the field's choices would go through ``QuerySet.iterator()``, which
        # opens a server-side cursor on PostgreSQL for a handful of rows.
        empty = [("", field.empty_label)] if field.empty_label is not None else []
        objects = field.queryset if field.queryset is not None else []
        return empty + [(field.prepare_value(obj), field.label_from_instance(obj)) for obj in objects]
    return list(cast(forms.Select, field.widget).choices)


def select_options(bound: BoundField) -> list[Option]:
    """The options of a select field with the current value marked, as Django's ``Select`` widget marks
    them, for templates that write the ``<select>`` themselves instead of going through the form renderer."""
    value = bound.field.prepare_value(bound.value())
    current = "" if value is None else str(value)
    options, marked = [], False
    for choice, label in _choice_pairs(bound.field):
        option_value = "" if choice is None else str(choice)
        selected = not marked and option_value == current  # like Select: only the first match
        marked = marked or selected
        options.append(Option(option_value, str(label), selected))
    return options
