"""Loading articles under permission: customers read public articles only, staff also internal ones."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from soridam.accounts.models import User
from soridam.kb.models import Article, Visibility, live_articles


def articles_visible_to(user: User | None) -> QuerySet[Article]:
    """Drafts and articles scheduled for later are nobody's to read outside the admin; internal articles are
    for support staff."""
    shown = [Visibility.PUBLIC]
    if user is not None and getattr(user, "is_support_staff", False):
        shown.append(Visibility.INTERNAL)
    return live_articles().filter(visibility__in=shown)


def access_article(user: User | None, article_id: int) -> Article:
    """The article if this reader may see it; a draft, an internal article shown to a customer and a missing
    article all answer 404 alike."""
    try:
        return articles_visible_to(user).select_related("category").get(pk=article_id)
    except Article.DoesNotExist:
        raise Http404 from None
