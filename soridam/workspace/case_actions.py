"""The changes an agent makes on the case page, each a form plus one call into ``cases.actions``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.access import access_case
from soridam.cases.errors import CaseError
from soridam.cases.models import Case
from soridam.workspace.forms import (
    AssignForm,
    CaseForm,
    CategoryForm,
    NoteForm,
    PriorityForm,
    ReplyForm,
    StageForm,
    StatusForm,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Apply = Callable[[Case, Mapping[str, Any], Actor], object]


@dataclass(frozen=True)
class CaseAction:
    key: str
    form_class: type[CaseForm]
    apply: Apply
    done: StrOrPromise


@dataclass(frozen=True)
class Outcome:
    form: CaseForm
    status: int

    @property
    def ok(self) -> bool:
        return self.status == 200


def _reply(case: Case, data: Mapping[str, Any], actor: Actor) -> object:
    return actions.reply(case, data["body"], actor=actor)


def _note(case: Case, data: Mapping[str, Any], actor: Actor) -> object:
    return actions.add_note(case, data["body"], actor=actor)


def _assign(case: Case, data: Mapping[str, Any], actor: Actor) -> object:
    return actions.assign(case, data["assignee"], actor=actor)


def _stage(case: Case, data: Mapping[str, Any], actor: Actor) -> object:
    return actions.change_stage(case, data["to"], actor=actor, reason=data["reason"], notify=not data["silent"])


def _status(case: Case, data: Mapping[str, Any], actor: Actor) -> object:
    return actions.change_status(case, data["status"], actor=actor, notify=not data["silent"])


def _priority(case: Case, data: Mapping[str, Any], actor: Actor) -> object:
    return actions.change_priority(case, data["priority"], actor=actor)


def _category(case: Case, data: Mapping[str, Any], actor: Actor) -> object:
    return actions.change_category(case, data["category"], actor=actor)


ACTIONS: dict[str, CaseAction] = {
    action.key: action
    for action in (
        CaseAction("reply", ReplyForm, _reply, _("Reply sent.")),
        CaseAction("note", NoteForm, _note, _("Internal note added.")),
        CaseAction("assign", AssignForm, _assign, _("Assignee saved.")),
        CaseAction("stage", StageForm, _stage, _("Stage changed.")),
        CaseAction("status", StatusForm, _status, _("Status saved.")),
        CaseAction("priority", PriorityForm, _priority, _("Priority saved.")),
        CaseAction("category", CategoryForm, _category, _("Category saved.")),
    )
}


def run_case_action(user: User, case_id: int, action: CaseAction, data: Mapping[str, Any]) -> Outcome:
    """Check the form and apply the action under the case's row lock. Invalid input and refused
    changes leave the case exactly as it was and come back as a bound form with the error on it."""
    with transaction.atomic():
        case = access_case(user, case_id, for_update=True)
        form = action.form_class(data, case=case, user=user)
        if not form.is_valid():
            return Outcome(form, 400)
        try:
            with transaction.atomic():  # a savepoint: a refused change rolls back anything half-written
                action.apply(case, form.cleaned_data, Actor(user=user))
        except CaseError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return Outcome(form, error.status)
    return Outcome(form, 200)
