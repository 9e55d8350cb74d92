"""Admin for the knowledge base. Saving and deleting articles go through kb.actions, so every save keeps a
version and re-indexes the article, exactly as anywhere else."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from soridam.kb import actions
from soridam.kb.models import Article, ArticleVersion, Category, Deflection, HelpfulVote


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ("name_en", "name_ko", "parent", "position")
    list_editable = ("position",)
    prepopulated_fields = {"slug": ("name_en",)}


class VersionInline(admin.TabularInline[ArticleVersion, Article]):
    model = ArticleVersion
    extra = 0
    can_delete = False
    fields = ("number", "title", "visibility", "saved_by", "saved_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin[Article]):
    list_display = (
        "title", "language", "visibility", "publish_at", "category", "view_count",
        "helpful_yes", "helpful_no", "suggestion_opens", "solved_count", "deflection_count", "used_in_cases",
    )  # fmt: skip
    list_filter = ("visibility", "language", "category")
    search_fields = ("title",)
    readonly_fields = ("view_count", "created_at", "updated_at")
    inlines = [VersionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return (
            super()
            .get_queryset(request)
            .select_related("category")
            .annotate(
                yes=Count("votes", filter=Q(votes__helpful=True), distinct=True),
                no=Count("votes", filter=Q(votes__helpful=False), distinct=True),
                opens=Count("deflections", distinct=True),
                used=Count("uses__case", distinct=True),
                solved=Count("deflections", filter=Q(deflections__solved=True), distinct=True),
                deflected=Count(
                    "deflections",
                    filter=Q(deflections__solved=True) | Q(deflections__submitted=False),
                    distinct=True,
                ),
            )
        )

    @admin.display(description=_("Helpful"), ordering="yes")
    def helpful_yes(self, article: Any) -> int:
        return int(article.yes)

    @admin.display(description=_("Not helpful"), ordering="no")
    def helpful_no(self, article: Any) -> int:
        return int(article.no)

    @admin.display(description=_("Opened from a suggestion"), ordering="opens")
    def suggestion_opens(self, article: Any) -> int:
        return int(article.opens)

    @admin.display(description=_("“This solved it”"), ordering="solved")
    def solved_count(self, article: Any) -> int:
        return int(article.solved)

    @admin.display(description=_("Deflected complaints"), ordering="deflected")
    def deflection_count(self, article: Any) -> int:
        return int(article.deflected)

    @admin.display(description=_("Used in replies (cases)"), ordering="used")
    def used_in_cases(self, article: Any) -> int:
        return int(article.used)

    def save_model(self, request: HttpRequest, obj: Article, form: ModelForm[Article], change: bool) -> None:
        actions.save_article(obj, editor=request.user if request.user.is_authenticated else None)

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        actions.delete_article(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        for article in queryset:
            actions.delete_article(article)


@admin.register(HelpfulVote)
class HelpfulVoteAdmin(admin.ModelAdmin[HelpfulVote]):
    list_display = ("article", "helpful", "day", "comment")
    list_filter = ("helpful", "day")
    readonly_fields = ("article", "visitor", "day", "helpful", "comment", "created_at")


@admin.register(Deflection)
class DeflectionAdmin(admin.ModelAdmin[Deflection]):
    list_display = ("article", "opened_at", "solved", "submitted", "is_deflected")
    list_filter = ("solved", "submitted")
    readonly_fields = ("article", "visitor", "opened_at", "solved", "submitted")

    @admin.display(description=_("Deflected"), boolean=True)
    def is_deflected(self, deflection: Deflection) -> bool:
        return deflection.deflected
