"""Agent search surfaces: articles suggested for a case, and full-text case search with filters."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from soridam.accounts.staff import StaffRequest, staff_required
from soridam.cases.access import access_case
from soridam.cases.models import MessageKind
from soridam.kb import actions as kb_actions
from soridam.kb.access import access_article
from soridam.kb.agent import articles_for_text, case_query
from soridam.kb.models import ArticleUse
from soridam.lib.htmx import is_htmx
from soridam.privacy import access_log
from soridam.privacy.models import AccessAction
from soridam.workspace import case_search


@staff_required
@require_GET
def case_articles(request: StaffRequest, case_id: int) -> HttpResponse:
    """Loaded by the case page after it shows (hx-trigger="load"), so the page itself stays fast."""
    case = access_case(request.user, case_id)
    first = case.messages.filter(kind=MessageKind.CUSTOMER).order_by("created_at", "id").first()
    query = case_query(case.subject, first.body if first else "")
    context = {"case": case, "articles": articles_for_text(query)}
    return render(request, "workspace/_case_articles.html", context)


@staff_required
@require_POST
def case_article_used(request: StaffRequest, case_id: int, article_id: int) -> HttpResponse:
    """Sent by the "insert" buttons: counts articles used in replies, per case (R-KB-8)."""
    how = request.POST.get("how", "")
    if how not in ArticleUse.How.values:
        return HttpResponse(status=400)
    case = access_case(request.user, case_id)
    kb_actions.record_article_use(access_article(request.user, article_id), case, request.user, how)
    return HttpResponse(status=204)


@staff_required
@require_GET
def search_cases(request: StaffRequest) -> HttpResponse:
    form = case_search.CaseSearchForm(request.GET or None)
    context: dict[str, object] = {"form": form, "result": None, "error": ""}
    status = 200
    if form.is_bound and form.is_valid():
        if form.cleaned_data.get("q"):  # R-SEC-5; the entry keeps the words masked
            access_log.record(request, AccessAction.SEARCH, detail=form.cleaned_data["q"])
        try:
            context["result"] = result = case_search.search(request.user, form.cleaned_data)
        except case_search.BadCursor:
            context["error"], status = "cursor", 400
        else:
            if result.reference is not None and not is_htmx(request):  # typing live must not navigate away
                return redirect("workspace:case", result.reference.pk)
    elif form.is_bound:
        status = 400
    partial = is_htmx(request) and request.headers.get("HX-Target") == "case-search-results"
    template = "workspace/_case_search_results.html" if partial else "workspace/case_search.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response
