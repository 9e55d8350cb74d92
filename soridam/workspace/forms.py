"""Forms of the workspace. They only check input; the changes themselves go through ``cases.actions``.

Every case form takes the locked case and the acting user, so choices reflect the case as it is now.
Field names match ``CaseError.field`` so an action's error lands beside the field it is about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Model, Q, QuerySet
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from soridam.accounts.access import agents_assignable_by, teams_visible_to
from soridam.accounts.directory import assignable_listed, teams_listed_for
from soridam.accounts.models import Team, User
from soridam.cases import stages
from soridam.cases.categories import active_categories
from soridam.cases.models import Case, Category, Priority, Status, Tag
from soridam.cases.stages import Stage
from soridam.cases.uploads import Upload, UploadRefused, check_upload, check_upload_count
from soridam.macros.access import macros_usable_by
from soridam.macros.models import Macro
from soridam.workspace.cause_forms import cause_field, cause_of, require_cause

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

    def __init__(self, data: Any = None, files: Any = None, *, case: Case, user: User) -> None:
        super().__init__(data, files, auto_id=f"{self.id_prefix}-%s", label_suffix="")
        self.case = case
        self.user = user
        # Objects a model select lists instead of running its queryset (the page needs no query for them);
        # the queryset still checks what is posted. An unbound form (the page) never runs its querysets, so
        # they are only built for a bound one: building one costs as much CPU as the page's cheaper statements.
        self.listed: dict[str, list[Any]] = {}


def _with_current(objects: list[Any], current_id: int | None, current: Callable[[], Model | None]) -> list[Any]:
    """``objects`` with the case's current one added where the model orders it, if it is not there already
    (an inactive category, a team the agent left): the select shows the case as it is."""
    if current_id is None or any(obj.pk == current_id for obj in objects):
        return objects
    found = current()
    if found is None:
        return objects
    ordering = [name for name in found._meta.ordering or [] if isinstance(name, str)]
    return sorted([*objects, found], key=lambda obj: tuple(getattr(obj, name) for name in ordering))


def _message_field(label: StrOrPromise, required_message: StrOrPromise, element_id: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_MESSAGE_CHARS,
        error_messages={"required": required_message},
        widget=forms.Textarea(attrs={"id": element_id, "rows": 4}),
    )


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.Field):
    """Files an agent attaches to a reply, each checked by its content like a customer's (``check_upload``)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> list[Upload]:
        files = [file for file in value or [] if isinstance(file, UploadedFile)]
        try:
            check_upload_count(len(files))
            return [_read_upload(file) for file in files]
        except UploadRefused as refused:
            raise forms.ValidationError(str(refused), code="upload_refused") from None

    def bound_data(self, data: Any, initial: Any) -> Any:
        return initial  # a browser never re-sends files


def _read_upload(file: UploadedFile) -> Upload:
    file.seek(0)
    # One byte over the limit is enough for check_upload to refuse a file without reading all of it.
    return check_upload(file.name or "", file.read(settings.SORIDAM_MAX_ATTACHMENT_BYTES + 1))


# "Send" keeps the status; the other buttons of the composer send and then set it, in the same transaction.
THEN_STATUSES = [("", _("Send")), (Status.WAITING, _("Send, waiting on customer")), (Status.SOLVED, _("Send, solved"))]


class ComposeForm(CaseForm):
    """The one composer of the case page: a reply or (toggled) an internal note, files on a reply, and
    the status to set after sending."""

    id_prefix = "reply"
    body = _message_field(_("Message"), _("Write a reply before sending."), "reply-body")
    internal = forms.BooleanField(
        label=_("Internal note (only staff see it)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"id": "reply-internal"}),
    )
    attachments = AttachmentsField(label=_("Files (optional)"))
    then = forms.ChoiceField(label=_("Then"), choices=THEN_STATUSES, required=False)
    cause = cause_field("reply-cause")
    macro = forms.ModelChoiceField(queryset=Macro.objects.none(), required=False, label=_("Macro"))
    # The case's version when the page was rendered (``workspace.held``); absent (API, old page): not checked.
    seen = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    # Set by the live-chat panel while its socket is open: the chat's messages were shown as they came.
    live_chat = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: Any = None, files: Any = None, *, case: Case, user: User) -> None:
        super().__init__(data, files, case=case, user=user)
        if self.is_bound:  # the page lists the macros from its context (``macros.access.macros_listed_for``)
            cast(forms.ModelChoiceField[Macro], self.fields["macro"]).queryset = macros_usable_by(user)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("internal") and cleaned.get("attachments"):
            self.add_error("attachments", _("Files go with replies; internal notes cannot carry them."))
        require_cause(self, self.case, cleaned.get("then"))
        return cleaned

    @property
    def has_cause(self) -> bool:
        return bool(cause_of(self.case))


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

    def __init__(self, data: Any = None, files: Any = None, *, case: Case, user: User) -> None:
        super().__init__(data, files, case=case, user=user)
        if self.is_bound:
            cast(AgentChoiceField, self.fields["assignee"]).queryset = _assignable(user, case)
        self.listed["assignee"] = assignable_listed(user, case.assignee_id)  # the per-process staff directory
        self.initial["assignee"] = case.assignee_id


def stage_option_label(case_stage: str, target: str) -> str:
    label = stages.bilingual_label(target)
    if stages.needs_reason(case_stage, target):
        return str(_("%(stage)s — back, needs a reason") % {"stage": label})
    return label


def _next_stage(stage: str) -> str:
    index = stages.index_of(stage)
    return str(stages.STAGE_ORDER[index + 1]) if index + 1 < len(stages.STAGE_ORDER) else ""


def _silent_field(element_id: str) -> forms.BooleanField:
    return forms.BooleanField(
        label=_("Don't notify the customer"),
        required=False,
        widget=forms.CheckboxInput(attrs={"id": element_id}),
    )


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
    silent = _silent_field("stage-silent")

    def __init__(self, data: Any = None, files: Any = None, *, case: Case, user: User) -> None:
        super().__init__(data, files, case=case, user=user)
        # The current stage comes first and is selected: the select shows the case as it is, and choosing
        # another stage saves at once (the properties panel).
        current = (case.stage, _("%(stage)s (now)") % {"stage": Stage(case.stage).label})
        targets = stages.allowed_targets(case.stage)
        options = [(target, stage_option_label(case.stage, target)) for target in targets]
        self.fields["to"].widget.choices = [current, *options]
        self.initial["to"] = case.stage


class StatusForm(CaseForm):
    id_prefix = "status"
    status = forms.ChoiceField(
        label=_("Status"), choices=SETTABLE_STATUSES, widget=forms.Select(attrs={"id": "status-to"})
    )
    silent = _silent_field("status-silent")
    cause = cause_field("status-cause")

    def __init__(self, data: Any = None, files: Any = None, *, case: Case, user: User) -> None:
        super().__init__(data, files, case=case, user=user)
        self.initial["status"] = case.status
        self.initial["cause"] = cause_of(case)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        require_cause(self, self.case, cleaned.get("status"))
        return cleaned


class PriorityForm(CaseForm):
    id_prefix = "priority"
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, widget=forms.Select(attrs={"id": "priority-to"})
    )

    def __init__(self, data: Any = None, files: Any = None, *, case: Case, user: User) -> None:
        super().__init__(data, files, case=case, user=user)
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

    def __init__(self, data: Any = None, files: Any = None, *, case: Case, user: User) -> None:
        super().__init__(data, files, case=case, user=user)
        # The posted value is checked against the database; the select lists the per-process copy.
        if self.is_bound:
            field = cast(CategoryChoiceField, self.fields["category"])
            field.queryset = Category.objects.filter(Q(is_active=True) | Q(pk=case.category_id))
        self.listed["category"] = _with_current(active_categories(), case.category_id, lambda: case.category)
        self.initial["category"] = case.category_id


class TeamChoiceField(forms.ModelChoiceField[Team]):
    def label_from_instance(self, obj: Team) -> str:
        return str(obj.name)


class TeamForm(CaseForm):
    id_prefix = "team"
    team = TeamChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("No team"),
        label=_("Team"),
        widget=forms.Select(attrs={"id": "team-to"}),
    )

    def __init__(self, data: Any = None, files: Any = None, *, case: Case, user: User) -> None:
        super().__init__(data, files, case=case, user=user)
        # Only the teams the agent may give cases to (as in the API); the current one stays listed.
        if self.is_bound:
            visible = teams_visible_to(user).values("pk")
            field = cast(TeamChoiceField, self.fields["team"])
            field.queryset = Team.objects.filter(Q(pk__in=visible) | Q(pk=case.team_id)).order_by("name")
        self.listed["team"] = _with_current(teams_listed_for(user), case.team_id, lambda: case.team)
        self.initial["team"] = case.team_id


class TagAddForm(CaseForm):
    id_prefix = "tag"
    tag = forms.CharField(label=_("Add a tag"), max_length=40, widget=forms.TextInput(attrs={"id": "tag-add"}))


class TagRemoveForm(CaseForm):
    id_prefix = "untag"
    tag = forms.ModelChoiceField(queryset=Tag.objects.none(), widget=forms.HiddenInput)

    def __init__(self, data: Any = None, files: Any = None, *, case: Case, user: User) -> None:
        super().__init__(data, files, case=case, user=user)
        if self.is_bound:  # the page lists the tags from its context
            cast(forms.ModelChoiceField[Tag], self.fields["tag"]).queryset = case.tags.all()


class Option(NamedTuple):
    value: str
    label: str
    selected: bool


def _choice_pairs(bound: BoundField) -> list[tuple[Any, Any]]:
    field = bound.field
    if isinstance(field, forms.ModelChoiceField):
        # One plain query (or none, for lists the form holds): iterating the field's choices would go through
        # ``QuerySet.iterator()``, which opens a server-side cursor on PostgreSQL for a handful of rows.
        empty = [("", field.empty_label)] if field.empty_label is not None else []
        listed = getattr(bound.form, "listed", {}).get(bound.name)
        objects = listed if listed is not None else (field.queryset if field.queryset is not None else [])
        return empty + [(field.prepare_value(obj), field.label_from_instance(obj)) for obj in objects]
    return list(cast(forms.Select, field.widget).choices)


def select_options(bound: BoundField) -> list[Option]:
    """The options of a select field with the current value marked, as Django's ``Select`` widget marks
    them, for templates that write the ``<select>`` themselves instead of going through the form renderer."""
    value = bound.field.prepare_value(bound.value())
    current = "" if value is None else str(value)
    options, marked = [], False
    for choice, label in _choice_pairs(bound):
        option_value = "" if choice is None else str(choice)
        selected = not marked and option_value == current  # like Select: only the first match
        marked = marked or selected
        options.append(Option(option_value, str(label), selected))
    return options


@dataclass(frozen=True)
class FieldRow:
    """One field of a case action form, worked out once for ``_case_action_form.html``. The template writes
    Django's own markup; reading a ``BoundField`` there instead runs code on every lookup (the widget type is a
    regular expression over the class name, the value and the ids are recomputed each time), six forms a page."""

    name: str
    id: str
    auto_id: str
    label: str
    help_text: str
    errors: list[str]
    described: str
    kind: str  # "checkbox", "select", "textarea" or another input type
    value: Any
    options: list[Option]
    max_length: int | None
    required: bool
    # The options as Django's Select writes them, joined here: a template loop costs more per option than
    # the option itself (57 of them on a case page).
    options_html: SafeString = SafeString("")
    input_type: str = "text"  # the <input type>, e.g. "datetime-local" for a DateTimeInput with that attribute
    text: str = ""  # the value as the widget formats it (a date in its input format)
    rows: int | None = None  # a textarea's


def options_html(options: list[Option]) -> SafeString:
    return _joined_options(tuple(options))


@lru_cache(maxsize=512)
def _joined_options(options: tuple[Option, ...]) -> SafeString:
    """The same options (values, labels in the page's language, the one selected) come back on page after page:
    the stage, status, priority, category, team and assignee selects of the cases a team works on. Joined once
    per process; the key is everything the markup is made of."""
    return format_html_join(
        "\n",
        "{}",
        ((format_html('<option value="{}"{}>{}</option>', o.value, _SELECTED[o.selected], o.label),) for o in options),
    )


_SELECTED = {True: SafeString(" selected"), False: SafeString("")}


def _formatted(widget: forms.Widget, value: Any) -> str:
    shown = widget.format_value(value)
    return "" if shown is None else str(shown)


def form_field_rows(form: forms.Form) -> list[FieldRow]:
    rows = []
    for bound in form:
        kind = bound.widget_type
        widget = bound.field.widget
        options = select_options(bound) if kind == "select" else []
        value = bound.value()
        rows.append(
            FieldRow(
                name=bound.html_name,
                id=bound.id_for_label,
                auto_id=bound.auto_id,
                label=str(bound.label),
                help_text=str(bound.help_text or ""),
                errors=[str(error) for error in bound.errors],
                described=bound.aria_describedby or "",
                kind=kind,
                value=value,
                options=options,
                max_length=getattr(bound.field, "max_length", None),
                required=bound.field.required,
                options_html=options_html(options),
                input_type=str(widget.attrs.get("type") or getattr(widget, "input_type", "text")),
                text=_formatted(widget, value) if kind not in ("select", "checkbox") else "",
                rows=widget.attrs.get("rows"),
            )
        )
    return rows
