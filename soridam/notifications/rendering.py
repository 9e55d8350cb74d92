"""Build the text of an outbox row, in the customer's language: an e-mail, or a messenger's chat message."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from soridam.cases.models import Case
from soridam.cases.stages import Stage
from soridam.channels.kinds import Channel
from soridam.followup.links import check_in_url, nps_url
from soridam.followup.models import CheckIn
from soridam.followup.nps import open_nps_survey
from soridam.followup.surveys import open_survey_url
from soridam.notifications.models import NotificationKind, OutboundMessage
from soridam.sla.clock import promised_first_response


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body: str


def tracking_url(case: Case) -> str:
    return settings.SITE_URL + reverse("web:track", args=[case.tracking_token])


def render(outbound: OutboundMessage) -> RenderedEmail:
    """The text for the row's channel. On a messenger a person's (or the bot's) reply is a chat message: the
    words alone, with no greeting, signature or link; the notices (case opened, solved, a survey) read as
    in the e-mail, whose links a messenger shows as links."""
    if outbound.channel != Channel.EMAIL and outbound.kind == NotificationKind.AGENT_REPLY and outbound.message:
        return RenderedEmail(subject="", body=outbound.message.body)
    return render_email(outbound)


def render_email(outbound: OutboundMessage) -> RenderedEmail:
    case = outbound.case
    context: dict[str, object] = {
        "case": case,
        "customer": case.customer,
        "tracking_url": tracking_url(case),
        "message": outbound.message,
        "stage_label": Stage(case.stage).label,
        "survey_url": open_survey_url(case) if outbound.kind in _CARRY_SURVEY else "",
        "greet": not (outbound.message and opens_with_greeting(outbound.message.body, case.customer.name)),
    }
    if outbound.kind == NotificationKind.CASE_OPENED:
        context["first_response_due"], context["opens_at"] = promised_first_response(case)
    context.update(_follow_up_links(outbound))
    with translation.override(case.language):
        text = render_to_string(f"notifications/email/{outbound.kind}.txt", context)
    subject, _sep, body = text.strip().partition("\n")
    return RenderedEmail(subject=f"[{case.reference}] {subject.strip()}", body=body.strip() + "\n")


def _follow_up_links(outbound: OutboundMessage) -> dict[str, str]:
    """The check-in's two one-click answers, and the NPS question's link."""
    if outbound.kind == NotificationKind.CHECK_IN:
        check_in = CheckIn.objects.filter(case=outbound.case, answer="").order_by("-id").first()
        if check_in is not None:
            return {
                "solved_url": check_in_url(check_in.pk, "solved"),
                "not_solved_url": check_in_url(check_in.pk, "not-solved"),
            }
    if outbound.kind == NotificationKind.NPS_REQUEST:
        survey = open_nps_survey(outbound.case)
        if survey is not None:
            return {"nps_url": nps_url(survey.pk)}
    return {}


# The solved message carries the survey link when the case has one waiting for its answer: one mail, not two.
_CARRY_SURVEY = {NotificationKind.SURVEY_REQUEST, NotificationKind.CASE_SOLVED}


# How agents open a reply. The mail's own "Hello …," is left out when the agent already greets, or the customer
# reads two greetings in a row.
GREETINGS = (
    *("안녕하세요", "안녕하십니까"),
    *("hello", "hi ", "hi,", "dear ", "good morning", "good afternoon", "good evening"),
)


def opens_with_greeting(body: str, name: str) -> bool:
    first_line = body.strip().split("\n", 1)[0].strip().lower()
    return first_line.startswith(GREETINGS) or bool(name and first_line.startswith(name.lower()))
