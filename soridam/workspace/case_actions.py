"""The changes an agent makes on the case page, each a form plus one call into ``cases.actions``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from soridam.accounts.models import User
from soridam.alerts import fanout
from soridam.audit.actors import Actor
from soridam.cases import actions, rca_actions
from soridam.cases.access import access_case
from soridam.cases.delivery_actions import send_again
from soridam.cases.errors import CaseError
from soridam.cases.models import Case
from soridam.cases.order_actions import link_order, linkable_order, unlink_order
from soridam.cases.phone_actions import log_call
from soridam.channels.meta.replies import check_free_text, send_template
from soridam.macros.apply import apply_macro
from soridam.macros.text import fill_variables
from soridam.orders.sync import find_order
from soridam.workspace.call_forms import CaseCallForm, call_details
from soridam.workspace.delivery_forms import SendAgainForm
from soridam.workspace.forms import (
    AssignForm,
    CaseForm,
    CategoryForm,
    ComposeForm,
    PriorityForm,
    StageForm,
    StatusForm,
    TagAddForm,
    TagRemoveForm,
    TeamForm,
)
from soridam.workspace.held import changes_since
from soridam.workspace.order_forms import OrderLinkForm, OrderUnlinkForm
from soridam.workspace.template_forms import TemplateForm

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Apply = Callable[[Case, Mapping[str, Any], Actor], object]
Hold = Callable[[Case, CaseForm], list[str]]


@dataclass(frozen=True)
class CaseAction:
    key: str
    form_class: type[CaseForm]
    apply: Apply
    done: StrOrPromise
    # What changed since the page was opened; any change keeps the action from running (``workspace.held``).
    hold: Hold | None = None

    def done_for(self, form: CaseForm) -> StrOrPromise:
        """What the agent is told after the change; the composer says whether a reply or a note went in."""
        if self.key == "reply" and form.cleaned_data.get("internal"):
            return _note_added(form)
        return self.done


def _note_added(form: CaseForm) -> StrOrPromise:
    """A note that @mentions someone who may not see the case says so: they were not notified."""
    mentions = fanout.mentions_in(form.case, form.cleaned_data["body"], actor=Actor(user=form.user))
    if not mentions.without_access:
        return _("Internal note added.")
    names = ", ".join(person.label() for person in mentions.without_access)
    return _("Internal note added. Not notified, because they cannot see this case: %(names)s") % {"names": names}


@dataclass(frozen=True)
class Outcome:
    form: CaseForm
    status: int
    held: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == 200


def _compose(case: Case, data: Mapping[str, Any], actor: Actor) -> object:
    """The composer: a reply or an internal note, the chosen macro's changes, then the status of the
    button pressed (which wins over the macro's), all in the caller's transaction."""
    body = fill_variables(data["body"], case, actor.user)
    if data["internal"]:
        message = actions.add_note(case, body, actor=actor)
    else:
        check_free_text(case)  # WhatsApp, Messenger, Instagram: refused outside the customer's window
        message = actions.reply(case, body, actor=actor, uploads=data["attachments"])
    if data["macro"] is not None:
        apply_macro(case, data["macro"], actor=actor, set_status=not data["then"])
    if data["then"]:
        _set_cause(case, data, actor)
        actions.change_status(case, data["then"], actor=actor)
    return message


def _set_cause(case: Case, data: Mapping[str, Any], actor: Actor) -> None:
    if data.get("cause"):
        rca_actions.set_cause(case, data["cause"], actor=actor)


def _reply_hold(case: Case, form: CaseForm) -> list[str]:
    seen = form.cleaned_data.get("seen")
    if seen is None:
        return []
    return changes_since(case, seen, form.user, live_chat=form.cleaned_data["live_chat"])


def _template(case: Case, data: Mapping[str, Any], actor: Actor) -> object:
    return send_template(case, data["template"], data["values"], actor=actor)


def _assign(case: Case, data: Mapping[str, Any], actor: Actor) -> object:
    return actions.assign(case, data["assignee"], actor=actor)


def _stage(case: Case, data: Mapping[str, Any], actor: Actor) -> object:
    if data["to"] == case.stage:
        return case  # the panel posts on any change, the reason box's too: the stage itself did not change
    return actions.change_stage(case, data["to"], actor=actor, reason=data["reason"], notify=not data["silent"])


def _status(case: Case, data: Mapping[str, Any], actor: Actor) -> object:
    _set_cause(case, data, actor)
    return actions.change_status(case, data["status"], actor=actor, notify=not data["silent"])


def _priority(case: Case, data: Mapping[str, Any], actor: Actor) -> object:
    return actions.change_priority(case, data["priority"], actor=actor)


def _category(case: Case, data: Mapping[str, Any], actor: Actor) -> object:
    return actions.change_category(case, data["category"], actor=actor)


def _team(case: Case, data: Mapping[str, Any], actor: Actor) -> object:
    if data["team"] == case.team:
        return case
    return actions.change_team(case, data["team"], actor=actor)


def _tag_add(case: Case, data: Mapping[str, Any], actor: Actor) -> object:
    return actions.add_tag(case, data["tag"], actor=actor)


def _call(case: Case, data: Mapping[str, Any], actor: Actor) -> object:
    return log_call(case, call_details(data), actor=actor)


def _order_link(case: Case, data: Mapping[str, Any], actor: Actor) -> object:
    """The stored order with this number, else the one a shop answers with (stored as it is linked)."""
    number = data["number"].strip()
    return link_order(case, linkable_order(number, found=find_order(number)), actor=actor)


def _order_unlink(case: Case, data: Mapping[str, Any], actor: Actor) -> object:
    return unlink_order(case, data["number"], actor=actor)


def _send_again(case: Case, data: Mapping[str, Any], actor: Actor) -> object:
    send_again(case, data["outbound"], actor=actor)
    return None


def _tag_remove(case: Case, data: Mapping[str, Any], actor: Actor) -> object:
    return actions.remove_tag(case, data["tag"], actor=actor)


ACTIONS: dict[str, CaseAction] = {
    action.key: action
    for action in (
        CaseAction("reply", ComposeForm, _compose, _("Reply sent."), hold=_reply_hold),
        CaseAction("template", TemplateForm, _template, _("Template sent.")),
        CaseAction("assign", AssignForm, _assign, _("Assignee saved.")),
        CaseAction("stage", StageForm, _stage, _("Stage changed.")),
        CaseAction("status", StatusForm, _status, _("Status saved.")),
        CaseAction("priority", PriorityForm, _priority, _("Priority saved.")),
        CaseAction("category", CategoryForm, _category, _("Category saved.")),
        CaseAction("team", TeamForm, _team, _("Team saved.")),
        CaseAction("tag_add", TagAddForm, _tag_add, _("Tag added.")),
        CaseAction("tag_remove", TagRemoveForm, _tag_remove, _("Tag removed.")),
        CaseAction("call", CaseCallForm, _call, _("Call logged.")),
        CaseAction("order_link", OrderLinkForm, _order_link, _("Order linked.")),
        CaseAction("order_unlink", OrderUnlinkForm, _order_unlink, _("Order unlinked.")),
        CaseAction("send_again", SendAgainForm, _send_again, _("The message will be sent again.")),
    )
}


def run_case_action(
    user: User, case_id: int, action: CaseAction, data: Mapping[str, Any], files: Mapping[str, Any] | None = None
) -> Outcome:
    """Check the form and apply the action under the case's row lock. Invalid input, refused changes and
    held replies leave the case exactly as it was and come back as a bound form with the error on it."""
    with transaction.atomic():
        case = access_case(user, case_id, for_update=True)
        form = action.form_class(data, files, case=case, user=user)
        if not form.is_valid():
            return Outcome(form, 400)
        if action.hold is not None and (changes := action.hold(case, form)):
            return Outcome(form, 409, held=changes)
        try:
            with transaction.atomic():  # a savepoint: a refused change rolls back anything half-written
                action.apply(case, form.cleaned_data, Actor(user=user))
        except CaseError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return Outcome(form, error.status)
    return Outcome(form, 200)
