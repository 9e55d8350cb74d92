"""Public customer pages: file a complaint, follow it and reply by a private link, answer the survey.

Every view is thin: forms check the input, ``cases.actions`` makes the change, ``access_*`` loads the case.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.access import access_attachment_by_token, access_case_by_token
from soridam.cases.downloads import download_response
from soridam.cases.models import Case
from soridam.cases.presenters import stage_steps
from soridam.followup.answers import answer_survey
from soridam.followup.surveys import access_survey_by_token
from soridam.lib.htmx import is_htmx
from soridam.web.followup_views import template_survey
from soridam.web.forms import ComplaintForm, ReplyForm, SurveyForm, current_language
from soridam.web.guards import (
    FILED_COOKIE,
    forget_filing,
    friendly_not_found,
    limit_posts,
    limit_requests,
    private_link_page,
    remember_filing,
    tracking_path,
)
from soridam.web.presenters import tracking_context

LINK_INVALID = "web/link_invalid.html"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"steps": stage_steps()})


@require_http_methods(["GET", "POST"])
@limit_posts("complaint_form")
def complaint(request: HttpRequest) -> HttpResponse:
    """A filled honeypot is refused like any invalid form (400, nothing stored): a person whose browser
    filled the hidden field by mistake sees the error and can send again; a bot learns nothing useful."""
    form = ComplaintForm(request.POST, request.FILES) if request.method == "POST" else ComplaintForm()
    if form.is_bound and form.is_valid():
        case = actions.open_case(form.new_case(language=current_language()))
        response = redirect(tracking_path(case))
        remember_filing(response, case)
        return response
    return render(request, "web/complaint.html", {"form": form}, status=400 if form.is_bound else 200)


@private_link_page
@limit_requests("tracking")
@friendly_not_found(LINK_INVALID)
@require_GET
def track(request: HttpRequest, token: str) -> HttpResponse:
    case = access_case_by_token(token)
    just_filed = request.COOKIES.get(FILED_COOKIE) == "1"
    response = render(request, "web/track.html", tracking_context(request, case, ReplyForm(), just_filed=just_filed))
    if just_filed:
        forget_filing(response, case)
    return response


@private_link_page
@limit_requests("tracking")
@friendly_not_found(LINK_INVALID)
@require_POST
def track_reply(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's reply. A closed case reopens; one closed long ago gets a new linked case instead."""
    case = access_case_by_token(token)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        # htmx swaps only 2xx answers, so it gets the errors with 200; a plain form post gets 400.
        context = tracking_context(request, case, form)
        return render(request, "web/track.html", context, status=200 if is_htmx(request) else 400)
    with transaction.atomic():
        case = access_case_by_token(token, for_update=True)
        message = actions.receive_customer_message(
            case,
            form.cleaned_data["body"],
            actor=Actor(customer=case.customer),
            channel="web",
            uploads=form.cleaned_data["attachments"],
        )
    return _after_reply(request, case, message.case)


def _after_reply(request: HttpRequest, case: Case, landed_on: Case) -> HttpResponse:
    if landed_on.pk != case.pk:
        messages.info(request, _("Your earlier case was closed, so we opened a new case for your message."))
        return _go_to(request, tracking_path(landed_on))
    if is_htmx(request):
        return render(request, "web/track.html", tracking_context(request, case, ReplyForm(), reply_sent=True))
    messages.success(request, _("Your message was sent."))
    return redirect(tracking_path(case))


def _go_to(request: HttpRequest, path: str) -> HttpResponse:
    if is_htmx(request):
        response = HttpResponse()
        response["HX-Redirect"] = path
        return response
    return redirect(path)


@private_link_page
@limit_requests("tracking")
@friendly_not_found(LINK_INVALID)
@require_GET
def attachment(request: HttpRequest, token: str, attachment_id: int) -> HttpResponseBase:
    item = access_attachment_by_token(token, attachment_id)
    try:
        handle = item.file.open("rb")
    except OSError:
        raise Http404 from None
    return download_response(handle, filename=item.filename, content_type=item.content_type)


@private_link_page
@limit_requests("tracking")
@friendly_not_found("web/survey_unavailable.html")
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The follow-up rating. Answering again replaces the earlier answer."""
    current = access_survey_by_token(token)
    if current.template_id is not None:
        return template_survey(request, token, current)  # the brand's own questions instead
    initial = {"rating": current.rating, "comment": current.comment}
    form = SurveyForm(request.POST, initial=initial) if request.method == "POST" else SurveyForm(initial=initial)
    if form.is_bound and form.is_valid():
        answered = answer_survey(token, form.cleaned_data["rating"], form.cleaned_data["comment"])
        return render(request, "web/survey_thanks.html", {"survey": answered, "token": token})
    context = {"form": form, "survey": current, "case": current.case}
    return render(request, "web/survey.html", context, status=400 if form.is_bound else 200)
