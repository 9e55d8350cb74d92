"""The "log a call" page's one change: the call on the case it names (under the row lock), or a new phone
case for the customer the number belongs to. A refused call comes back as the form with the reason."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases.access import access_case_by_reference
from soridam.cases.errors import CaseError
from soridam.cases.phone_actions import log_call, open_case_from_call
from soridam.channels.phone.models import PhoneCall
from soridam.workspace.call_forms import LogCallForm


def record_logged_call(user: User, form: LogCallForm) -> PhoneCall | None:
    """The call recorded from a valid form; None with the error added to the form when it was refused."""
    reference = form.cleaned_data["case"].strip()
    try:
        if reference:
            return _on_case(user, reference, form)
        return open_case_from_call(form.details(), name=form.cleaned_data["name"], actor=Actor(user=user))
    except CaseError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    except Http404:
        form.add_error("case", _("No case you can see has this reference."))
    return None


def _on_case(user: User, reference: str, form: LogCallForm) -> PhoneCall:
    with transaction.atomic():
        case = access_case_by_reference(user, reference, for_update=True)
        return log_call(case, form.details(), actor=Actor(user=user))
