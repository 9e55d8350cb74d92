"""The public help centre: the category tree, article pages, search, suggestions, votes and deflection."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from soridam.kb import actions
from soridam.kb.access import access_article
from soridam.kb.forms import VoteForm
from soridam.kb.models import Article, Category, Deflection, Visibility, live_articles
from soridam.kb.presenters import category_path, category_tree
from soridam.kb.suggestions import query_from, suggested_articles
from soridam.kb.visitors import known_visitor_key, visitor_key
from soridam.lib.htmx import is_htmx
from soridam.lib.ratelimit import RateLimited, check_rate, client_ip

FROM_SUGGESTION = "suggest"


def _limit_feedback(view: Callable[[HttpRequest, int], HttpResponse]) -> Callable[[HttpRequest, int], HttpResponse]:
    """Votes feed the ranking and "this solved it" the deflection figures: a per-address budget keeps one
    script from steering either."""

    @wraps(view)
    def limited(request: HttpRequest, article_id: int) -> HttpResponse:
        try:
            check_rate("kb_feedback", client_ip(request))
        except RateLimited as over:
            response = HttpResponse(_("Too many requests. Please try again in a minute."), status=429)
            response["Retry-After"] = str(over.retry_after)
            return response
        return view(request, article_id)

    return limited


@require_GET
def help_home(request: HttpRequest) -> HttpResponse:
    return render(request, "kb/help_home.html", {"tree": category_tree(get_language())})


@require_GET
def category_page(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category.objects.select_related("parent"), slug=slug)
    language = get_language()
    articles = live_articles().filter(category=category, visibility=Visibility.PUBLIC, language=language)
    context = {
        "category": category,
        "name": category.name_for(language),
        "path": category_path(category, language),
        "articles": articles,
        "tree": [node for node in category_tree(language) if node.category.parent_id == category.pk],
    }
    return render(request, "kb/category.html", context)


@require_GET
def article_page(request: HttpRequest, article_id: int) -> HttpResponse:
    """Opening an article from a suggestion starts a deflection record for this visitor."""
    article = access_article(None, article_id)
    actions.record_view(article)
    if request.GET.get("from") == FROM_SUGGESTION:
        actions.record_suggestion_opened(article, visitor_key(request))
    context = {
        "article": article,
        "path": category_path(article.category, get_language()),
        "form": VoteForm(),
        "offer_solved": _opened_from_suggestion(request, article),
    }
    return render(request, "kb/article.html", context)


def _opened_from_suggestion(request: HttpRequest, article: Article) -> bool:
    visitor = known_visitor_key(request)
    return visitor is not None and Deflection.objects.filter(article=article, visitor=visitor, solved=False).exists()


@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """The top five articles as an htmx fragment, for the help-centre box and the complaint form."""
    query = query_from(request.GET.get("q", ""))
    context = {"suggestions": suggested_articles(query), "query": query, "new_tab": request.GET.get("for") == "form"}
    response = render(request, "kb/_suggestions.html", context)
    patch_cache_control(response, public=True, max_age=30)
    return response


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """The search box without JavaScript: the same suggestions as a page."""
    query = query_from(request.GET.get("q", ""))
    return render(request, "kb/search.html", {"query": query, "suggestions": suggested_articles(query)})


@require_POST
@_limit_feedback
def vote(request: HttpRequest, article_id: int) -> HttpResponse:
    article = access_article(None, article_id)
    form = VoteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        actions.vote(article, visitor_key(request), helpful=data["helpful"], comment=data["comment"])
    context = {"article": article, "form": form, "voted": form.is_valid()}
    if is_htmx(request):
        return render(request, "kb/_vote.html", context)
    if form.is_valid():
        messages.success(request, _("Thank you for your feedback."))
        return redirect("kb:article", article.pk)
    return render(request, "kb/article.html", context | {"path": []}, status=400)


@require_POST
@_limit_feedback
def solved(request: HttpRequest, article_id: int) -> HttpResponse:
    article = access_article(None, article_id)
    actions.mark_solved(article, visitor_key(request))
    if is_htmx(request):
        return render(request, "kb/_solved.html", {"article": article})
    messages.success(request, _("We are glad this article solved it."))
    return redirect("kb:article", article.pk)


@require_POST
def complaint_submitted(request: HttpRequest) -> HttpResponse:
    """The complaint form's beacon as it is sent: the articles this visitor opened did not deflect it."""
    visitor = known_visitor_key(request)
    if visitor is not None:
        actions.mark_complaint_submitted(visitor)
    return HttpResponse(status=204)
