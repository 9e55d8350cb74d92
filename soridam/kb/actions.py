"""The only place that changes articles and records what readers do with them (no signals: STYLE.md).

Every change to an article writes its version row and re-indexes it after commit, so the search index follows
the database: a draft or a deleted article leaves the index, a published one enters it.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from soridam.accounts.models import User
from soridam.cases.models import Case
from soridam.kb.indexing import index_article
from soridam.kb.models import Article, ArticleUse, ArticleVersion, Deflection, HelpfulVote
from soridam.kb.rendering import render_markdown
from soridam.lib.jobs import enqueue_on_commit

MAX_COMMENT = 2000


def save_article(article: Article, *, editor: User | None = None) -> Article:
    """Save a new or changed article, keep its version, and re-index it once the transaction commits."""
    with transaction.atomic():
        article.body_html = render_markdown(article.body)
        article.updated_at = timezone.now()
        article.save()
        _add_version(article, editor)
        enqueue_on_commit(index_article, article.pk)
        _index_again_at_publication(article)
    return article


def _index_again_at_publication(article: Article) -> None:
    """A scheduled article enters the index when its time comes: the same task, deferred. If the time is
    changed later, the earlier run finds the article not due yet and leaves it out (idempotent)."""
    if article.publish_at is None or article.publish_at <= timezone.now():
        return
    deferred = index_article.using(run_after=article.publish_at)
    if deferred.get_backend().supports_defer:
        enqueue_on_commit(deferred, article.pk)


def _add_version(article: Article, editor: User | None) -> ArticleVersion:
    last = article.versions.aggregate(last=Max("number"))["last"] or 0
    return ArticleVersion.objects.create(
        article=article,
        number=last + 1,
        title=article.title,
        body=article.body,
        visibility=article.visibility,
        language=article.language,
        saved_by=editor,
        saved_at=article.updated_at,
    )


def delete_article(article: Article) -> None:
    """Delete the article; the index task then finds it gone and removes it from the index too."""
    with transaction.atomic():
        article_id = article.pk
        article.delete()
        enqueue_on_commit(index_article, article_id)


def record_view(article: Article) -> None:
    # F() so that concurrent readers never lose a count.
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)


def vote(article: Article, visitor: str, *, helpful: bool, comment: str = "") -> HelpfulVote:
    """One vote per visitor, article and day: voting again the same day replaces the earlier vote.
    Helpfulness feeds the ranking, so the article is re-indexed."""
    with transaction.atomic():
        found, _created = HelpfulVote.objects.update_or_create(
            article=article,
            visitor=visitor,
            day=timezone.localdate(),
            defaults={"helpful": helpful, "comment": comment.strip()[:MAX_COMMENT]},
        )
        enqueue_on_commit(index_article, article.pk)
    return found


def record_suggestion_opened(article: Article, visitor: str) -> Deflection:
    found, _created = Deflection.objects.get_or_create(article=article, visitor=visitor)
    return found


def mark_solved(article: Article, visitor: str) -> Deflection:
    """The customer said "this solved it": a deflection, even if they open the form afterwards."""
    found, _created = Deflection.objects.update_or_create(article=article, visitor=visitor, defaults={"solved": True})
    return found


def mark_complaint_submitted(visitor: str) -> int:
    """The visitor sent the complaint form after all: the articles they opened did not deflect it."""
    return Deflection.objects.filter(visitor=visitor, submitted=False).update(submitted=True)


def record_article_use(article: Article, case: Case, agent: User, how: str) -> ArticleUse:
    """The agent inserted the article into a reply on ``case``; the caller has checked both are theirs."""
    return ArticleUse.objects.create(article=article, case=case, agent=agent, how=how)
