from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from soridam.audit.actors import Actor
from soridam.followup import campaigns
from soridam.followup.models import (
    Campaign,
    CampaignMessage,
    CheckIn,
    MarketingConsent,
    NpsSurvey,
    Survey,
    SurveyQuestion,
    SurveyTemplate,
)
from soridam.followup.tasks import send_campaign_messages
from soridam.privacy.presenter import shown


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin[Survey]):
    """The comment is the customer's own text: shown through the privacy presenter, never as a form field."""

    list_filter = ("rating",)
    list_select_related = ("case",)
    exclude = ("comment",)
    readonly_fields = ("case", "sent_at", "expires_at", "rating", "shown_comment", "answered_at")

    def get_list_display(self, request: HttpRequest) -> tuple[str | Callable[[Survey], str], ...]:
        return ("rating", "answered_at", "case", _comment_column(request.user), "sent_at")

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Survey | None:
        survey = super().get_object(request, object_id, from_field)
        if survey is not None:
            # Display methods get the object only; the presenter needs to know who is looking.
            setattr(survey, "_viewer", request.user)  # noqa: B010 - not a model field
        return survey

    @admin.display(description=_("comment"))
    def shown_comment(self, survey: Survey) -> str:
        viewer: Any = getattr(survey, "_viewer", None)
        return shown(viewer, survey.comment)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # surveys are created when a case is solved or closed


def _comment_column(user: Any) -> Callable[[Survey], str]:
    def comment(survey: Survey) -> str:
        return shown(user, survey.comment)[:200]

    comment.short_description = _("comment")  # type: ignore[attr-defined]
    return comment


class SurveyQuestionInline(admin.TabularInline[SurveyQuestion, SurveyTemplate]):
    model = SurveyQuestion
    extra = 1


@admin.register(SurveyTemplate)
class SurveyTemplateAdmin(admin.ModelAdmin[SurveyTemplate]):
    """A brand's own survey in one language: asked instead of the default one when a case matches."""

    list_display = ("name", "brand", "locale", "is_active")
    list_filter = ("locale", "is_active")
    inlines = [SurveyQuestionInline]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin[CheckIn]):
    list_display = ("case", "due_at", "sent_at", "answer", "answered_at", "closes_at")
    list_filter = ("answer",)
    list_select_related = ("case",)
    readonly_fields = ("case", "solved_at", "due_at", "sent_at", "closes_at", "answer", "answered_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # scheduled when a case is solved


@admin.register(NpsSurvey)
class NpsSurveyAdmin(admin.ModelAdmin[NpsSurvey]):
    list_display = ("customer", "score", "sent_at", "answered_at")
    exclude = ("comment",)
    readonly_fields = ("customer", "case", "sent_at", "expires_at", "score", "answered_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # asked when a case closes


@admin.register(MarketingConsent)
class MarketingConsentAdmin(admin.ModelAdmin[MarketingConsent]):
    list_display = ("customer", "advertising_at", "night_at", "withdrawn_at")
    raw_id_fields = ("customer",)


class CampaignMessageInline(admin.TabularInline[CampaignMessage, Campaign]):
    model = CampaignMessage
    fields = ("customer", "state", "due_at", "sent_at", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        return False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin[Campaign]):
    """The entry point for advertising: write it, then "send to consenting customers"."""

    list_display = ("name", "created_at", "started_at")
    readonly_fields = ("started_at",)
    inlines = [CampaignMessageInline]
    actions = ["send_to_consenting"]

    @admin.action(description=_("Send to the customers who consent to advertising"))
    def send_to_consenting(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        actor = Actor(user=request.user)  # type: ignore[arg-type]  # the admin site lets staff users in only
        queued = sum(campaigns.start_campaign(campaign, actor=actor) for campaign in queryset)
        transaction.on_commit(lambda: send_campaign_messages.enqueue())
        self.message_user(request, _("%(count)d messages queued.") % {"count": queued})
