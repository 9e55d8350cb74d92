"""The knowledge base: a category tree, articles in Korean and English, their history and what readers do with them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.lib.bilingual import BilingualName


class Visibility(models.TextChoices):
    DRAFT = "draft", _("Draft")
    INTERNAL = "internal", _("Internal (staff only)")
    PUBLIC = "public", _("Public")


class Category(BilingualName, models.Model):
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    slug = models.SlugField(max_length=60, unique=True)
    name_ko = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("help-centre category")
        verbose_name_plural = _("help-centre categories")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name_en


class Article(models.Model):
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="ko")
    title = models.CharField(max_length=200)
    body = models.TextField(help_text=_("Markdown."))
    # Rendered and sanitised on every save (kb.actions), so pages never render Markdown per view.
    body_html = models.TextField(blank=True, editable=False)
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.DRAFT)
    # Scheduled publishing: a public or internal article stays hidden, and out of the index, until then.
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Leave empty to show the article as soon as it is saved.")
    )
    position = models.PositiveSmallIntegerField(default=0)
    view_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["position", "title"]
        indexes = [models.Index(fields=["visibility", "language", "category"], name="kb_article_listing")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC


def live_articles() -> models.QuerySet[Article]:
    """Articles that readers may find now: not drafts, and their publication time (if any) has come."""
    now = timezone.now()
    published = models.Q(publish_at__isnull=True) | models.Q(publish_at__lte=now)
    return Article.objects.exclude(visibility=Visibility.DRAFT).filter(published)


class ArticleVersion(models.Model):
    """One row per save: what the article said, and who saved it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    visibility = models.CharField(max_length=8, choices=Visibility.choices)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="kb_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


class HelpfulVote(models.Model):
    """ "Was this helpful?": one vote per visitor, article and day (R-KB-7); voting again that day replaces it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    visitor = models.CharField(max_length=64)
    day = models.DateField()
    helpful = models.BooleanField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("helpful vote")
        verbose_name_plural = _("helpful votes")
        constraints = [
            models.UniqueConstraint(fields=["article", "visitor", "day"], name="kb_vote_once_per_visitor_day")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {'yes' if self.helpful else 'no'}"


class Deflection(models.Model):
    """A customer opened a suggested article. It deflected a complaint unless the same visitor then sent the
    complaint form; "this solved it" counts as deflected whatever happens next (R-KB-6)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="deflections")
    visitor = models.CharField(max_length=64)
    opened_at = models.DateTimeField(default=timezone.now)
    solved = models.BooleanField(default=False)
    submitted = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("deflection")
        verbose_name_plural = _("deflections")
        constraints = [models.UniqueConstraint(fields=["article", "visitor"], name="kb_deflection_once_per_visitor")]
        indexes = [models.Index(fields=["visitor"], name="kb_deflection_visitor")]

    def __str__(self) -> str:
        return f"{self.article_id} {self.visitor[:8]}"

    @property
    def deflected(self) -> bool:
        return self.solved or not self.submitted


class ArticleUse(models.Model):
    """An agent put the article into a reply on a case, as a link or as text (R-KB-8)."""

    class How(models.TextChoices):
        LINK = "link", _("Link")
        TEXT = "text", _("Text")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="uses")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    how = models.CharField(max_length=4, choices=How.choices)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.article_id} in {self.case_id}"
