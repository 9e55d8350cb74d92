"""The roster, the outcome report and the selection pages: thin views over ``neutrals.selection``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soridam.accounts.models import User
from soridam.accounts.staff import StaffRequest, staff_required
from soridam.audit.actors import Actor
from soridam.neutrals import outcomes, selection
from soridam.neutrals.access import (
    access_dispute,
    access_draw_as_neutral,
    access_draw_by_token,
    may_decide,
    may_oversee,
    objection_url,
)
from soridam.neutrals.forms import DecisionForm, DisclosureForm, ObjectionForm
from soridam.neutrals.models import Decision, Draw, DrawState, Neutral, NeutralEvent, Objection, Outlier, Party
from soridam.neutrals.selection import SelectionError


def _oversee(request: StaffRequest) -> None:
    if not may_oversee(request.user):
        raise PermissionDenied


@staff_required
@require_GET
def roster(request: StaffRequest) -> HttpResponse:
    _oversee(request)
    neutrals = Neutral.objects.select_related("user").prefetch_related("ties").order_by("-active", "pk")
    return render(request, "neutrals/roster.html", {"neutrals": neutrals})


@staff_required
@require_GET
def report(request: StaffRequest) -> HttpResponse:
    """R-ODR-9: cases, settlement and compliance rates and mean duration per neutral, and the outliers."""
    _oversee(request)
    recent = Outlier.objects.select_related("neutral__user").order_by("-day", "-pk")[:50]
    return render(request, "neutrals/report.html", {"rows": outcomes.report(), "outliers": recent})


@staff_required
@require_GET
def neutral_detail(request: StaffRequest, neutral_id: int) -> HttpResponse:
    _oversee(request)
    neutral = get_object_or_404(Neutral.objects.select_related("user"), pk=neutral_id)
    row = next((r for r in outcomes.report() if r.neutral.pk == neutral.pk), None)
    context = {"neutral": neutral, "row": row, "ties": neutral.ties.all(), "outliers": neutral.outliers.all()}
    return render(request, "neutrals/neutral.html", context)


@staff_required
@require_GET
def dispute_page(request: StaffRequest, dispute_id: int) -> HttpResponse:
    """The dispute's draws, disclosure, objections and log; the forms the user may use."""
    dispute = access_dispute(request.user, dispute_id)
    draws = list(Draw.objects.filter(dispute=dispute).select_related("neutral__user").prefetch_related("objections"))
    current = next((d for d in draws if d.state in (DrawState.OBJECTION_WINDOW, DrawState.OBJECTED)), None)
    context = {
        "dispute": dispute,
        "draws": draws,
        "events": NeutralEvent.objects.filter(dispute=dispute).select_related("draw"),
        "may_oversee": may_oversee(request.user),
        "may_decide": may_decide(request.user),
        "objection_link": objection_url(current) if current else "",
        "objection_form": ObjectionForm(),
        "decision_form": DecisionForm(),
    }
    return render(request, "neutrals/dispute.html", context)


@staff_required
@require_POST
def draw(request: StaffRequest, dispute_id: int) -> HttpResponse:
    _oversee(request)
    dispute = access_dispute(request.user, dispute_id)
    try:
        selection.draw_neutral(dispute, actor=Actor(user=request.user))
    except SelectionError as error:
        messages.error(request, str(error))
    return redirect("neutrals:dispute", dispute.pk)


@staff_required
@require_POST
def respondent_objection(request: StaffRequest, draw_id: int) -> HttpResponse:
    """The business objects (a lead or an administrator speaks for it)."""
    _oversee(request)
    current = get_object_or_404(Draw, pk=draw_id)
    access_dispute(request.user, current.dispute_id)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        _object(request, current, Party.RESPONDENT, form.cleaned_data["reason"], Actor(user=request.user))
    return redirect("neutrals:dispute", current.dispute_id)


def _object(request: HttpRequest, current: Draw, party: Party, reason: str, actor: Actor) -> bool:
    try:
        selection.object_to(current, party, reason, actor=actor)
    except SelectionError as error:
        messages.error(request, str(error))
        return False
    return True


@staff_required
@require_POST
def decide(request: StaffRequest, objection_id: int) -> HttpResponse:
    if not may_decide(request.user):
        raise PermissionDenied
    objection = get_object_or_404(Objection.objects.select_related("draw"), pk=objection_id)
    access_dispute(request.user, objection.draw.dispute_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            selection.decide_objection(
                objection,
                uphold=form.cleaned_data["uphold"],
                note=form.cleaned_data["note"],
                actor=Actor(user=request.user),
            )
        except SelectionError as error:
            messages.error(request, str(error))
    return redirect("neutrals:dispute", objection.draw.dispute_id)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def disclosure(request: HttpRequest, draw_id: int) -> HttpResponse:
    """The drawn neutral's disclosure form (a neutral need not be staff)."""
    assert isinstance(request.user, User)  # noqa: S101 - login_required
    current = access_draw_as_neutral(request.user, draw_id)
    form = DisclosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            selection.file_disclosure(
                current, form.cleaned_data["statement"], form.ties(), actor=Actor(user=request.user)
            )
        except SelectionError as error:
            form.add_error(None, str(error))
        else:
            current.refresh_from_db()
    status = 400 if form.errors else 200
    return render(request, "neutrals/disclosure.html", {"draw": current, "form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def claimant_objection(request: HttpRequest, token: str) -> HttpResponse:
    """The claimant's objection, through the signed link they were given with the disclosure."""
    current = access_draw_by_token(token)
    form = ObjectionForm(request.POST or None)
    filed = current.objections.filter(party=Party.CLAIMANT).first()
    if request.method == "POST" and filed is None and form.is_valid():
        claimant = Actor(customer=current.dispute.claimant)
        if _object(request, current, Party.CLAIMANT, form.cleaned_data["reason"], claimant):
            filed = current.objections.filter(party=Party.CLAIMANT).first()
    is_open = current.state in (DrawState.OBJECTION_WINDOW, DrawState.OBJECTED) and bool(
        current.objection_deadline and timezone.now() < current.objection_deadline
    )
    context = {"draw": current, "form": form, "filed": filed, "is_open": is_open, "pending": Decision.PENDING}
    return render(request, "neutrals/objection.html", context)
