"""Replies on a case whose customer is on WhatsApp, Messenger or Instagram, inside Meta's windows (``window``).

``check_free_text`` refuses a reply that Meta would refuse, before anything is stored, with the reason for the
agent; ``send_template`` replies with an approved WhatsApp template: the filled text goes on the case like any
reply (``cases.actions.reply``: timeline, audit, outbox row, in the caller's transaction), and the outbox row
is marked to go out as the template.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.errors import CaseError
from soridam.cases.models import Case, Message
from soridam.channels.meta.models import MessageTemplate, TemplateSend
from soridam.channels.meta.window import case_window
from soridam.lib.rows import insert
from soridam.notifications.models import NotificationKind, OutboundMessage


class OutsideWindow(CaseError):
    """Meta would refuse this message: the customer's window has closed."""

    code = "outside_window"
    status = 409


def check_free_text(case: Case) -> None:
    """Raise ``OutsideWindow`` when a person's free-text reply on ``case`` may no longer go out."""
    window = case_window(case)
    if window is None:
        return
    permission = window.for_person()
    if not permission.allowed:
        raise OutsideWindow(permission.reason, field="body")


def send_template(case: Case, template: MessageTemplate, values: Sequence[str], *, actor: Actor) -> Message:
    """Reply with ``template`` filled with ``values``. The caller holds the case's row lock."""
    window = case_window(case)
    if window is None or window.kind != template.kind:
        raise CaseError(_("This customer is not on %(channel)s.") % {"channel": template.get_kind_display()})
    if len(values) != template.variable_count():
        raise CaseError(_("Fill in every variable of the template."), field="template")
    message = actions.reply(case, template.fill(values), actor=actor)
    outbound = OutboundMessage.objects.filter(message=message, kind=NotificationKind.AGENT_REPLY).first()
    if outbound is None:
        raise CaseError(_("The customer's replies are not sent by the notification policy."))
    insert(TemplateSend(outbound=outbound, template=template, parameters=list(values)))
    return message
