"""Public follow-up pages reached from a signed link: the check-in's answer, the NPS question and the
advertising opt-out. A forged, expired or unknown link gets a friendly page and stores nothing.

The check-in and opt-out links show one button rather than acting on the click itself: mail security
scanners open every link in a message, and a GET that changed the case would answer for the customer.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from soridam.followup.access import access_check_in_by_token, access_customer_by_opt_out, access_nps_by_token
from soridam.followup.answers import answer_survey
from soridam.followup.models import Survey
from soridam.followup.replies import ANSWERS, answer_check_in, answer_nps, opt_out
from soridam.web.forms import NpsForm, TemplateSurveyForm
from soridam.web.guards import friendly_not_found, limit_requests, private_link_page

UNAVAILABLE = "web/survey_unavailable.html"


@private_link_page
@limit_requests("tracking")
@friendly_not_found(UNAVAILABLE)
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, token: str, answer: str) -> HttpResponse:
    if answer not in ANSWERS:
        raise Http404
    current = access_check_in_by_token(token)
    if request.method == "POST":
        current = answer_check_in(token, answer)
    context = {"check_in": current, "case": current.case, "answer": answer, "done": bool(current.answer)}
    return render(request, "web/check_in.html", context)


@private_link_page
@limit_requests("tracking")
@friendly_not_found(UNAVAILABLE)
@require_http_methods(["GET", "POST"])
def nps(request: HttpRequest, token: str) -> HttpResponse:
    """Answering again replaces the earlier answer while the question is open."""
    current = access_nps_by_token(token)
    initial = {"score": current.score, "comment": current.comment}
    form = NpsForm(request.POST, initial=initial) if request.method == "POST" else NpsForm(initial=initial)
    if form.is_bound and form.is_valid():
        answer_nps(token, form.cleaned_data["score"], form.cleaned_data["comment"])
        return render(request, "web/nps_thanks.html", {"token": token})
    return render(request, "web/nps.html", {"form": form, "survey": current}, status=400 if form.is_bound else 200)


@private_link_page
@limit_requests("tracking")
@friendly_not_found("web/link_invalid.html")
@require_http_methods(["GET", "POST"])
def ad_opt_out(request: HttpRequest, token: str) -> HttpResponse:
    access_customer_by_opt_out(token)
    done = request.method == "POST"
    if done:
        opt_out(token)
    return render(request, "web/ad_opt_out.html", {"done": done})


def template_survey(request: HttpRequest, token: str, current: Survey) -> HttpResponse:
    """The satisfaction survey with a brand's own questions (``web.views.survey`` has checked the link)."""
    questions = list(current.template.questions.all()) if current.template else []
    initial = {f"q{key}": value for key, value in current.answers.items()} | {"rating": current.rating}
    data = request.POST if request.method == "POST" else None
    form = TemplateSurveyForm(questions, data, initial=initial)
    if form.is_bound and form.is_valid():
        answered = answer_survey(token, form.rating(), "", answers=form.answers())
        return render(request, "web/survey_thanks.html", {"survey": answered, "token": token})
    context = {"form": form, "survey": current, "case": current.case}
    return render(request, "web/survey_template.html", context, status=400 if form.is_bound else 200)
