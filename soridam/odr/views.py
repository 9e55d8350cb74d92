"""Dispute pages: the customer's through the case's private tracking link, the respondent's (staff with the
dispute permission or a shop's merchant user) and the neutral's when signed in, and the staff list.

Thin views: ``access_*`` loads the dispute and the viewer's side, ``commands`` changes it through the actions,
``presenters`` builds what that side may see (``visible_to``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soridam.audit.actors import Actor
from soridam.cases.access import access_case, access_case_by_token
from soridam.cases.downloads import download_response
from soridam.lib.security_headers import mark
from soridam.odr import actions, commands, decision_actions, packs
from soridam.odr.access import (
    OPEN,
    access_dispute_by_token,
    access_dispute_by_user,
    access_evidence,
    disputes_visible_to,
)
from soridam.odr.export import case_file
from soridam.odr.forms import FilingForm
from soridam.odr.models import Dispute, MerchantPledge, Role
from soridam.odr.presenters import dispute_context, routes_shown

View = Callable[..., HttpResponseBase]


def private(view: View) -> View:
    """A page whose URL carries a secret token: the site's "private_link" policy (no path in a Referer, no
    search index) and no shared cache, as the tracking page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        mark(response, "private_link")
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapper


def _filing(form: FilingForm) -> actions.Filing:
    data = form.cleaned_data
    return actions.Filing(
        order_number=data["order_number"] or "",
        issues=form.issue_lines(),
        desired_outcome=data["desired_outcome"],
        desired_amount=data["desired_amount"],
        evidence=data["evidence"],
    )


@private
@require_http_methods(["GET", "POST"])
def customer_file(request: HttpRequest, token: str) -> HttpResponse:
    """The customer opens a dispute from the tracking page; the statutory routes are shown with the form."""
    case = access_case_by_token(token)
    form = FilingForm(request.POST or None, request.FILES or None, initial={"order_number": case.order_number})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            case = access_case_by_token(token, for_update=True)
            dispute = actions.file_dispute(case, _filing(form), actor=Actor(customer=case.customer))
        return redirect("odr:customer_dispute", token, dispute.pk)
    context = {"form": form, "case": case, "routes": routes_shown(None), "pledge": MerchantPledge.objects.first()}
    return render(request, "odr/file.html", context, status=400 if form.is_bound else 200)


@login_required
@permission_required(OPEN, raise_exception=True)
@require_http_methods(["GET", "POST"])
def staff_file(request: HttpRequest, case_id: int) -> HttpResponse:
    """Staff with the dispute permission open one from the case page, for the customer."""
    case = access_case(request.user, case_id)  # type: ignore[arg-type]
    form = FilingForm(request.POST or None, request.FILES or None, initial={"order_number": case.order_number})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            case = access_case(request.user, case_id, for_update=True)  # type: ignore[arg-type]
            dispute = actions.file_dispute(case, _filing(form), actor=Actor(user=request.user))  # type: ignore[arg-type]
        messages.success(request, _("Dispute %(id)s opened; the respondent is notified.") % {"id": dispute.pk})
        return redirect("odr:workspace_list")
    context = {"form": form, "case": case, "routes": routes_shown(None), "pledge": MerchantPledge.objects.first()}
    return render(request, "odr/file.html", context, status=400 if form.is_bound else 200)


@private
@require_GET
def customer_dispute(request: HttpRequest, token: str, dispute_id: int) -> HttpResponse:
    dispute, role = access_dispute_by_token(token, dispute_id)
    context = {"evidence_base": reverse("odr:customer_evidence", args=[token, dispute_id, 0])[:-2]}
    return _page(request, dispute, role, reverse("odr:customer_command", args=[token, dispute_id, "_"]), context)


@never_cache
@login_required
@require_GET
def party_dispute(request: HttpRequest, dispute_id: int) -> HttpResponse:
    dispute, role = access_dispute_by_user(request.user, dispute_id)  # type: ignore[arg-type]
    context = {"evidence_base": reverse("odr:party_evidence", args=[dispute_id, 0])[:-2]}
    return _page(request, dispute, role, reverse("odr:party_command", args=[dispute_id, "_"]), context)


def _page(request: HttpRequest, dispute: Dispute, role: str, command_url: str, extra: dict[str, str]) -> HttpResponse:
    context = {**dispute_context(dispute, role), **extra}
    context["command_base"] = command_url[:-2]
    context["consent_texts"] = {
        form: (
            decision_actions.consent_text(dispute, form),
            decision_actions.text_hash(decision_actions.consent_text(dispute, form)),
        )
        for form in decision_actions.ARBITRATION_FORMS
    }
    return render(request, "odr/dispute.html", context)


@private
@require_POST
def customer_command(request: HttpRequest, token: str, dispute_id: int, name: str) -> HttpResponse:
    with transaction.atomic():
        dispute, role = access_dispute_by_token(token, dispute_id, for_update=True)
        _run(request, name, commands.Call(dispute, role, Actor(customer=dispute.claimant), request.POST, request.FILES))
    return redirect("odr:customer_dispute", token, dispute_id)


@never_cache
@login_required
@require_POST
def party_command(request: HttpRequest, dispute_id: int, name: str) -> HttpResponse:
    with transaction.atomic():
        dispute, role = access_dispute_by_user(request.user, dispute_id, for_update=True)  # type: ignore[arg-type]
        _run(request, name, commands.Call(dispute, role, Actor(user=request.user), request.POST, request.FILES))  # type: ignore[arg-type]
    return redirect("odr:party_dispute", dispute_id)


def _run(request: HttpRequest, name: str, call: commands.Call) -> None:
    """A refused command changes nothing (its savepoint rolls back) and says why."""
    try:
        with transaction.atomic():
            commands.perform(name, call)
    except actions.DisputeError as refused:
        messages.error(request, str(refused))


@private
@require_GET
def customer_evidence(request: HttpRequest, token: str, dispute_id: int, item_id: int) -> HttpResponseBase:
    dispute, role = access_dispute_by_token(token, dispute_id)
    item, content = access_evidence(dispute, role, item_id)
    return download_response(content, filename=item.filename, content_type=item.content_type)


@never_cache
@login_required
@require_GET
def party_evidence(request: HttpRequest, dispute_id: int, item_id: int) -> HttpResponseBase:
    dispute, role = access_dispute_by_user(request.user, dispute_id)  # type: ignore[arg-type]
    item, content = access_evidence(dispute, role, item_id)
    return download_response(content, filename=item.filename, content_type=item.content_type)


@private
@require_GET
def customer_export(request: HttpRequest, token: str, dispute_id: int, fmt: str) -> HttpResponse:
    dispute, role = access_dispute_by_token(token, dispute_id)
    return _export(request, dispute, role, fmt)


@never_cache
@login_required
@require_GET
def party_export(request: HttpRequest, dispute_id: int, fmt: str) -> HttpResponse:
    dispute, role = access_dispute_by_user(request.user, dispute_id)  # type: ignore[arg-type]
    return _export(request, dispute, role, fmt)


def _export(request: HttpRequest, dispute: Dispute, role: str, fmt: str) -> HttpResponse:
    data = case_file(dispute, role)
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
        return HttpResponse(body, content_type="application/json; charset=utf-8")
    return render(request, "odr/case_file.html", {**dispute_context(dispute, role), "file": data})


@never_cache
@login_required
@require_GET
def workspace_list(request: HttpRequest) -> HttpResponse:
    disputes = disputes_visible_to(request.user).select_related("case").order_by("-created_at")[:200]  # type: ignore[arg-type]
    return render(request, "odr/workspace_list.html", {"disputes": disputes})


@require_GET
def rules_page(request: HttpRequest) -> HttpResponse:
    """Every rule that treats the sides differently (R-ODR-6), and the statutory routes."""
    context = {"rules": packs.CONSUMER_PROTECTIVE, "routes": list(packs.STATUTORY_ROUTES.values()), "role": Role}
    return render(request, "odr/rules.html", context)
